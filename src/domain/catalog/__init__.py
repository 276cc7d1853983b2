"""Catalog: what is for sale and at what price."""
