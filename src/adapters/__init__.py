"""The adapters layer: databases, message queues, the CLI and the composition root."""
