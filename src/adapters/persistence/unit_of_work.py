"""The SQLAlchemy unit of work each context's adapter builds on."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from adapters.persistence.database import StorageUnavailable
from application.shared.errors import ConcurrencyConflict


class SqlAlchemyUnitOfWork:
    """One transaction on one context's database; rolls back unless committed.

    Subclasses name their repositories in `_open_repositories`.
    """

    session: Session

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def __enter__(self) -> Self:
        self.session = self._sessions()
        self._open_repositories(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()

    def _open_repositories(self, session: Session) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError:
            self.session.rollback()
            raise ConcurrencyConflict(
                "someone else changed the same record at the same time; nothing was written,"
                " try again"
            ) from None
        except IntegrityError as error:
            self.session.rollback()
            raise ConcurrencyConflict(
                f"the change conflicts with one made at the same time: {error.orig}"
            ) from None
        except OperationalError as error:
            self.session.rollback()
            raise StorageUnavailable(f"the database refused the change: {error.orig}") from None

    def rollback(self) -> None:
        self.session.rollback()
