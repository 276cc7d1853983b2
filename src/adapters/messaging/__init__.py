"""How messages travel: outbox relay, queues, consumers with an inbox, and workers."""
