"""`workstation finding add|list` and withdrawing by `case amend`, as a user runs them: the same
rows the Findings panel lists (app/examiner_records.py), author and withdrawal included."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from workstation.app.sample_case import build_sample_case


def test_add_list_and_withdraw_a_finding(tmp_path) -> None:
    case = tmp_path / "case"
    build_sample_case(case).close()
    added = run_cli(
        "finding",
        "add",
        case,
        "--about",
        "#2",
        "--status",
        "check",
        "--text",
        "色彩一致",
        "--examiner",
        "B. Examiner",
        check=True,
    )
    assert "recorded finding R" in added.stdout and "about A2" in added.stdout
    (row,) = json.loads(run_cli("finding", "list", case, "--json", check=True).stdout)
    assert (row["about"], row["status"], row["text"], row["actor"]) == (
        "A2",
        "check",
        "色彩一致",
        "B. Examiner",
    )
    assert row["withdrawn"] is False and row["withdrawn_because"] is None

    run_cli(
        "case", "amend", case, "--withdraw", str(row["id"]), "--reason", "wrong image", check=True
    )
    (row,) = json.loads(run_cli("finding", "list", case, "--json", check=True).stdout)
    assert row["withdrawn"] is True and row["withdrawn_because"] == "wrong image"
    assert "[withdrawn]" in run_cli("finding", "list", case, check=True).stdout


def test_bad_targets_are_one_line_errors(tmp_path) -> None:
    case = tmp_path / "case"
    build_sample_case(case).close()
    wrong = run_cli("finding", "add", case, "--about", "X9", "--status", "ok", "--text", "t")
    assert wrong.returncode == 2 and "expected an artifact (A3 or #3) or a record (R12)" in (
        wrong.stderr
    )
    figure = run_cli(
        "finding", "add", case, "--about", "A1", "--status", "ok", "--text", "t", "--figure", "plot"
    )
    assert figure.returncode == 2 and figure.stderr.startswith(
        "error: a figure belongs to a record"
    )
