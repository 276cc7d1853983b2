"""The composition root and the running Tessera: what a caller imports to use Tessera."""

from __future__ import annotations

from adapters.bootstrap.root import bootstrap, setup
from adapters.bootstrap.tessera import ContextMapEntry, DeliveryPending, Tessera
from adapters.persistence.settings import Settings, Topology

__all__ = [
    "ContextMapEntry",
    "DeliveryPending",
    "Settings",
    "Tessera",
    "Topology",
    "bootstrap",
    "setup",
]
