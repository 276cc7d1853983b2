"""The root `tessera` group: settings, the running application, and how errors are reported.

It loads a command's module only when that command runs (or `--help` lists them all), and the
database and broker libraries only when a command opens the shop: `tessera --version`, `--help`
and completion start without them.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, NoReturn

import click

from tessera.adapters.cli import logs
from tessera.adapters.persistence.environment import (
    BROKER_URL_ENV,
    CONTEXTS_ENV,
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DEFAULT_DATA_DIR,
    TOPOLOGY_ENV,
    Topology,
)
from tessera.application.shared.errors import ApplicationError
from tessera.domain.shared.bounds import is_printable
from tessera.domain.shared.errors import DomainError

if TYPE_CHECKING:
    from tessera.adapters.bootstrap import Settings, Tessera

USAGE = 2
REFUSED = 1
PENDING = 3
"""The change is stored, and what it caused is not delivered yet: nothing to undo or redo."""

COMMANDS = {
    "contexts": "tessera.adapters.cli.orders:contexts",
    "contracts": "tessera.adapters.cli.contracts:contracts",
    "db": "tessera.adapters.cli.db:db",
    "messages": "tessera.adapters.cli.messages:messages",
    "trace": "tessera.adapters.cli.messages:trace",
    "worker": "tessera.adapters.cli.messages:worker",
}
"""The platform's commands, by name, and where each is defined. The reference shop's
(`catalog`, `inventory`, `orders`, `shipping`, `demo`) come through `tessera.cli`, as any
distribution's do."""

ENTRY_POINTS = "tessera.cli"
"""The entry-point group through which installed distributions add commands."""


def fail(message: str, code: int = REFUSED) -> NoReturn:
    """One line on stderr, whatever the message carries: what a user typed may hold line
    breaks or terminal escape codes, which are shown escaped, never acted on."""
    line = "".join(c if is_printable(c) else repr(c)[1:-1] for c in message)
    click.echo(f"error: {line}", err=True)
    sys.exit(code)


class TesseraGroup(click.Group):
    """Reports bad input as one line on stderr with exit code 2 (usage) or 1 (refused), and
    takes its own options after a command too (`tessera orders list --data-dir X`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._global_options_first(args))

    def _global_options_first(self, args: list[str]) -> list[str]:
        """This group's options, wherever they are given before `--`, moved before the
        command: no command has an option of the same name."""
        takes_value = {
            name: not option.is_flag
            for option in self.params
            if isinstance(option, click.Option)
            for name in option.opts
        }
        front: list[str] = []
        rest: list[str] = []
        remaining = iter(args)
        for arg in remaining:
            if arg == "--":
                rest += [arg, *remaining]
                break
            name = arg.split("=", 1)[0]
            if name in takes_value:
                front.append(arg)
                if takes_value[name] and "=" not in arg:
                    front.append(next(remaining, ""))
            else:
                rest.append(arg)
        return front + rest

    def list_commands(self, ctx: click.Context) -> list[str]:
        installed = {entry.name for entry in entry_points(group=ENTRY_POINTS)}
        return sorted({*COMMANDS, *installed, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A command added to the group, one of Tessera's, or one a distribution installs."""
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        if cmd_name in COMMANDS:
            module, _, name = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
        else:
            entries = [e for e in entry_points(group=ENTRY_POINTS) if e.name == cmd_name]
            if not entries:
                return None
            command = entries[0].load()
        if not isinstance(command, click.Command):
            raise TypeError(f"{cmd_name} names no click command ({ENTRY_POINTS})")
        return command

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            hint = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            fail(f"{error.format_message()}{hint}", USAGE)
        except click.ClickException as error:
            fail(error.format_message(), USAGE)
        except click.Abort:
            fail("aborted", 130)
        except (DomainError, ApplicationError) as error:
            fail(str(error))
        except Exception as error:
            _report(error)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


def _report(error: Exception) -> NoReturn:
    """One line for a failure the adapters name, whose classes are loaded only now: a
    command that fails has opened the shop, and loaded them already."""
    from sqlalchemy.exc import DBAPIError

    from tessera.adapters.bootstrap import DeliveryPending
    from tessera.adapters.persistence.database import (
        StorageUnavailable,
        UnusableSettings,
        first_line,
    )

    if isinstance(error, UnusableSettings):
        fail(str(error), USAGE)
    if isinstance(error, DeliveryPending):
        fail(f"{error}; a worker or the next command sends it", PENDING)
    if isinstance(error, StorageUnavailable):
        fail(str(error))
    if isinstance(error, DBAPIError):  # a database failure the adapters did not foresee
        fail(f"the database failed: {first_line(error.orig)}")
    raise error


