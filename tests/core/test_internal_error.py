"""A bug reaches the user as one line and exit 70, its traceback in a crash file; a bad input
is still exit 2. The hostile-input tests count on telling the two apart."""

from __future__ import annotations

import argparse

from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import assert_clean, run_main
from workstation import cli
from workstation.core.errors import InputError


def _parser_raising(error: Exception) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workstation")
    commands = parser.add_subparsers(dest="command", required=True)

    def fail(args: argparse.Namespace) -> int:
        raise error

    commands.add_parser("boom").set_defaults(func=fail)
    return parser


def test_a_bug_is_one_line_exit_70_and_a_crash_file(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSTATION_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_raising(KeyError("\x1b[31mred\nline")))
    outcome = run_main("boom")
    assert outcome.code == cli.INTERNAL_ERROR == 70
    lines = outcome.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: internal error (KeyError")
    assert "\x1b" not in outcome.err  # the message is escaped like every other
    (crash,) = (tmp_path / "crashes").glob("crash-*.txt")
    assert "Traceback" in crash.read_text() and "KeyError" in crash.read_text()
    assert str(crash) in outcome.err


def test_a_bad_input_stays_exit_2(monkeypatch):
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_raising(InputError("no such work")))
    outcome = run_main("boom")
    assert outcome.code == 2 and outcome.err == "error: no such work\n"
    assert_clean(outcome)


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=4))
def test_any_words_after_metadata_are_a_clean_outcome(words):
    assert_clean(run_main("metadata", "--json", *words))


def test_an_argument_that_is_not_utf8_is_refused_for_every_command():
    name = b"work-\xff\xfe.png".decode("utf-8", "surrogateescape")  # as Linux argv gives it
    for command in (("finding", "add", "case", "--text", name), ("metadata", name)):
        outcome = run_main(*command)
        assert outcome.code == 2 and "not valid UTF-8" in outcome.err
        assert_clean(outcome)
        assert "work-\\udcff\\udcfe.png" in outcome.err or "character 6" in outcome.err


def test_with_workstation_debug_a_user_error_shows_what_its_line_replaced(monkeypatch, capsys):
    def hidden_cause() -> None:
        try:
            raise ModuleNotFoundError("No module named 'torchvision._C'")
        except ModuleNotFoundError:
            raise InputError("cannot load the model: a module is missing") from None

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_calling(hidden_cause))
    assert cli.main(["boom"]) == 2
    quiet = capsys.readouterr().err
    assert quiet.splitlines() == ["error: cannot load the model: a module is missing"]
    monkeypatch.setenv("WORKSTATION_DEBUG", "1")
    assert cli.main(["boom"]) == 2
    err = capsys.readouterr().err
    assert "No module named 'torchvision._C'" in err and "Traceback" in err
    assert err.splitlines()[-1] == "error: cannot load the model: a module is missing"


def _parser_calling(action) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workstation")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("boom").set_defaults(func=lambda args: action())
    return parser
