"""Payments use cases."""