class Runtime:
    """Reads the settings and boots Tessera on first use, so that `--help` and usage errors
    touch no data and load no database library."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        self._settings: Settings | None = None
        self.only: tuple[str, ...] = ()
        """The contexts this process runs, where a command names them: only theirs are opened."""
        self._tessera: Tessera | None = None

    @property
    def settings(self) -> Settings:
        """The options given, over the environment; a value out of bounds is a usage error."""
        if self._settings is None:
            from tessera.adapters.bootstrap import Settings

            try:
                self._settings = Settings.from_environment(**self._options)
            except ValueError as error:
                raise click.UsageError(str(error)) from None
        return self._settings

    @property
    def tessera(self) -> Tessera:
        if self._tessera is None:
            from tessera.adapters.bootstrap import bootstrap

            self._tessera = bootstrap(self.settings, only=self.only)
            say_stand_ins(self._tessera)
        return self._tessera

    def handle(self, message: object) -> Any:
        return self.tessera.handle(message)

    def close(self) -> None:
        if self._tessera is not None:
            self._tessera.close()


def say_stand_ins(tessera: Tessera) -> None:
    """Once, on stderr: the ports this process runs on test adapters, which no deployment
    should; a shop in memory is a test's, and says nothing."""
    if tessera.stand_ins and tessera.settings.data_dir is not None:
        ports = sorted(tessera.stand_ins.values(), key=lambda port: port.name)
        named = ", ".join(port.name for port in ports)
        variables = ", ".join(port.variable for port in ports)
        said = (
            f"{named} run on test adapters; name the real ones in {variables}"
            " (or --port NAME=package.module:factory)"
        )
        log = logging.getLogger(logs.LOGGER)
        if log.isEnabledFor(logging.WARNING):  # a worker: in its log, in its log's format
            log.warning(said)
        else:
            click.echo(f"warning: {said}", err=True)


pass_runtime = click.make_pass_decorator(Runtime)


def _port(given: str) -> tuple[str, str]:
    name, equals, spec = given.partition("=")
    if not equals:
        raise click.UsageError(f"--port {given!r} is not NAME=package.module:factory")
    return name.strip(), spec.strip()


@click.group(cls=TesseraGroup)
@click.option(
    "--data-dir",
    default=None,
    help=f"Where each context keeps its database (env {DATA_DIR_ENV}; default {DEFAULT_DATA_DIR}).",
)
@click.option(
    "--topology",
    type=click.Choice([t.value for t in Topology if t is not Topology.MEMORY]),
    default=None,
    help=(
        "monolith: commands deliver their messages; split: only workers do (env"
        f" {TOPOLOGY_ENV}; default {Topology.MONOLITH.value})."
    ),
)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help=(
        "postgresql://USER@HOST:PORT/DBNAME: every context in a schema of its own, as a role of"
        f" its own (env {DATABASE_URL_ENV}, or {DATABASE_URL_ENV}_<CONTEXT> for one context);"
        " default: a SQLite file per context in the data directory."
    ),
)
@click.option(
    "--broker-url",
    default=None,
    metavar="URL",
    help=(
        f"amqp://USER:PASS@HOST:PORT/VHOST: RabbitMQ carries the messages (env {BROKER_URL_ENV});"
        " default: the queue file in the data directory."
    ),
)
@click.option(
    "--contexts",
    default=None,
    metavar="NAME,NAME",
    help=f"The contexts the shop is made of (env {CONTEXTS_ENV}; default: every installed one).",
)
@click.option(
    "--payment-gateway",
    default=None,
    metavar="MODULE:FACTORY",
    help="The payment gateway's adapter (env TESSERA_PAYMENT_GATEWAY; default: the test gateway).",
)
@click.option(
    "--carrier",
    default=None,
    metavar="MODULE:FACTORY",
    help="The carrier's adapter (env TESSERA_CARRIER; default: the test carrier).",
)
@click.option(
    "--port",
    "ports",
    multiple=True,
    metavar="NAME=MODULE:FACTORY",
    help="Any port a context declares, by name (env TESSERA_<NAME>); may be repeated.",
)
@click.version_option(package_name="tessera", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    data_dir: str | None,
    topology: str | None,
    database_url: str | None,
    broker_url: str | None,
    contexts: str | None,
    payment_gateway: str | None,
    carrier: str | None,
    ports: tuple[str, ...],
) -> None:
    """Tessera: an order-fulfilment core of independent bounded contexts."""
    logs.configure()  # a command shows only errors of the deliveries it makes; a worker more
    named = dict(_port(given) for given in ports)
    named |= {"payment_gateway": payment_gateway} if payment_gateway else {}
    named |= {"carrier": carrier} if carrier else {}
    runtime = Runtime({
        "data_dir": data_dir, "topology": topology, "database_url": database_url,
        "broker_url": broker_url, "ports": named, "contexts": contexts or (),
    })  # fmt: skip
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)
