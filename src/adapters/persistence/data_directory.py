"""The data directory as this process found it: where each database lives, whether this
process may write there, and whether it is the one command meant to create a shop."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import attrs

from tessera.adapters.persistence.database import NotSetUp, StorageUnavailable


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


@attrs.frozen
class DataDirectory:
    """`data_dir=None` keeps every database in memory, created afresh."""

    data_dir: Path | None
    writable: bool = True
    creates: bool = False
    """Missing databases and tables are made: only `tessera db setup`, the demo and the
    in-memory topology create a shop. Every other command opens one that exists."""

    @classmethod
    def in_memory(cls) -> DataDirectory:
        return cls(None, writable=True, creates=True)

    @classmethod
    def create(cls, data_dir: Path) -> DataDirectory:
        """Make the data directory (and its parents) if needed, and prove it can be written."""
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(
                f"cannot write data directory {data_dir}: {_reason(error)}"
            ) from None
        if not _can_write(data_dir):
            raise StorageUnavailable(f"cannot write data directory {data_dir}: it is read-only")
        return cls(data_dir, writable=True, creates=True)

    @classmethod
    def open(cls, data_dir: Path) -> DataDirectory:
        """An existing data directory; one that cannot be written is opened for reading only."""
        if not data_dir.is_dir():
            where = "is not a directory" if data_dir.exists() else "does not exist"
            raise StorageUnavailable(
                f"data directory {data_dir} {where}; create a shop there with"
                f" 'tessera --data-dir {data_dir} db setup'"
            )
        return cls(data_dir, writable=_can_write(data_dir))

    def path(self, name: str) -> Path | None:
        """Where the database `name` lives; None in memory."""
        return None if self.data_dir is None else self.data_dir / f"{name}.db"

    def require(self, name: str) -> Path | None:
        """The database `name`, which must exist unless this storage creates what is missing."""
        path = self.path(name)
        if path is not None and not self.creates and not path.is_file():
            raise NotSetUp(
                f"data directory {self.data_dir} has no {path.name}: it is not a Tessera shop;"
                f" create one with 'tessera --data-dir {self.data_dir} db setup'"
            )
        return path

    def require_writable(self) -> None:
        if not self.writable:
            raise StorageUnavailable(
                f"cannot write data directory {self.data_dir}: it is read-only"
                " (reads work; changes need a directory this process may write)"
            )


def _can_write(data_dir: Path) -> bool:
    """A probe file of its own: processes starting together must not delete each other's."""
    try:
        with tempfile.TemporaryFile(dir=data_dir):
            return True
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return False
        raise StorageUnavailable(
            f"cannot use data directory {data_dir}: {_reason(error)}"
        ) from None
