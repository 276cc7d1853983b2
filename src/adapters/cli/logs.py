"""How Tessera's processes log: one line per event, with an ISO 8601 time and the context,
as text for a person or as one JSON object a line for a log collector."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR)


def _time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " | ")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        context = getattr(record, "context", record.name)
        return _one_line(f"{_time(record)} {record.levelname:<7} {context}: {record.getMessage()}")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname.lower(),
            "context": getattr(record, "context", record.name),
            "event": getattr(record, "event", "log"),
            "message": record.getMessage(),
        }
        entry |= getattr(record, "fields", {})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


LOGGER = "tessera"
"""Where Tessera logs: the parent of every one of its modules' loggers."""


class _Stderr(logging.Handler):
    """Writes to whatever stderr is when a record comes, not to the one it was made with."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"{self.format(record)}\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def configure(style: str = "text", level: int = logging.ERROR) -> None:
    """Send Tessera's log to stderr at this level, replacing what this function configured
    before; the root logger, and whatever an embedding program set up there, is left alone."""
    handler = _Stderr()
    handler.setFormatter(JsonFormatter() if style == "json" else TextFormatter())
    logger = logging.getLogger(LOGGER)
    for old in [h for h in logger.handlers if isinstance(h, _Stderr)]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)


def level_after(verbose: int, quiet: int, default: int = logging.INFO) -> int:
    """Each -v one level more detail, each -q one less."""
    position = LEVELS.index(default) - verbose + quiet
    return LEVELS[min(max(position, 0), len(LEVELS) - 1)]
