"""Requests: frozen dataclasses that describe one use case's input completely, defaults included.

The CLI's options are generated from a request's fields (`add_arguments`, `from_arguments`); the
window's forms build the same request type from their widgets. So a default lives in one place,
and the same inputs give the same request whichever front end took them.

A field's metadata (made with `option(...)`) says how it shows on the command line:

    @dataclass(frozen=True)
    class CompareRequest:
        image_a: Path = option(positional=True, help="first image")
        prompt: str = option("", help="the prompt, for CLIP text similarity")
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Union

_MISSING = dataclasses.MISSING


def option(
    default: Any = _MISSING,
    *,
    help: str = "",
    flag: str | None = None,
    positional: bool = False,
    choices: typing.Sequence[Any] | None = None,
    metavar: str | None = None,
    parse: typing.Callable[[str], Any] | None = None,
    cli: bool = True,
    default_factory: Any = _MISSING,
) -> Any:
    """A request field with its command-line form. `parse` turns one CLI string into the
    field's value (or into one item, for tuple fields, which take the option repeatedly)."""
    metadata = {
        "help": help,
        "flag": flag,
        "positional": positional,
        "choices": choices,
        "metavar": metavar,
        "parse": parse,
        "cli": cli,
    }
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def add_arguments(parser: argparse.ArgumentParser, request: type) -> None:
    """One argparse argument per CLI field of `request`, with its type, default and help."""
    hints = typing.get_type_hints(request)
    for field in dataclasses.fields(request):
        meta = field.metadata
        if not meta.get("cli", True):
            continue
        hint = hints[field.name]
        base, repeated = _base_type(hint)
        default = _default(field)
        kwargs: dict[str, Any] = {"help": _help(meta.get("help", ""), default)}
        if meta.get("choices"):
            kwargs["choices"] = list(meta["choices"])
        if meta.get("metavar"):
            kwargs["metavar"] = meta["metavar"]
        parse = meta.get("parse") or (base if base in (int, float, Path) else None)
        if meta.get("positional"):
            if parse:
                kwargs["type"] = parse
            if repeated:
                kwargs["nargs"] = "+"
            parser.add_argument(field.name, **kwargs)
            continue
        flag = meta.get("flag") or "--" + field.name.replace("_", "-")
        if base is bool:
            kwargs["action"] = "store_true"
        elif repeated:
            kwargs["action"] = "append"
            kwargs["default"] = []
            if parse:
                kwargs["type"] = parse
        else:
            if parse:
                kwargs["type"] = parse
            if default is _MISSING:
                kwargs["required"] = True
            else:
                kwargs["default"] = None  # "not given": the request's own default applies
        parser.add_argument(flag, dest=field.name, **kwargs)


def from_arguments(request: type, args: argparse.Namespace, **extra: Any) -> Any:
    """The request for parsed `args`; fields not given on the command line keep their defaults.
    `extra` sets fields that have no CLI form (or overrides)."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(request):
        if field.name in extra or not field.metadata.get("cli", True):
            continue
        if not hasattr(args, field.name):
            continue
        value = getattr(args, field.name)
        if value is None or (value == [] and field.default_factory is not _MISSING):
            continue
        values[field.name] = tuple(value) if isinstance(value, list) else value
    return request(**values, **extra)


def _base_type(hint: Any) -> tuple[Any, bool]:
    """(item type, repeated?) of a field's annotation: `int | None` -> (int, False),
    `tuple[Path, ...]` -> (Path, True)."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _base_type(args[0]) if len(args) == 1 else (str, False)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        return (args[0] if args else str), True
    return hint, False


def _default(field: dataclasses.Field) -> Any:
    if field.default is not _MISSING:
        return field.default
    if field.default_factory is not _MISSING:
        return field.default_factory()
    return _MISSING


def _help(text: str, default: Any) -> str:
    if default is _MISSING or default in (None, (), "", False):
        return text
    shown = f"{default:g}" if isinstance(default, float) else str(default)
    return f"{text} (default {shown})" if text else f"default {shown}"
