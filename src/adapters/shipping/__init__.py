"""Shipping's adapters: its own database, the test carrier, and its wiring."""
