"""Ordering use cases, and the fulfilment saga's reactions."""
