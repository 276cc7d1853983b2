"""Payments' adapters: its own database, the test gateway, and its wiring."""
