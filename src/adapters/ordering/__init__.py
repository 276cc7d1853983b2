"""Ordering's adapters: its own database and its wiring."""
