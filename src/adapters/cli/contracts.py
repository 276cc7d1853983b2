"""`tessera contracts ...`: the published language as JSON Schema, snapshotted in the
repository, and a check that the code breaks no version it has published."""

from __future__ import annotations

import functools
import json
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tessera.adapters.cli.app import fail
from tessera.application.shared.contract_schema import breaks, schema
from tessera.application.shared.integration import registered_events
from tessera.application.shared.reads import ReadsUnknownField, fields_of, unread

if TYPE_CHECKING:
    from tessera.adapters.bootstrap import ContextMapEntry

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


@functools.cache
def _shop() -> tuple[list[ContextMapEntry], dict[str, dict[str, set[str]]]]:
    """Who publishes and who reacts to each type, and what each context reads of it: read
    from the code once per process (a check and a snapshot both ask)."""
    from tessera.adapters.bootstrap import Settings, bootstrap

    with bootstrap(Settings.in_memory()) as app:
        return app.context_map(), app.readings()


def _asyncapi(where: Path) -> dict[str, Any]:
    """The AsyncAPI document of the shop as the code wires it (who publishes, who reacts,
    what each reads), with the consumers outside the shop recorded in `where`."""
    from tessera.adapters.messaging import asyncapi

    entries, readings = _shop()
    return asyncapi.document(
        version("tessera"),
        _schemas(),
        {entry.event_type: entry.publisher for entry in entries},
        {**readings, **_outside_readers(where)},
    )


READERS = "readers.json"
"""The consumers outside the shop, and the fields each reads of each event type."""
UNREAD = "unread.json"
"""The published fields that no subscriber reads, as recorded: each to drop in its type's
next version, or to be read by a consumer recorded in readers.json."""


def _json_file(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        fail(f"cannot read {path}: {error}")


def _outside_readers(where: Path) -> dict[str, dict[str, set[str]]]:
    recorded = _json_file(where / READERS, {})
    try:
        return {
            str(reader): {str(t): {str(f) for f in fields} for t, fields in types.items()}
            for reader, types in recorded.items()
        }
    except (AttributeError, TypeError):
        fail(f"{where / READERS} must map each reader to {{event type: [field, ...]}}")


def unread_fields(where: Path) -> tuple[list[str], list[str]]:
    """Each `type: data.field` that no subscriber reads, inside the shop or recorded outside
    it; and the readings that name a field their event does not have."""
    _, readings = _shop()
    readers = [*readings.values(), *_outside_readers(where).values()]
    found, wrong = [], []
    for event_type, cls in sorted(registered_events().items()):
        reads = [each[event_type] for each in readers if event_type in each]
        unknown = sorted(set().union(*reads) - fields_of(cls)) if reads else []
        wrong += [f"{event_type}: {field} is read, and it has no such field" for field in unknown]
        found += [f"{event_type}: data.{field}" for field in unread(cls, reads)]
    return found, wrong


def _text(document: dict[str, Any]) -> str:
    """JSON, which is YAML too (1.2): no YAML library needed to write or read it."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


ASYNCAPI = "asyncapi.yaml"


@contracts.command("asyncapi")
@_DIR
def asyncapi_document(where: Path) -> None:
    """Print the AsyncAPI 3.0 document of the shop (JSON, which is also YAML), with the
    consumers outside it that the directory's readers.json records."""
    click.echo(_text(_asyncapi(where)), nl=False)


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
    diff), and the fields of them that no subscriber reads. A version no longer in the code
    is removed from the record, and says so; one a consumer recorded in readers.json still
    reads is kept, and the snapshot refused."""
    schemas, recorded = _schemas(), _recorded(where) if where.is_dir() else {}
    outside = _outside_readers(where) if where.is_dir() else {}
    still_read = [
        f"{event_type} is read by {reader} ({where / READERS})"
        for event_type in sorted(set(recorded) - set(schemas))
        for reader, types in sorted(outside.items())
        if event_type in types
    ]
    if still_read:
        for line in still_read:
            click.echo(f"kept: {line}", err=True)
        fail(f"{len(still_read)} retired version(s) still read: publish them until no one does")
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
    text = _text(_asyncapi(where))
    if not spec.exists() or spec.read_text() != text:
        spec.write_text(text)
        click.echo(f"updated {spec}")
    found, _ = unread_fields(where)
    accepted: dict[str, list[str]] = {}
    for line in found:
        event_type, field = line.split(": data.", 1)
        accepted.setdefault(event_type, []).append(field)
    listing, text = where / UNREAD, _text(accepted)
    if not listing.exists() or listing.read_text() != text:
        listing.write_text(text)
        click.echo(f"updated {listing}: {len(found)} field(s) no subscriber reads")


@contracts.command("check")
@_DIR
def check(where: Path) -> None:
    """Compare the code's schemas with the snapshots: one line per change that breaks a
    published version (exit 1); a new type or optional field is fine, and is listed as not
    yet recorded."""
    if not where.is_dir():
        fail(f"no snapshots in {where}: record them with 'tessera contracts snapshot'")
    schemas, recorded = _schemas(), _recorded(where)
    found = [
        f"{t}: the code no longer publishes it (once no one reads it, 'tessera contracts"
        f" snapshot' retires it)"
        for t in sorted(set(recorded) - set(schemas))
    ]
    for event_type in sorted(set(recorded) & set(schemas)):
        found += breaks(event_type, recorded[event_type], schemas[event_type])
    if found:
        for line in found:
            click.echo(f"break: {line}", err=True)
        fail(f"{len(found)} change(s) break published versions: publish a new version instead")
    _check_minimal(where)
    stale = [t for t in sorted(schemas) if recorded.get(t) != schemas[t]]
    spec = where / ASYNCAPI
    if not spec.exists() or spec.read_text() != _text(_asyncapi(where)):
        stale.append(ASYNCAPI)
    for name in stale:
        click.echo(f"not yet recorded: {name} ('tessera contracts snapshot' records it)")
    click.echo(f"{len(recorded)} published version(s), none broken")


def _check_minimal(where: Path) -> None:
    """Every field is read by some subscriber (a reaction's reading, or a consumer recorded
    in readers.json), but for those the record lists as unread; and that list is exact."""
    try:
        found, wrong = unread_fields(where)
    except ReadsUnknownField as error:
        fail(f"a reading does not fit its event: {error}")
    accepted = _json_file(where / UNREAD, {})
    if not isinstance(accepted, dict):
        fail(f"{where / UNREAD} must map each event type to [field, ...]")
    listed = {f"{t}: data.{field}" for t, fields in accepted.items() for field in fields}
    lines = [f"{line} is read by no subscriber" for line in found if line not in listed]
    lines += [f"{line} is listed in {UNREAD} and is read now (or gone)" for line in
              sorted(listed - set(found))]  # fmt: skip
    lines += wrong
    if lines:
        for line in lines:
            click.echo(f"unread: {line}", err=True)
        fail(
            f"{len(lines)} field(s) out of line: publish only what a subscriber reads (drop it"
            f" in a new version), record the consumer outside the shop that reads it in"
            f" {READERS}, or record it as unread with 'tessera contracts snapshot'"
        )
