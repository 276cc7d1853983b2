"""Loyalty: points for every completed order, a bounded context added to Tessera from outside."""
