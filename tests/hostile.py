"""Shared by the hostile-input tests: run the CLI in this process (fast enough for property
tests) and check the one promise every bad input is held to — success, or exit 2 with exactly one
`error:` line and no traceback; never the internal-error status (70), which means a bug.

Property tests use hypothesis under the profile tests/conftest.py loads: "ci" (bounded, the
same examples every run) unless `--fuzz` or WORKSTATION_FUZZ=1 asks for the long random one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from workstation.cli import INTERNAL_ERROR, main


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run_main(*args: object) -> Outcome:
    """`workstation ARGS` in this process; argparse's own exits (usage errors) come back as their
    status."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Outcome(code, out.getvalue(), err.getvalue())


def assert_clean(outcome: Outcome) -> None:
    """Success, or a one-line refusal: exit 2, one `error:` line, no traceback."""
    assert outcome.code != INTERNAL_ERROR, f"internal error (a bug): {outcome.err}"
    assert "Traceback" not in outcome.err + outcome.out, outcome.err
    if outcome.code != 0:
        assert outcome.code == 2, (outcome.code, outcome.err)
        errors = [line for line in outcome.err.splitlines() if line.startswith("error:")]
        usage = outcome.err.lstrip().startswith("usage:")
        assert len(errors) == 1 or usage, outcome.err


def case_state(case_dir: Path) -> dict[str, str]:
    """Every file of a case by content, the database as its dump (WAL state does not matter):
    equal before and after means the case was left unchanged."""
    state = {}
    for path in sorted(case_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("case.sqlite"):
            state[str(path.relative_to(case_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    conn = sqlite3.connect(case_dir / "case.sqlite")
    try:
        state["db"] = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return state
