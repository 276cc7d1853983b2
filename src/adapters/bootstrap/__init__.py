"""The composition root and the running Tessera: what a caller imports to use Tessera."""

from __future__ import annotations

from tessera.adapters.bootstrap.root import bootstrap, setup
from tessera.adapters.bootstrap.tessera import ContextMapEntry, DeliveryPending, Tessera
from tessera.adapters.settings import Settings, Topology

__all__ = [
    "ContextMapEntry",
    "DeliveryPending",
    "Settings",
    "Tessera",
    "Topology",
    "bootstrap",
    "setup",
]
