"""Binds the ports the contexts declare to the adapters a deployment names: given from Python,
named in the settings (the CLI's `--port`), named in `TESSERA_<NAME>`, or else the port's
default. The CLI, every worker and `bootstrap()` bind them alike."""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from tessera.adapters.settings import Settings, UnusableSettings
from tessera.adapters.wiring import BoundedContext, Port


class BoundPorts:
    """The ports one context declared, each an attribute bound to the deployment's adapter."""

    def __init__(self, bound: Mapping[str, object]) -> None:
        self._bound = dict(bound)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._bound[name]
        except KeyError:
            raise AttributeError(f"no port {name!r} was declared by this context") from None


@attrs.frozen
class Binding:
    """How each port of a deployment is bound, by context."""

    by_context: Mapping[str, BoundPorts]
    stand_ins: Mapping[str, Port]
    """Each port bound to its stand-in default (a test adapter), by name."""


def bind_ports(
    contexts: Sequence[BoundedContext[Any, Any]],
    settings: Settings,
    given: Mapping[str, object],
    environ: Mapping[str, str] = os.environ,
) -> Binding:
    """One adapter per port name, made once and shared by the contexts that declare it."""
    declared: dict[str, Port] = {}
    for context in contexts:
        for port in context.ports:
            if declared.setdefault(port.name, port).kind is not port.kind:
                raise UnusableSettings(f"two contexts declare the port {port.name} differently")
    if unknown := sorted(set(settings.ports) - set(declared)):
        known = ", ".join(sorted(declared)) or "none"
        raise UnusableSettings(
            f"no context declares the port {', '.join(unknown)} (the ports: {known})"
        )
    adapters: dict[str, object] = {}
    stand_ins: dict[str, Port] = {}
    for name, port in declared.items():
        if name in given:
            adapters[name] = given[name]
            continue
        where, spec = _named(port, settings, environ)
        adapters[name] = _made(port, spec or port.default, where, settings)
        if spec is None and port.stand_in:
            stand_ins[name] = port
    by_context = {
        context.name: BoundPorts({port.name: adapters[port.name] for port in context.ports})
        for context in contexts
    }
    return Binding(by_context, stand_ins)


def _named(port: Port, settings: Settings, environ: Mapping[str, str]) -> tuple[str, str | None]:
    if port.name in settings.ports:
        return f"--port {port.name}", settings.ports[port.name]
    spec = environ.get(port.variable, "").strip()
    return port.variable, spec or None


def _made(port: Port, spec: str, where: str, settings: Settings) -> object:
    """The adapter `spec` (`package.module:factory`) makes; every failure one line naming
    where the spec came from."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UnusableSettings(f"{where}: {spec!r} is not package.module:factory")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UnusableSettings(f"{where}: cannot import {module_name}: {error}") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise UnusableSettings(f"{where}: {module_name} has no factory {attribute}")
    try:
        adapter = _call(factory, settings)
    except Exception as error:  # whatever a deployment's factory raises, said in one line
        raise UnusableSettings(f"{where}: {spec} failed: {error!r}") from None
    kind = port.kind
    if isinstance(kind, type):
        try:
            fits = isinstance(adapter, kind)
        except TypeError:  # a Protocol that cannot be checked at run time
            fits = True
        if not fits:
            raise UnusableSettings(
                f"{where}: {spec} made a {type(adapter).__name__}, not a {kind.__name__}"
            )
    return adapter


def _call(factory: Callable[..., object], settings: Settings) -> object:
    """A factory taking no argument, or the settings."""
    required = [
        parameter
        for parameter in inspect.signature(factory).parameters.values()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]
    return factory(settings) if required else factory()
