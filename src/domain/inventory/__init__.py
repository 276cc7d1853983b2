"""Inventory: stock on hand and the reservations held against it."""
