"""Shipping use cases."""
