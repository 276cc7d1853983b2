"""Operating the queue from the command line: status, dead letters, replay, trace, workers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tessera.adapters.cli.main import cli
from tessera.adapters.messaging.sqlite_queue import SqliteQueue
from tessera.application.shared.envelope import OutgoingMessage
from tessera.application.shared.integration import short_name
from tests.cli.invoke import as_json, run, set_up
from tests.rollout import FORMS


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = set_up(tmp_path / "data")
    assert run(data, "catalog", "add", "MUG-1", "--name", "Mug", "--price", "3").exit_code == 0
    return data


def test_a_command_in_the_monolith_delivers_what_it_caused(data_dir: Path) -> None:
    status = as_json(data_dir, "messages", "status")
    assert set(status["outbox"].values()) == {0}
    subscriptions = {s["subscription"]: s for s in status["subscriptions"]}
    assert {"inventory", "ordering", "payments", "shipping"} <= subscriptions.keys()
    assert all(s["ready"] == s["dead"] == 0 for s in subscriptions.values())
    assert run(data_dir, "inventory", "receive", "MUG-1", "2").exit_code == 0


def test_in_the_split_topology_only_workers_deliver(data_dir: Path) -> None:
    split = ["--topology", "split"]
    assert (
        run(data_dir, *split, "catalog", "add", "MUG-2", "--name", "Mug", "--price", "3").exit_code
        == 0
    )
    # the listing in version 2, and in version 1 beside it until the rollout ends
    assert as_json(data_dir, *split, "messages", "status")["outbox"]["catalog"] == FORMS
    refused = run(data_dir, *split, "inventory", "receive", "MUG-2", "1")
    assert refused.exit_code == 1
    assert "MUG-2 is listed in the catalog, but inventory has not heard of it yet" in (
        refused.stderr
    )
    assert "tessera worker" in refused.stderr
    worker = run(data_dir, *split, "worker", "--until-idle")
    assert worker.exit_code == 0
    assert f"relayed {FORMS}, handled 2" in worker.stdout  # inventory and ordering listen
    assert run(data_dir, *split, "inventory", "receive", "MUG-2", "1").exit_code == 0


def test_a_trace_shows_each_message_and_what_became_of_it(data_dir: Path) -> None:
    hops = as_json(data_dir, "trace", "MUG-1")
    assert [(h["type"], h["source"], h["subscription"], h["state"]) for h in hops] == [
        ("tessera.catalog.ProductListed.v2", "catalog", "inventory", "done"),
        ("tessera.catalog.ProductListed.v2", "catalog", "ordering", "done"),
        # published beside version 2 for consumers on older code; these read version 2
        ("tessera.catalog.ProductListed.v1", "catalog", "inventory", "ignored"),
        ("tessera.catalog.ProductListed.v1", "catalog", "ordering", "ignored"),
    ][: 2 * FORMS]
    for hop in hops[:2]:
        assert hop["written_at"] <= hop["delivered_at"] <= hop["handled_at"]
    assert as_json(data_dir, "trace", hops[0]["correlation_id"]) == hops
    table = run(data_dir, "trace", "MUG-1")
    assert table.exit_code == 0
    assert "inventory" in table.stdout


def test_dead_letters_are_listed_with_their_reason_and_can_be_replayed(data_dir: Path) -> None:
    queue = SqliteQueue(data_dir / "queue.db")
    body = "{not json"
    queue.publish(
        [OutgoingMessage("bad-1", "tessera.catalog.X.v1", "catalog", "s", "c", None, body, 0)]
    )
    queue.close()
    assert run(data_dir, "worker", "--until-idle").exit_code == 0
    dead = as_json(data_dir, "messages", "dead-letters")
    assert sorted((d["message_id"], d["subscription"], d["attempts"]) for d in dead) == [
        ("bad-1", "inventory", 1),
        ("bad-1", "ordering", 1),
    ]
    assert all("not JSON" in d["error"] for d in dead)
    assert as_json(data_dir, "messages", "status")["dead_letters"] == 2
    replayed = run(data_dir, "messages", "replay", "bad-1")
    assert replayed.exit_code == 0
    assert "replaying 1 message(s) to 2 subscription(s)" in replayed.stdout
    again = as_json(data_dir, "messages", "dead-letters")  # still unreadable, dead once more
    assert {d["message_id"] for d in again} == {"bad-1"}


def dead_letter(data_dir: Path, message_id: str, subject: str) -> None:
    """A message of an event type no version of Tessera knows, handled and dead-lettered."""
    queue = SqliteQueue(data_dir / "queue.db")
    unheard = OutgoingMessage(
        message_id, "tessera.catalog.Unheard.v9", "catalog", subject, f"c-{message_id}",
        None, "{}", 0.0,
    )  # fmt: skip
    queue.publish([unheard])
    queue.close()
    assert run(data_dir, "worker", "--until-idle").exit_code == 0


def test_dead_letters_show_their_subject_subscription_and_the_errors_first_line(
    data_dir: Path,
) -> None:
    dead_letter(data_dir, "odd-1", "MUG-1")
    listing = run(data_dir, "messages", "dead-letters", "--subscription", "inventory").stdout
    header, row = listing.splitlines()
    assert header.split("\t") == [
        "Message", "Subscription", "Type", "Subject", "Attempts", "Died", "Error",
    ]  # fmt: skip
    cells = row.split("\t")
    assert cells[:5] == ["odd-1", "inventory", "tessera.catalog.Unheard.v9", "MUG-1", "1"]
    assert cells[6].startswith("unreadable: ")
    assert len(as_json(data_dir, "messages", "dead-letters", "--type", "nope")) == 0


def test_an_operator_replays_many_dead_letters_at_once(data_dir: Path) -> None:
    for n in range(3):
        dead_letter(data_dir, f"odd-{n}", "MUG-1")
    assert len(as_json(data_dir, "messages", "dead-letters")) == 6  # inventory and ordering
    only = run(data_dir, "messages", "replay", "--all", "--subscription", "ordering")
    assert "replaying 3 message(s) to 3 subscription(s)" in only.stdout
    every = run(data_dir, "messages", "replay", "--all", "--type", "tessera.catalog.Unheard.v9")
    assert "replaying 3 message(s) to 6 subscription(s)" in every.stdout
    hops = as_json(data_dir, "trace", "odd-0")
    assert {(h["subscription"], h["replays"]) for h in hops} == {("inventory", 1), ("ordering", 2)}
    for args in (["messages", "replay"], ["messages", "replay", "odd-1", "--all"]):
        refused = run(data_dir, *args)
        assert refused.exit_code == 2
        assert "name one MESSAGE_ID, or give --all" in refused.stderr


def test_a_discarded_dead_letter_leaves_the_list_and_stays_in_the_record(
    data_dir: Path,
) -> None:
    dead_letter(data_dir, "odd-1", "MUG-1")
    done = run(data_dir, "messages", "discard", "odd-1", "--reason", "sent by a test harness")
    assert done.exit_code == 0, done.output
    assert "discarded odd-1 in 2 subscription(s): sent by a test harness" in done.stdout
    assert as_json(data_dir, "messages", "dead-letters") == []
    assert as_json(data_dir, "messages", "status")["dead_letters"] == 0
    for hop in as_json(data_dir, "trace", "odd-1"):
        assert hop["state"] == "dead"
        assert hop["discarded"].endswith(": sent by a test harness")
        assert "@" in hop["discarded"].split(" ")[1]  # who: user@host
    assert run(data_dir, "messages", "replay", "odd-1").exit_code == 1
    for reason in ("", "two\nlines", "x" * 201):
        refused = run(data_dir, "messages", "discard", "odd-1", "--reason", reason)
        assert refused.exit_code == 1


def test_a_queue_file_of_an_earlier_tessera_is_brought_up_to_date_by_upgrade(
    data_dir: Path,
) -> None:
    with sqlite3.connect(data_dir / "queue.db") as db:  # as a release before q2 left it,
        db.execute("ALTER TABLE deliveries DROP COLUMN replays")  # and before versions
        db.execute("ALTER TABLE deliveries DROP COLUMN discarded")
        db.execute("PRAGMA user_version = 0")
    refused = run(data_dir, "messages", "status")
    assert refused.exit_code == 1
    assert "is at revision q1 and the code needs q2" in refused.stderr
    assert "tessera db upgrade" in refused.stderr
    [queue_file, *_] = as_json(data_dir, "db", "status")
    assert queue_file == {
        "context": "queue file", "database": str(data_dir / "queue.db"), "schema": None,
        "role": None, "revision": "q1", "head": "q2", "up_to_date": False,
    }  # fmt: skip
    upgraded = run(data_dir, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "queue file: q1 -> q2" in upgraded.stdout
    assert as_json(data_dir, "messages", "status")["dead_letters"] == 0
    assert as_json(data_dir, "db", "status")[0]["up_to_date"] is True
    with sqlite3.connect(data_dir / "queue.db") as db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
    assert "queue file: at q2 already" in run(data_dir, "db", "upgrade").stdout
    assert run(data_dir, "db", "setup").exit_code == 0  # setup does it too, as it did


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["messages", "replay", "nope"], 1, "no dead letter with message id 'nope'"),
        (["messages", "discard", "nope", "--reason", "x"], 1, "no dead letter with message id"),
        (["messages", "discard", "nope"], 2, "Missing option '--reason'"),
        (["trace", "nothing-here"], 1, "no message has correlation id"),
        (["worker", "--context", "billing"], 2, "no context is named billing (the contexts:"),
        (["--topology", "mesh", "messages", "status"], 2, "'mesh' is not one of"),
    ],
)
def test_bad_operations_input_is_one_line_and_changes_nothing(
    data_dir: Path, args: list[str], code: int, says: str
) -> None:
    before = as_json(data_dir, "messages", "status")
    result = run(data_dir, *args)
    assert result.exit_code == code
    assert result.stderr.count("\n") == 1
    assert says in result.stderr
    assert as_json(data_dir, "messages", "status") == before


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("TESSERA_BATCH_SIZE", "many", "TESSERA_BATCH_SIZE must be a whole number, not 'many'"),
        ("TESSERA_BATCH_SIZE", "0", "TESSERA_BATCH_SIZE must be at least 1, not 0"),
        ("TESSERA_BATCH_SIZE", "-1", "TESSERA_BATCH_SIZE must be at least 1, not -1"),
        (
            "TESSERA_BATCH_SIZE",
            "99999999999999999999",
            "TESSERA_BATCH_SIZE must be at most 10000, not 99999999999999999999",
        ),
        ("TESSERA_BATCH_SIZE", "1_0", "TESSERA_BATCH_SIZE must be a whole number"),
        ("TESSERA_BATCH_SIZE", "\uff15", "TESSERA_BATCH_SIZE must be a whole number"),
        ("TESSERA_POLL_SECONDS", "0", "TESSERA_POLL_SECONDS must be at least 0.001, not 0"),
        ("TESSERA_POLL_SECONDS", "-5", "TESSERA_POLL_SECONDS must be at least 0.001, not -5"),
        ("TESSERA_LEASE_SECONDS", "0", "TESSERA_LEASE_SECONDS must be at least 1, not 0"),
        ("TESSERA_LEASE_SECONDS", "-3", "TESSERA_LEASE_SECONDS must be at least 1, not -3"),
        ("TESSERA_LEASE_SECONDS", "nan", "TESSERA_LEASE_SECONDS must be a number, not 'nan'"),
        ("TESSERA_LEASE_SECONDS", "inf", "TESSERA_LEASE_SECONDS must be a number, not 'inf'"),
        (
            "TESSERA_RETRY_MAX_ATTEMPTS",
            "-1",
            "TESSERA_RETRY_MAX_ATTEMPTS must be at least 1, not -1",
        ),
        ("TESSERA_RETRY_FACTOR", "0.5", "TESSERA_RETRY_FACTOR must be at least 1, not 0.5"),
        ("TESSERA_RETENTION_SECONDS", "1e9", "TESSERA_RETENTION_SECONDS must be a number"),
        ("TESSERA_RETENTION_SECONDS", "1", "(set in the environment: TESSERA_RETENTION_SECONDS)"),
        (
            "TESSERA_TOPOLOGY",
            "bogus",
            "TESSERA_TOPOLOGY must be one of monolith, split, not 'bogus'",
        ),
        (
            "TESSERA_CONNECT_TIMEOUT_SECONDS",
            "0",
            "TESSERA_CONNECT_TIMEOUT_SECONDS must be at least 1",
        ),
        (
            "TESSERA_DATABASE_URL_FOO",
            "postgresql://u@h/d",
            "TESSERA_DATABASE_URL_FOO names no context",
        ),
        ("TESSERA_BROKER_URL", "amqp://u:p@h:abc/v", "the broker URL's port must be a number"),
        (
            "TESSERA_BROKER_URL_PAYMENTS",
            "amqp://bob:pw@h:5672/shop",
            "TESSERA_BROKER_URL_PAYMENTS must connect as tessera_shop_payments, the user of"
            " payments, not bob",
        ),
    ],
)
def test_a_setting_outside_its_range_is_refused_at_start_up_naming_it(
    data_dir: Path, variable: str, value: str, says: str
) -> None:
    before = as_json(data_dir, "messages", "status")
    for args in (["messages", "status"], ["worker", "--until-idle"], ["catalog", "list"]):
        result = CliRunner(env={variable: value}).invoke(cli, ["--data-dir", str(data_dir), *args])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert says in result.stderr, result.stderr
    assert as_json(data_dir, "messages", "status") == before


def test_settings_from_python_are_held_to_the_same_ranges() -> None:
    from tessera.adapters.bootstrap import Settings
    from tessera.application.shared.retry import RetryPolicy

    for options in ({"batch_size": 0}, {"poll_seconds": 0.0}, {"lease_seconds": float("nan")}):
        with pytest.raises(ValueError, match=f"{next(iter(options))} must be at least"):
            Settings.in_memory(**options)
    with pytest.raises(ValueError, match="max_attempts must be at least 1, not 0"):
        RetryPolicy(max_attempts=0)


def test_a_trace_draws_the_journey_as_a_sequence_diagram_of_the_same_hops(
    data_dir: Path,
) -> None:
    env = {"TESSERA_RETRY_FIRST_DELAY": "0.01"}
    assert run(data_dir, "inventory", "receive", "MUG-1", "5").exit_code == 0
    placed = run(
        data_dir, "orders", "place", "--customer", "c-1", "--line", "MUG-1:1",
        "--card", "tok_gatewayError", "--address", "1 Main St", "--json", env=env,
    )  # fmt: skip
    order_id = json.loads(placed.stdout)["id"]
    assert run(data_dir, "worker", "--until-idle", env=env).exit_code == 0  # the retries
    hops = [h for h in as_json(data_dir, "trace", order_id) if h["state"] != "ignored"]
    diagram = run(data_dir, "trace", order_id, "--format", "mermaid").stdout.splitlines()
    assert diagram[0] == "sequenceDiagram"
    participants = [line.split()[-1] for line in diagram if line.strip().startswith("participant")]
    assert participants == ["ordering", "inventory", "payments", "shipping"]
    arrows = [line.strip() for line in diagram[1 + len(participants) :]]
    assert len(arrows) == len(hops)
    for arrow, hop in zip(arrows, hops, strict=True):
        event = short_name(hop["type"])
        if hop["subscription"] is None:
            assert arrow == f"Note over {hop['source']}: {event} (to no one)"
        else:
            assert arrow.startswith(f"{hop['source']}->>{hop['subscription']}: {event}")
    [charge] = [a for a in arrows if "->>payments: PaymentRequested" in a]
    assert charge.endswith("(3 attempts)")  # failed twice, then captured


def test_a_dead_letter_is_drawn_as_a_lost_message(data_dir: Path) -> None:
    dead_letter(data_dir, "odd-1", "MUG-1")
    diagram = run(data_dir, "trace", "odd-1", "--format", "mermaid").stdout
    assert "catalog-xinventory: Unheard.v9 (dead)" in diagram
    assert "catalog-xordering: Unheard.v9 (dead)" in diagram
