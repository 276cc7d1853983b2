"""`tessera worker`, `tessera messages ...` and `tessera trace`: running and watching the queue."""

from __future__ import annotations

import getpass
import json
import logging
import signal
import socket
import threading
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

import attrs
import click

from tessera.adapters.cli import logs
from tessera.adapters.cli.app import Runtime, fail, pass_runtime
from tessera.adapters.cli.render import Column, Listing, print_json
from tessera.adapters.messaging.operations import DeadLetter, TraceHop
from tessera.application.shared.integration import short_name
from tessera.domain.shared.bounds import REASON_LENGTH, checked_text, quoted

if TYPE_CHECKING:
    from tessera.adapters.messaging.worker import Worker

log = logging.getLogger("tessera.adapters.messaging.worker")


@click.command()
@click.option(
    "--context",
    "contexts",
    multiple=True,
    help="A context to work for; repeat for several (default: all).",
)
@click.option("--until-idle", is_flag=True, help="Stop when nothing is left to deliver.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object a line, for a log collector.",
)
@click.option("-v", "--verbose", count=True, help="More detail in the log; repeat for more.")
@click.option("-q", "--quiet", count=True, help="Less in the log: -q warnings, -qq errors.")
@pass_runtime
def worker(
    runtime: Runtime,
    contexts: tuple[str, ...],
    until_idle: bool,
    log_format: str,
    verbose: int,
    quiet: int,
) -> None:
    """Relay the contexts' outboxes and handle their subscriptions.

    It logs to stderr, one line per event: its start, each batch, each retry and dead
    letter, a queue or database lost and regained, and its stop."""
    logs.configure(log_format, logs.level_after(verbose, quiet))
    stopping = threading.Event()
    started: list[Worker] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        # Not `running.stop()` here: a handler runs in the main thread between any two of its
        # steps, perhaps while that thread holds the lock of the event the worker waits on,
        # and setting that event would wait for the lock for ever. A thread of its own waits
        # its turn.
        stopping.set()
        for running in started:
            threading.Thread(target=running.stop, name="stop", daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    running = _started(runtime, contexts, until_idle, stopping)
    if running is None:
        click.echo("stopped before it could reach its database")
        return
    started.append(running)
    if stopping.is_set():
        running.stop()
    report = running.run(until_idle=until_idle)
    consumed = report.consumed
    click.echo(
        f"relayed {report.relayed}, handled {consumed.handled}, duplicates {consumed.duplicates},"
        f" ignored {consumed.ignored}, retried {consumed.retried},"
        f" dead-lettered {consumed.dead_lettered}, purged {report.purged}"
    )


START_RETRY_SECONDS = (1.0, 30.0)
"""How soon a worker that cannot reach its database tries again: first, and at the latest."""


def _started(
    runtime: Runtime, contexts: tuple[str, ...], until_idle: bool, stopping: threading.Event
) -> Worker | None:
    """The worker, once its databases can be reached: until then it says why and tries again
    (a worker run once, `--until-idle`, fails instead); None if stopped meanwhile."""
    from tessera.adapters.messaging.consumer import logged
    from tessera.adapters.persistence.database import Unreachable

    delay, longest = START_RETRY_SECONDS
    runtime.only = contexts  # a worker of some contexts opens theirs alone
    while True:
        try:
            runtime.tessera.reach(contexts or None)
            return runtime.tessera.worker(contexts or None)
        except ValueError as error:
            fail(str(error), 2)
        except Unreachable as error:
            if until_idle:
                raise
            log.error(
                "cannot start, trying again in %.0f s: %s", delay, error,
                extra=logged(", ".join(contexts) or "all", "unreachable", error=str(error)),
            )  # fmt: skip
        if stopping.wait(delay):
            return None
        delay = min(delay * 2, longest)


@click.group()
def messages() -> None:
    """The queue between the contexts: backlog, dead letters, replay."""


@messages.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_runtime
def status(runtime: Runtime, as_json: bool) -> None:
    """Outbox backlog per context, and each subscription's queue."""
    backlog = runtime.tessera.outbox_backlog()
    subscriptions = runtime.tessera.operations.status()
    dead = sum(s.dead for s in subscriptions)
    if as_json:
        data = {
            "outbox": backlog,
            "subscriptions": [attrs.asdict(s) for s in subscriptions],
            "dead_letters": dead,
        }
        click.echo(json.dumps(data, indent=2))
        return
    outbox = Listing("Outbox backlog", "Context", Column("Unsent", "number"))
    for context, unsent in backlog.items():
        outbox.add(context, unsent)
    outbox.show()
    counts = ("Ready", "Waiting to retry", "In flight", "Dead", "Oldest (s)")
    queue = Listing("Subscriptions", "Subscription", *(Column(c, "number") for c in counts))
    for s in subscriptions:
        oldest = "-" if s.oldest_age_seconds is None else f"{s.oldest_age_seconds:.1f}"
        in_flight = "-" if s.in_flight is None else s.in_flight
        queue.add(s.subscription, s.ready, s.waiting_to_retry, in_flight, s.dead, oldest)
    queue.show(after=True)


_SUBSCRIPTION = click.option("--subscription", help="Only the dead letters of this subscription.")
_TYPE = click.option("--type", "event_type", help="Only dead letters of this event type.")


def _dead_letters(
    runtime: Runtime, subscription: str | None, event_type: str | None
) -> list[DeadLetter]:
    letters = runtime.tessera.operations.dead_letters()
    return [letter for letter in letters if letter.matches(subscription, event_type)]


@messages.command("dead-letters")
@_SUBSCRIPTION
@_TYPE
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def dead_letters(
    runtime: Runtime, subscription: str | None, event_type: str | None, as_json: bool
) -> None:
    """Messages a subscription gave up on: what they are about, and why (the error's first
    line; --json has all of it)."""
    letters = _dead_letters(runtime, subscription, event_type)
    if as_json:
        print_json(letters)
        return
    table = Listing(
        "Dead letters", "Message", "Subscription", "Type", "Subject",
        Column("Attempts", "number"), "Died", Column("Error", "text"),
    )  # fmt: skip
    for d in letters:
        error = d.error.splitlines()[0] if d.error else "-"
        table.add(
            d.message_id, d.subscription, d.type, d.subject, d.attempts, _clock(d.dead_at), error
        )
    table.show()


@messages.command("replay")
@click.argument("message_id", required=False)
@click.option("--all", "every", is_flag=True, help="Every dead letter (of the filters given).")
@_SUBSCRIPTION
@_TYPE
@pass_runtime
def replay(
    runtime: Runtime,
    message_id: str | None,
    every: bool,
    subscription: str | None,
    event_type: str | None,
) -> None:
    """Deliver dead-lettered messages again: one by its id, or --all of them."""
    if (message_id is None) == (not every):
        fail("name one MESSAGE_ID, or give --all (with --subscription or --type to narrow it)", 2)
    operations = runtime.tessera.operations
    if message_id is not None:
        ids = [message_id]
    else:
        ids = sorted({d.message_id for d in _dead_letters(runtime, subscription, event_type)})
    count = sum(operations.replay(one, subscription) for one in ids)
    if count == 0:
        fail(
            f"no dead letter with message id {quoted(message_id)}"
            if message_id
            else ("no dead letter to replay")
        )
    click.echo(f"replaying {len(ids)} message(s) to {count} subscription(s)")
    if runtime.settings.delivers_inline:
        runtime.tessera.deliver()


@messages.command("discard")
@click.argument("message_id")
@click.option("--reason", required=True, help="Why it is closed for good; kept with it.")
@_SUBSCRIPTION
@pass_runtime
def discard(runtime: Runtime, message_id: str, reason: str, subscription: str | None) -> None:
    """Close a dead letter for good. It is never delivered again; who closed it, when and
    why stay in its record and in the order's timeline."""
    why = checked_text("reason", reason, REASON_LENGTH)
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    subjects = {
        d.subject for d in _dead_letters(runtime, subscription, None) if d.message_id == message_id
    }
    count = runtime.tessera.operations.discard(message_id, why, who, subscription)
    if count == 0:
        fail(f"no dead letter with message id {quoted(message_id)}")
    click.echo(f"discarded {message_id} in {count} subscription(s): {why}")
    for subject in sorted(subjects):
        for line in runtime.tessera.after_discard(subject):
            click.echo(line)


@click.command()
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--format",
    "style",
    type=click.Choice(["table", "mermaid"]),
    default="table",
    show_default=True,
    help="mermaid: a sequence diagram of the journey, to look at rather than read.",
)
@pass_runtime
def trace(runtime: Runtime, identifier: str, as_json: bool, style: str) -> None:
    """Every message of the conversations a correlation id or an aggregate id took part in.
    An order is named as `orders show` names it: its number, its id, or the first 8 or more
    characters of its id."""
    hops = _traced(runtime, identifier)
    if not hops:
        fail(f"no message has correlation id, aggregate id or message id {identifier}")
    if as_json:
        print_json(hops)
        return
    if style == "mermaid":
        click.echo(sequence_diagram(hops))
        return
    table = Listing(
        f"Trace of {identifier}", "Written", "Message", "Context", "Type", "Subject", "To",
        Column("Delivered", "number"), Column("Handled", "number"),
    )  # fmt: skip
    for h in hops:
        table.add(
            _clock(h.written_at),
            h.message_id,
            h.source,
            short_name(h.type),
            h.subject,
            h.subscription or "-",
            _after(h.delivered_at, h.written_at),
            _after(h.handled_at, h.written_at) if h.state != "dead" else "dead",
        )
    table.show()


