"""Tessera: a library for building a backend as a DDD hexagonal modular monolith.

Its layers are `tessera.domain`, `tessera.application` and `tessera.adapters`; a shop starts
with `tessera.adapters.bootstrap` (`bootstrap`, `setup`, `Settings`).
"""
