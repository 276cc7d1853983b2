"""A deterministic payment gateway for tests and the demo, with the familiar test tokens."""

from __future__ import annotations

import threading

from application.payments.gateway import ChargeResult, GatewayUnavailable
from domain.shared.money import Money

APPROVES = "tok_visa"
DECLINES = "tok_chargeDeclined"
FAILS_TWICE = "tok_gatewayError"
TEST_TOKENS = (APPROVES, DECLINES, FAILS_TWICE)


class TestPaymentGateway:
    """`tok_visa` approves, `tok_chargeDeclined` declines, `tok_gatewayError` fails twice for
    each charge and then approves. Charges and refunds are idempotent by key."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._charges: dict[str, ChargeResult] = {}
        self._failures: dict[str, int] = {}
        self.refunds: dict[str, Money] = {}

    def charge(self, idempotency_key: str, card_token: str, amount: Money) -> ChargeResult:
        with self._lock:
            if idempotency_key in self._charges:
                return self._charges[idempotency_key]
            if card_token == FAILS_TWICE:
                failures = self._failures.get(idempotency_key, 0)
                if failures < 2:
                    self._failures[idempotency_key] = failures + 1
                    raise GatewayUnavailable("the gateway timed out")
            if card_token in (APPROVES, FAILS_TWICE):
                result = ChargeResult(approved=True)
            elif card_token == DECLINES:
                result = ChargeResult(approved=False, reason="card declined")
            else:
                result = ChargeResult(approved=False, reason=f"unknown card token {card_token}")
            self._charges[idempotency_key] = result
            return result

    def refund(self, idempotency_key: str, amount: Money) -> None:
        with self._lock:
            self.refunds.setdefault(idempotency_key, amount)
