"""Business rules as named objects, so that the rule's name says what broke."""

from __future__ import annotations

from typing import Protocol

from tessera.domain.shared.errors import BusinessRuleViolation


class BusinessRule(Protocol):
    """One invariant of the business, checked by the aggregate that owns it."""

    @property
    def message(self) -> str: ...

    def is_broken(self) -> bool: ...


def check_rule(rule: BusinessRule) -> None:
    """Raise `BusinessRuleViolation` named after the rule if it is broken."""
    if rule.is_broken():
        raise BusinessRuleViolation(type(rule).__name__, rule.message)
