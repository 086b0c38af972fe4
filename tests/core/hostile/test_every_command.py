"""Every command with any arguments: random option sets drawn from each sub-command's own parser,
with hostile values (missing and junk files, an empty folder, NaN, huge and negative numbers,
control characters, non-UTF-8 text), each held to the one promise of tests/hostile.py, and a case
given to it left unchanged when it refuses.

Commands that would run for minutes on valid input (the demo, the window, the over-fitting lab,
which draws its own data) are left out; every other command's valid paths are cheap here because
no argument names a real model.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from tests.hostile import assert_clean, case_state, run_main
from workstation.cli import build_parser

LEFT_OUT = {"demo", "gui", "lab"}


def _commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = []

    def walk(prefix: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.append((prefix, parser))
            return
        for name, child in subs[0].choices.items():
            if not prefix and name in LEFT_OUT:
                continue
            walk((*prefix, name), child)

    walk((), build_parser())
    return found


COMMANDS = _commands()


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> Iterator[dict[str, Path]]:
    """The files the arguments name; the commands run in a scratch folder, so a relative name
    (a case `init` makes, an index `build` writes) lands there, never in the checkout."""
    from workstation.core.case import Case

    root = tmp_path_factory.mktemp("every-command")
    scratch = root / "cwd"
    scratch.mkdir()
    previous = Path.cwd()
    os.chdir(scratch)
    junk = root / "junk.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    empty = root / "empty"
    empty.mkdir()
    image = root / "image.png"
    Image.new("RGB", (16, 16), (200, 30, 30)).save(image)
    case = root / "case"
    with Case.create(case, "hostile", "E"):
        pass
    missing = root / "missing.safetensors"
    try:
        yield {"junk": junk, "empty": empty, "image": image, "case": case, "missing": missing}
    finally:
        os.chdir(previous)


VALUES = [
    "0", "-1", "1e308", "nan", "inf", "-inf", "99999999999999999999999", "0.5", "1,5,50", "",
    "\x1b[2J", "a\nb", "\u202ename.png", "ü" * 300, "#1", "A1", "R1",
]  # fmt: skip


def _argv(draw, command, parser, places) -> list[str]:
    pool = [str(p) for p in places.values()] + VALUES
    argv = list(command)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if not action.option_strings:  # a positional: always given
            count = 1 if action.nargs in (None, "?") else draw(st.integers(1, 2))
            argv += [draw(st.sampled_from(pool)) for _ in range(count)]
            continue
        if not draw(st.booleans()):
            continue
        argv.append(action.option_strings[-1])
        if action.nargs == 0:
            continue
        if action.choices and draw(st.booleans()):
            argv.append(str(draw(st.sampled_from(list(action.choices)))))
        else:
            count = 1 if action.nargs in (None, "?") else draw(st.integers(1, 2))
            argv += [draw(st.sampled_from(pool)) for _ in range(count)]
    return argv


@given(data=st.data())
def test_any_arguments_to_any_command_are_a_clean_outcome(data, places):
    command, parser = data.draw(st.sampled_from(COMMANDS), label="command")
    argv = _argv(data.draw, command, parser, places)
    before = case_state(places["case"])
    outcome = run_main(*argv)
    assert_clean(outcome)
    if outcome.code != 0:
        assert case_state(places["case"]) == before, argv
