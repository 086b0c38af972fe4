"""Hostile text on the terminal: names, notes and prompts with escape sequences, newlines, bidi
overrides or bytes that are not UTF-8. The terminal gets each as a visible escape, a newline
never makes a fake row, `--json` stays exact, and text that cannot be stored is refused in one
line."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image

from tests.hostile import assert_clean, case_state, run_main
from workstation.commands.terminal import json_text, printable

HOSTILE_NAMES = [
    "line\nfake row.png",
    "esc\x1b[2J\x1b]0;title\x07.png",
    "bidi\u202egnp.exe.png",
    "cr\rover.png",
    "zero\u200bwidth.png",
    "del\x7f.png",
]


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    assert run_main("case", "init", root, "--title", "T\x1b[31m", "--examiner", "E").code == 0
    return root


def image(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(path, format="PNG")
    return path


def raw(text: str) -> list[str]:
    """The characters that must never reach a terminal raw (a space of any width may)."""
    return [
        ch
        for ch in text
        if ch != "\n" and not ch.isprintable() and unicodedata.category(ch) != "Zs"
    ]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_escaped_and_make_no_rows(tmp_path: Path, case_dir: Path, name) -> None:
    path = image(tmp_path / name)
    imported = run_main("case", "import", case_dir, path)
    assert imported.code == 0, imported.err
    assert raw(imported.out) == []
    listed = run_main("case", "list", case_dir)
    assert raw(listed.out) == []
    assert len(listed.out.splitlines()) == 2  # the title line and one row
    assert printable(name) in listed.out
    logged = run_main("case", "log", case_dir)
    assert raw(logged.out) == []
    # JSON stays exact: the name read back is the name on disk
    data = json.loads(run_main("case", "list", case_dir, "--json").out)
    assert [a["original_name"] for a in data] == [name]
    compared = run_main("compare", path, image(tmp_path / "other.png", 1))
    assert compared.code == 0, compared.err
    assert raw(compared.out) == []
    assert f"A  {printable(str(path))}  40×40" in compared.out
    as_json = run_main("compare", path, tmp_path / "other.png", "--json")
    assert raw(as_json.out) == []
    assert json.loads(as_json.out)["image_a"]["path"] == str(path)


def test_non_utf8_file_name_is_refused_in_one_line(tmp_path: Path, case_dir: Path) -> None:
    folder = os.fsencode(tmp_path)
    name = folder + b"/caf\xe9 latin-1.png"  # how a Latin-1 system wrote "café"
    image(Path(os.fsdecode(name)))
    path = os.fsdecode(name)  # as Python gives it from argv: a lone surrogate \udce9
    other = image(tmp_path / "other.png", 1)
    before = case_state(case_dir)
    for args in (
        ("case", "import", case_dir, path),
        ("case", "import", case_dir, other, path),  # all files or none
        ("compare", path, other, "--case", case_dir),
        ("compare", other, path, "--json"),
    ):
        outcome = run_main(*args)
        assert_clean(outcome)
        assert outcome.code == 2, args
        assert "caf\\udce9 latin-1.png: not valid UTF-8" in outcome.err
        assert raw(outcome.err) == []
        assert case_state(case_dir) == before


def test_non_utf8_prompt_is_refused_in_one_line(tmp_path: Path, case_dir: Path) -> None:
    a, b = image(tmp_path / "a.png"), image(tmp_path / "b.png", 1)
    before = case_state(case_dir)
    outcome = run_main("compare", a, b, "--prompt", "a cat \udcff", "--case", case_dir)
    assert_clean(outcome)
    assert "the --prompt value is not valid UTF-8 text (character 7 is '\\udcff')" in outcome.err
    assert case_state(case_dir) == before
    outcome = run_main(
        "generate", "--model", tmp_path, "--prompt", "ok", "--negative", "\ud800x",
        "--width", 64, "--height", 64, "--seed", 1, "--case", case_dir,
    )  # fmt: skip
    assert_clean(outcome)
    assert "the --negative value is not valid UTF-8 text" in outcome.err
    assert case_state(case_dir) == before


SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)  # what Python makes of bytes not UTF-8
TEXT = st.text(st.characters(codec=None, exclude_categories=()) | SURROGATE, max_size=40)


@given(TEXT)
def test_printable_escapes_every_unsafe_character_and_only_those(text: str) -> None:
    shown = printable(text)
    assert raw(shown) == []
    assert "\n" not in shown
    shown.encode("utf-8")  # raises on a lone surrogate: a terminal could not be written
    if all(ch.isprintable() for ch in text):
        assert shown == text


@given(st.recursive(TEXT | st.integers() | st.none(), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8))  # fmt: skip
def test_json_text_is_exact_and_safe(data) -> None:
    # (JSON itself reads a high surrogate escaped next to a low one as the pair's character)
    assume(not any(re.search("[\ud800-\udbff][\udc00-\udfff]", t) for t in texts(data)))
    text = json_text(data)
    assert json.loads(text) == data
    assert raw(text) == []
    text.encode("utf-8")  # raises on a lone surrogate


def texts(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [t for key, value in data.items() for t in [key, *texts(value)]]
    if isinstance(data, list):
        return [t for item in data for t in texts(item)]
    return []


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--title", "caf\udce9", "--examiner", "E"), "--title"),
        (("--title", "T", "--examiner", "\udcff"), "--examiner"),
    ],
)
def test_non_utf8_case_text_is_refused_before_the_case_is_made(tmp_path: Path, args, option):
    outcome = run_main("case", "init", tmp_path / "case", *args)
    assert_clean(outcome)
    assert outcome.code == 2
    assert f"the {option} value is not valid UTF-8 text" in outcome.err
    assert not (tmp_path / "case").exists()


def test_non_utf8_note_is_refused_and_the_case_unchanged(tmp_path: Path, case_dir: Path) -> None:
    before = case_state(case_dir)
    outcome = run_main("case", "import", case_dir, image(tmp_path / "a.png"), "--note", "n\udcfe")
    assert_clean(outcome)
    assert "the --note value is not valid UTF-8 text (character 2 is '\\udcfe')" in outcome.err
    assert case_state(case_dir) == before
