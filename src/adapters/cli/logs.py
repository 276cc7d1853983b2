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


def configure(style: str = "text", level: int = logging.ERROR) -> None:
    """Send Tessera's log to stderr, replacing whatever was configured before."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if style == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def level_after(verbose: int, quiet: int, default: int = logging.INFO) -> int:
    """Each -v one level more detail, each -q one less."""
    position = LEVELS.index(default) - verbose + quiet
    return LEVELS[min(max(position, 0), len(LEVELS) - 1)]
