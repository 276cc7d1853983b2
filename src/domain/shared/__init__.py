"""The shared kernel: the few concepts every bounded context speaks the same way."""
