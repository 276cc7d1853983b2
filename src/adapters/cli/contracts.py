"""`tessera contracts ...`: the published language as JSON Schema, snapshotted in the
repository, and a check that the code breaks no version it has published."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from tessera.adapters.cli.app import fail
from tessera.application.shared.contract_schema import breaks, schema
from tessera.application.shared.integration import registered_events

SNAPSHOTS = Path("docs/contracts")
_DIR = click.option(
    "--dir",
    "where",
    type=click.Path(file_okay=False, path_type=Path),
    default=SNAPSHOTS,
    show_default=True,
    help="Where the snapshots of the published schemas are kept.",
)


@click.group()
def contracts() -> None:
    """The published language: each event type and version as a JSON Schema."""


def _schemas() -> dict[str, dict[str, Any]]:
    """Every published type's schema, from the code: the shop's contexts and installed ones."""
    from tessera.adapters.bootstrap.root import all_contexts

    all_contexts((), discover=True)  # importing the contexts registers their contracts
    return {event_type: schema(event_type, cls) for event_type, cls in registered_events().items()}


def _asyncapi() -> dict[str, Any]:
    """The AsyncAPI document of the shop as the code wires it (who publishes, who reacts)."""
    from tessera.adapters.bootstrap import Settings, bootstrap
    from tessera.adapters.messaging import asyncapi

    with bootstrap(Settings.in_memory()) as app:
        entries = app.context_map()
    return asyncapi.document(
        version("tessera"),
        _schemas(),
        {entry.event_type: entry.publisher for entry in entries},
        {entry.event_type: entry.subscribers for entry in entries},
    )


def _text(document: dict[str, Any]) -> str:
    """JSON, which is YAML too (1.2): no YAML library needed to write or read it."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


ASYNCAPI = "asyncapi.yaml"


@contracts.command("asyncapi")
def asyncapi_document() -> None:
    """Print the AsyncAPI 3.0 document of the shop (JSON, which is also YAML)."""
    click.echo(_text(_asyncapi()), nl=False)


def _file(where: Path, event_type: str) -> Path:
    return where / f"{event_type}.json"


def _recorded(where: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(where.glob("tessera.*.json")):  # the schemas, not the AsyncAPI document
        try:
            found[path.name.removesuffix(".json")] = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            fail(f"cannot read the snapshot {path}: {error}")
    return found


@contracts.command("snapshot")
@_DIR
def snapshot(where: Path) -> None:
    """Record the code's schemas as what has been published (an explicit step: review the
    diff). A version no longer in the code is removed from the record, and says so."""
    schemas, recorded = _schemas(), _recorded(where) if where.is_dir() else {}
    where.mkdir(parents=True, exist_ok=True)
    for event_type, document in sorted(schemas.items()):
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        path = _file(where, event_type)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            click.echo(f"{'recorded' if event_type not in recorded else 'updated'} {path}")
    for event_type in sorted(set(recorded) - set(schemas)):
        _file(where, event_type).unlink()
        click.echo(f"removed {_file(where, event_type)}: the code no longer publishes it")
    spec = where / ASYNCAPI
    text = _text(_asyncapi())
    if not spec.exists() or spec.read_text() != text:
        spec.write_text(text)
        click.echo(f"updated {spec}")


@contracts.command("check")
@_DIR
def check(where: Path) -> None:
    """Compare the code's schemas with the snapshots: one line per change that breaks a
    published version (exit 1); a new type or optional field is fine, and is listed as not
    yet recorded."""
    if not where.is_dir():
        fail(f"no snapshots in {where}: record them with 'tessera contracts snapshot'")
    schemas, recorded = _schemas(), _recorded(where)
    found = [f"{t}: the code no longer publishes it" for t in sorted(set(recorded) - set(schemas))]
    for event_type in sorted(set(recorded) & set(schemas)):
        found += breaks(event_type, recorded[event_type], schemas[event_type])
    if found:
        for line in found:
            click.echo(f"break: {line}", err=True)
        fail(f"{len(found)} change(s) break published versions: publish a new version instead")
    stale = [t for t in sorted(schemas) if recorded.get(t) != schemas[t]]
    spec = where / ASYNCAPI
    if not spec.exists() or spec.read_text() != _text(_asyncapi()):
        stale.append(ASYNCAPI)
    for name in stale:
        click.echo(f"not yet recorded: {name} ('tessera contracts snapshot' records it)")
    click.echo(f"{len(recorded)} published version(s), none broken")
