"""`tessera worker`, `tessera messages ...` and `tessera trace`: running and watching the queue."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime
from types import FrameType

import attrs
import click

from adapters.cli import logs
from adapters.cli.app import Runtime, cli, fail, pass_runtime
from adapters.cli.render import Column, Listing, print_json, stdout_is_terminal


@cli.command()
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
    try:
        running = runtime.tessera.worker(contexts or None)
    except ValueError as error:
        fail(str(error), 2)

    def stop(signum: int, frame: FrameType | None) -> None:
        running.stop()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    report = running.run(until_idle=until_idle)
    consumed = report.consumed
    click.echo(
        f"relayed {report.relayed}, handled {consumed.handled}, duplicates {consumed.duplicates},"
        f" ignored {consumed.ignored}, retried {consumed.retried},"
        f" dead-lettered {consumed.dead_lettered}, purged {report.purged}"
    )


@cli.group()
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
        queue.add(s.subscription, s.ready, s.waiting_to_retry, s.in_flight, s.dead, oldest)
    if not stdout_is_terminal():
        click.echo()
    queue.show()


@messages.command("dead-letters")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def dead_letters(runtime: Runtime, as_json: bool) -> None:
    """Messages a subscription gave up on, with the reason."""
    letters = runtime.tessera.operations.dead_letters()
    if as_json:
        print_json(letters)
        return
    table = Listing(
        "Dead letters", "Message", "Subscription", "Type", Column("Attempts", "number"), "Died",
        Column("Error", "text"),
    )  # fmt: skip
    for d in letters:
        table.add(d.message_id, d.subscription, d.type, d.attempts, _clock(d.dead_at), d.error)
    table.show()


@messages.command("replay")
@click.argument("message_id")
@pass_runtime
def replay(runtime: Runtime, message_id: str) -> None:
    """Deliver a dead-lettered message again."""
    count = runtime.tessera.operations.replay(message_id)
    if count == 0:
        fail(f"no dead letter with message id {message_id}")
    click.echo(f"replaying {message_id} to {count} subscription(s)")
    if runtime.settings.delivers_inline:
        runtime.tessera.deliver()


@cli.command()
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def trace(runtime: Runtime, identifier: str, as_json: bool) -> None:
    """Every message of the conversations a correlation id or an aggregate id took part in."""
    hops = runtime.tessera.operations.trace(identifier)
    if not hops:
        fail(f"no message has correlation id, aggregate id or message id {identifier}")
    if as_json:
        print_json(hops)
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
            h.type.split(".", 2)[2],
            h.subject,
            h.subscription or "-",
            _after(h.delivered_at, h.written_at),
            _after(h.handled_at, h.written_at) if h.state != "dead" else "dead",
        )
    table.show()


def _clock(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M:%S.%f")[:-3]


def _after(at: float | None, start: float) -> str:
    return "-" if at is None else f"+{(at - start) * 1000:.1f} ms"