def _traced(runtime: Runtime, identifier: str) -> list[TraceHop]:
    """The trace of what a context says the name stands for (an order's number, the start of
    its id: people's handles) first, then of the identifier as it is."""
    operations = runtime.tessera.operations
    named = runtime.tessera.identify(identifier)
    if named is not None and (hops := operations.trace(named)):
        return hops
    return operations.trace(identifier)


def sequence_diagram(hops: list[TraceHop]) -> str:
    """The journey as a Mermaid sequence diagram: the contexts as participants, in the order
    they first take part; each delivery an arrow, marked when it was retried, replayed,
    dead-lettered or discarded; a message no context reacts to, a note."""
    hops = [hop for hop in hops if hop.state != "ignored"]  # no context reacted to those
    contexts: list[str] = []
    for hop in hops:
        for context in (hop.source, hop.subscription):
            if context is not None and context not in contexts:
                contexts.append(context)
    lines = ["sequenceDiagram", *(f"    participant {context}" for context in contexts)]
    for hop in hops:
        event = short_name(hop.type)
        if hop.subscription is None:
            lines.append(f"    Note over {hop.source}: {event} (to no one)")
            continue
        marks = [f"{hop.attempts} attempts"] if hop.attempts > 1 else []
        if hop.replays or hop.discarded or hop.state in ("dead", "ready"):
            marks.append(hop.outcome if hop.state != "ready" else "not handled yet")
        arrow = "-x" if hop.state == "dead" else "->>"
        label = f"{event} ({', '.join(marks)})" if marks else event
        lines.append(f"    {hop.source}{arrow}{hop.subscription}: {_mermaid_text(label)}")
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    # A ';' or '#' would end or escape the statement in Mermaid.
    return text.replace(";", ",").replace("#", "no. ")


def _clock(at: float) -> str:
    """A Unix time as a date and time of day in UTC, to the millisecond."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _after(at: float | None, start: float) -> str:
    return "-" if at is None else f"+{(at - start) * 1000:.1f} ms"
