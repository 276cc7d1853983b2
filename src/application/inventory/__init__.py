"""Inventory use cases."""
