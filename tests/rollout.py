"""Whether version 1 of the types that dropped unread fields is still published beside their
version 2 today (decision 48). Tests that count messages hold on either side of the window's
end, until version 1 is removed."""

from __future__ import annotations

from datetime import UTC, datetime

from tessera.application.contracts import ROLLOUT_ENDS

BESIDE = datetime.now(UTC).date() <= ROLLOUT_ENDS
"""Version 1 is published beside version 2."""

FORMS = 2 if BESIDE else 1
"""How many messages one such event is published as."""
