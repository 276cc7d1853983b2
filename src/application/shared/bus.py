"""The message bus: routes each command or query to the one handler registered for its type."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, get_type_hints

from tessera.application.shared.errors import UnknownMessage

Handler = Callable[[Any], Any]
Handlers = dict[type, Handler]

UnitOfWorkT = TypeVar("UnitOfWorkT")
Reaction = Callable[[Any, UnitOfWorkT], None]
Reactions = dict[type, Reaction[UnitOfWorkT]]
"""A context's reactions to other contexts' integration events, by event class."""


def use_cases(uow: object, *handlers: Callable[..., Any]) -> Handlers:
    """Handlers `handle(message: M, uow, ...)` registered under M, the type their first
    parameter is annotated with, each given the unit of work. A `functools.partial` may fix
    the parameters after the unit of work (a clock, say)."""
    table: Handlers = {}
    for handler in handlers:
        function = handler.func if isinstance(handler, functools.partial) else handler
        first = next(iter(inspect.signature(function).parameters))
        message_type = get_type_hints(function)[first]
        if message_type in table:
            raise TypeError(f"two handlers for {message_type.__name__}")
        table[message_type] = _bound(handler, uow)
    return table


def _bound(handler: Callable[..., Any], uow: object) -> Handler:
    return lambda message: handler(message, uow)


ResultT = TypeVar("ResultT", covariant=True)


class Command(Generic[ResultT]):
    """A request to change a context; `ResultT` is what handling it returns."""

    def settled(self, result: Any, ask: Callable[[Any], Any]) -> Any:
        """The result once what the command caused was delivered (in one process, before
        the command returns): read again with `ask` (a query) where the other contexts'
        reactions change it; by default as handling it returned it."""
        return result


class Query(Generic[ResultT]):
    """A question to a context, `ResultT` its answer. Answering it changes nothing, so it
    delivers nothing either: a read shows the state as it is, whatever backlog it finds."""


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
