from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from adapters.bootstrap import Settings, Tessera, bootstrap

# Specifications, not stopwatches: a slow machine must not fail a property.
settings.register_profile("tessera", deadline=None)
settings.load_profile("tessera")


@pytest.fixture
def tessera() -> Iterator[Tessera]:
    """Every context wired as in production, on private in-memory databases."""
    with bootstrap(Settings.in_memory()) as app:
        yield app
