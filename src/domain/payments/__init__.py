"""Payments: money taken for orders, behind a payment gateway."""
