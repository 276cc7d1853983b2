"""Domain errors: what the business refuses, in its own words."""

from __future__ import annotations


class DomainError(Exception):
    """Something the domain refuses to do; the message is fit to show a user."""


class BusinessRuleViolation(DomainError):
    """A named business rule is broken; `rule` names it, the message says why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist in this context."""
