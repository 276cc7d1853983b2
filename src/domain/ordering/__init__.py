"""Ordering: the order lifecycle, and the fulfilment saga that drives it."""
