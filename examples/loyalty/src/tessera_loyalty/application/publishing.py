"""How loyalty announces its changes: it announces nothing to other contexts yet."""

from __future__ import annotations

from collections.abc import Iterable

from tessera.domain.shared.events import DomainEvent


def integration_events(event: DomainEvent) -> Iterable[object]:
    return ()
