"""Loyalty's published language. It announces nothing yet; it is where its name is spelled."""

from __future__ import annotations

SOURCE = "loyalty"
"""The name loyalty subscribes under and keeps its database under."""
