"""The server helpers of the tests say in one line what went wrong, with the tool's or the
server's own words."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests import servers


def test_a_failing_rabbitmqctl_fails_the_test_in_one_line_with_what_it_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuses(args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 64, "", "Error:\n  vhost exists\n")

    monkeypatch.setattr("tests.servers.subprocess.run", refuses)
    monkeypatch.setattr("tests.servers.time.sleep", lambda _: None)
    with pytest.raises(pytest.fail.Exception) as failed:
        servers.rabbitmqctl("add_vhost", "tt_x")
    assert str(failed.value) == "rabbitmqctl add_vhost tt_x exited 64: Error: vhost exists"


def test_a_server_that_refuses_fails_the_test_at_once_in_one_line_with_its_message() -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        servers._connect("postgresql://postgres@127.0.0.1:1/nothing")  # nothing listens there
    said = str(failed.value)
    assert said.startswith("PostgreSQL at postgresql://postgres@127.0.0.1:1/nothing refused")
    assert "Connection refused" in said
    assert "\n" not in said


@pytest.mark.parametrize(
    ("said", "busy"),
    [
        ("FATAL:  remaining connection slots are reserved for superuser connections", True),
        ('FATAL:  too many connections for database "tt_x"', True),
        ("FATAL:  sorry, too many clients already", True),
        ('connection to server at "127.0.0.1", port 1 failed: Connection refused', False),
    ],
)
def test_only_a_server_out_of_slots_is_waited_for(said: str, busy: bool) -> None:
    assert servers.out_of_slots(said) is busy
