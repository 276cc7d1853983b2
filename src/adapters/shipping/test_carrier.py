"""A carrier for tests and the demo: it takes every parcel and gives it a tracking number."""

from __future__ import annotations

import hashlib


class TestCarrier:
    __test__ = False  # not a pytest test class, whatever its name

    def dispatch(self, shipment_id: str, address: str) -> str:
        digest = hashlib.sha1(shipment_id.encode(), usedforsecurity=False).hexdigest()
        return f"TRK-{digest[:10].upper()}"
