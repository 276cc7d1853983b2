"""The catalog's adapters: its own database and its wiring."""
