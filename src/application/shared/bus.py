"""The message bus: routes each command or query to the one handler registered for its type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from application.shared.errors import UnknownMessage

Handler = Callable[[Any], Any]
Handlers = dict[type, Handler]

UnitOfWorkT = TypeVar("UnitOfWorkT")
Reaction = Callable[[Any, UnitOfWorkT], None]
Reactions = dict[type, Reaction[UnitOfWorkT]]
"""A context's reactions to other contexts' integration events, by event class."""


class Query:
    """A question to a context. Answering it changes nothing, so it delivers nothing either:
    a read shows the state as it is, whatever backlog it finds."""


class MessageBus:
    """Dispatches a message to its handler; contexts contribute their handlers at start-up."""

    def __init__(self, handlers: Mapping[type, Handler]) -> None:
        self._handlers = dict(handlers)

    def handle(self, message: object) -> Any:
        try:
            handler = self._handlers[type(message)]
        except KeyError:
            raise UnknownMessage(f"no handler for {type(message).__name__}") from None
        return handler(message)

    def handles(self, message_type: type) -> bool:
        return message_type in self._handlers
