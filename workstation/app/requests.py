"""Requests: frozen dataclasses that describe one use case's input completely, defaults included.

The CLI's options are generated from a request's fields (`add_arguments`, `from_arguments`); the
window's forms build the same request type from their widgets. So a default lives in one place,
and the same inputs give the same request whichever front end took them.

A field's metadata (made with `option(...)`) says how it shows on the command line:

    @dataclass(frozen=True)
    class CompareRequest:
        image_a: Path = option(positional=True, help="first image")
        prompt: str = option("", help="the prompt, for CLIP text similarity")

A field made with `nested(...)` holds a request of its own (a generation recipe, a CLIP choice)
whose options join the command's, less those it `omit`s (they keep their defaults).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import types
import typing
from pathlib import Path
from typing import Any, Union

from workstation.core.errors import InputError

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
    repeat: bool = True,
    items_after: bool = False,
    required: bool = False,
    env: str | None = None,
    show: typing.Callable[[Any], str] | None = None,
    cli: bool = True,
    default_factory: Any = _MISSING,
) -> Any:
    """A request field with its command-line form. `parse` turns one CLI string into the
    field's value (or into one item, for tuple fields, which take the option repeatedly; with
    `repeat=False` a tuple field takes one string that `parse` turns into the whole tuple; with
    `items_after=True` one flag takes every item after it: `--exhibits 3 1 2`).
    `required`: the command line asks for it although the request has a default (which the
    uses that do not show the option rely on). `env`: the environment variable that gives the
    command line's default. `show`: how the help writes the default."""
    metadata = {
        "help": help,
        "flag": flag,
        "positional": positional,
        "choices": choices,
        "metavar": metavar,
        "parse": parse,
        "repeat": repeat,
        "items_after": items_after,
        "required": required,
        "env": env,
        "show": show,
        "cli": cli,
    }
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def nested(request: type, *, omit: typing.Iterable[str] = (), required: bool = True) -> Any:
    """A field holding a `request` of its own: its CLI options are the nested request's, less
    `omit` (those keep the nested request's defaults). `required=False`: the field defaults to
    `request()` (every nested field has a default)."""
    metadata = {"nested": request, "omit": tuple(omit)}
    if required:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default_factory=request, metadata=metadata)


def reset(request: Any, names: typing.Iterable[str]) -> Any:
    """`request` with the fields `names` back at their defaults (what `omit` leaves them at)."""
    defaults = {f.name: _default(f) for f in dataclasses.fields(request) if f.name in set(names)}
    return dataclasses.replace(request, **defaults)


def add_arguments(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    request: type,
    *,
    omit: typing.Iterable[str] = (),
    _prefix: str = "",
) -> None:
    """One argparse argument per CLI field of `request`, with its type, default and help."""
    hints = typing.get_type_hints(request)
    for field in dataclasses.fields(request):
        meta = field.metadata
        if field.name in set(omit) or not meta.get("cli", True):
            continue
        dest = _prefix + field.name
        if meta.get("nested"):
            add_arguments(parser, meta["nested"], omit=meta["omit"], _prefix=dest + ".")
            continue
        hint = hints[field.name]
        base, many = _base_type(hint)
        repeated = many and meta.get("repeat", True)
        default = _default(field)
        env = meta.get("env")
        shown = _MISSING if meta.get("required") else default
        kwargs: dict[str, Any] = {"help": _help(meta.get("help", ""), shown, env, meta.get("show"))}
        if meta.get("choices"):
            kwargs["choices"] = list(meta["choices"])
        if meta.get("metavar"):
            kwargs["metavar"] = meta["metavar"]
        elif not meta.get("choices") and base is not bool:
            kwargs["metavar"] = field.name.upper()  # not the nested dest ("RECIPE.MODEL")
        parse = meta.get("parse") or (base if base in (int, float, Path) else None)
        if parse is not None:
            kwargs["type"] = _argparse_type(parse)
        if meta.get("positional"):
            if repeated:
                kwargs["nargs"] = "+"
            parser.add_argument(dest, **kwargs)
            continue
        flag = meta.get("flag") or "--" + field.name.replace("_", "-")
        if base is bool and not many:
            kwargs["action"] = "store_true"
            kwargs["default"] = None
        elif repeated and meta.get("items_after"):
            kwargs["nargs"] = "+"
            kwargs["default"] = []
        elif repeated:
            kwargs["action"] = "append"
            kwargs["default"] = []
        elif default is _MISSING or meta.get("required"):
            kwargs["required"] = True
        else:
            # "not given": the request's own default applies (or the environment's)
            kwargs["default"] = os.environ.get(env) or None if env else None
        parser.add_argument(flag, dest=dest, **kwargs)


def from_arguments(request: type, args: argparse.Namespace, **extra: Any) -> Any:
    """The request for parsed `args`; fields not given on the command line keep their defaults.
    `extra` sets fields that have no CLI form (or overrides)."""
    return _from_arguments(request, args, extra, "", ())


def _from_arguments(
    request: type, args: argparse.Namespace, extra: dict[str, Any], prefix: str, omit: tuple
) -> Any:
    values: dict[str, Any] = {}
    hints = typing.get_type_hints(request)
    for field in dataclasses.fields(request):
        meta = field.metadata
        if field.name in extra or field.name in omit or not meta.get("cli", True):
            continue
        dest = prefix + field.name
        if meta.get("nested"):
            values[field.name] = _from_arguments(meta["nested"], args, {}, dest + ".", meta["omit"])
            continue
        if not hasattr(args, dest):
            continue
        value = getattr(args, dest)
        if value is None or (value == [] and _base_type(hints[field.name])[1]):
            continue
        values[field.name] = tuple(value) if isinstance(value, list) else value
    return request(**values, **extra)


def _argparse_type(parse: typing.Callable[[str], Any]) -> typing.Callable[[str], Any]:
    """`parse` for argparse: an InputError (the message the window shows too) becomes a usage
    error."""

    def parsed(text: str) -> Any:
        try:
            return parse(text)
        except InputError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parsed.__name__ = getattr(parse, "__name__", "value")  # argparse names the type in errors
    return parsed


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


def _help(
    text: str, default: Any, env: str | None = None, show: typing.Callable | None = None
) -> str:
    if env:
        return f"{text} (default: ${env})" if text else f"default: ${env}"
    if default is _MISSING or default in (None, (), "", False):
        return text
    if show is not None:
        shown = show(default)
    elif isinstance(default, tuple):
        shown = ",".join(_show(value) for value in default)
    else:
        shown = _show(default)
    return f"{text} (default {shown})" if text else f"default {shown}"


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
