"""The notifier loyalty uses until a deployment names its own: it writes to the log."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class LoggedNotifier:
    """A stand-in: each notice is a line of the log, not a message to the customer."""

    def points_awarded(self, customer_id: str, points: int, balance: int) -> None:
        log.info("%s earned %d points (balance %d)", customer_id, points, balance)
