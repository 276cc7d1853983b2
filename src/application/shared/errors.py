"""Errors the application layer raises on its own account."""

from __future__ import annotations


class ApplicationError(Exception):
    """A use case could not be carried out; the message is fit to show a user."""


class ConcurrencyConflict(ApplicationError):
    """Someone else changed the same aggregate first; nothing was written, try again."""


class UnknownMessage(ApplicationError):
    """No handler is registered for this command or query."""
