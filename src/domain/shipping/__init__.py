"""Shipping: parcels handed to a carrier and delivered."""
