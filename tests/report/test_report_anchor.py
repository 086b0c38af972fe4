"""The anchor a report carries (case ID, report ID, chain head), `case verify --against` and
`--expect-head`, and `report-verify`, on real PDFs."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from tests.conftest import run_cli
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.report import ReportOptions, build_report
from workstation.report.anchor import ANCHOR_FILE, read_anchor


def report_of(case_dir: Path, out: Path, **options):
    with Case.open(case_dir) as case:
        return build_report(case, ReportOptions(out=out, **options))


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    return result.stderr


def test_anchor_is_embedded_twice_and_read_back(small_case, tmp_path):
    with Case.open(small_case) as case:
        case_id, head = case.info.case_id, case.chain_head()
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    reader = PdfReader(result.export)
    info = reader.metadata
    assert info["/WorkstationCaseId"] == case_id
    assert info["/WorkstationReportId"] == result.report_id
    assert info["/WorkstationChainHead"] == f"{head[0]}:{head[1]}"
    (attached,) = reader.attachments[ANCHOR_FILE]
    data = json.loads(attached)
    assert data["case_id"] == case_id and data["report_id"] == result.report_id
    assert data["chain_head"] == {"seq": head[0], "hash": head[1]}
    assert data["software"]["name"] and data["created"].endswith("Z")
    anchor = read_anchor(result.export)
    assert anchor == result.anchor and anchor.chain_head == head
    assert read_anchor(result.path) == anchor  # the stored copy carries it too
    # The head is printed as well, for a reader without tools.
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert head[1] in text
    # Other tools see it: poppler lists the attachment.
    listed = subprocess.run(
        ["pdfdetach", "-list", str(result.export)], capture_output=True, text=True, timeout=60
    )
    assert ANCHOR_FILE in listed.stdout


def test_expect_head_and_against_pass_on_the_case_it_was_made_from(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    passed = run_cli("case", "verify", small_case, "--against", result.export, check=True)
    assert "extends the published chain head" in passed.stdout
    head = result.anchor.head_text
    run_cli("case", "verify", small_case, "--expect-head", head, check=True)
    wrong = head[:-1] + ("0" if head[-1] != "0" else "1")
    failed = run_cli("case", "verify", small_case, "--expect-head", wrong)
    assert failed.returncode == 1 and "rewritten" in failed.stdout


def test_against_fails_once_the_chain_tail_is_cut_and_re_headed(small_case, tmp_path):
    """Entries after a head published in a report are removed with their rows, the triggers put
    back and the stored head rewritten: verify alone is satisfied, the report's anchor is not."""
    with Case.open(small_case) as case:
        case.verify(log=True)  # a "verified" entry: the head the report will be made from
    result = report_of(small_case, tmp_path / "r.pdf")
    seq = result.anchor.chain_head[0]
    _cut_chain(small_case, keep=seq - 1, record=result.record_id, artifact=result.artifact_id)
    result.path.unlink()  # the stored PDF goes with its rows

    plain = run_cli("case", "verify", small_case)
    assert plain.returncode == 0, plain.stdout  # the tampering is invisible to verify alone
    against = run_cli("case", "verify", small_case, "--against", result.export)
    assert against.returncode == 1
    assert f"#{seq} is not in this case" in against.stdout
    checked = run_cli("report-verify", result.export, "--case", small_case)
    assert checked.returncode == 1
    assert f"no record of report {result.report_id}" in checked.stdout


def _cut_chain(case_dir: Path, keep: int, record: int, artifact: int) -> None:
    conn = sqlite3.connect(case_dir / "case.sqlite", isolation_level=None)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM links WHERE record_id = ?", (record,))
    conn.execute("DELETE FROM records WHERE id = ?", (record,))
    conn.execute("DELETE FROM artifacts WHERE id = ?", (artifact,))
    conn.execute("DELETE FROM audit WHERE seq > ?", (keep,))
    (digest,) = conn.execute("SELECT hash FROM audit WHERE seq = ?", (keep,)).fetchone()
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{keep}:{digest}",))
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()


def test_against_refuses_a_report_of_another_case(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    run_cli("case", "init", tmp_path / "other", "--title", "Other", "--examiner", "E", check=True)
    error = one_line_error(
        run_cli("case", "verify", tmp_path / "other", "--against", result.export)
    )
    assert "is a report of case" in error and result.anchor.case_id in error


def test_report_verify_alone_and_with_its_case(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    alone = run_cli("report-verify", result.export, check=True)
    assert result.report_id in alone.stdout and result.anchor.head_text in alone.stdout
    assert "matches r.pdf.sha256" in alone.stdout
    full = run_cli("report-verify", result.export, "--case", small_case, check=True)
    assert f"report record #{result.record_id} with this SHA-256" in full.stdout
    assert f"stored copy (artifact #{result.artifact_id}) is intact" in full.stdout
    assert f"still holds chain head {result.anchor.head_text}" in full.stdout
    # The stored copy itself checks out (it has no sidecar: nothing to compare alone).
    stored = run_cli("report-verify", result.path, "--case", small_case, check=True)
    assert "no " in stored.stdout and ".sha256 beside it" in stored.stdout


def test_report_verify_fails_for_a_changed_file(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    # Changed as a PDF editor would: an incremental update that keeps the anchor.
    writer = PdfWriter(PdfReader(io.BytesIO(result.export.read_bytes())), incremental=True)
    writer.add_metadata({"/Title": "Edited"})
    with open(result.export, "wb") as stream:
        writer.write(stream)
    alone = run_cli("report-verify", result.export)
    assert alone.returncode == 1 and "changed after it was exported" in alone.stdout
    full = run_cli("report-verify", result.export, "--case", small_case)
    assert full.returncode == 1
    assert "is not the report the case stored" in full.stdout


def test_report_verify_fails_for_another_case(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    run_cli("case", "init", tmp_path / "other", "--title", "Other", "--examiner", "E", check=True)
    checked = run_cli("report-verify", result.export, "--case", tmp_path / "other")
    assert checked.returncode == 1
    assert f"it is a report of case {result.anchor.case_id}" in checked.stdout


def test_report_verify_fails_when_the_stored_copy_is_damaged(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    result.path.chmod(0o600)
    result.path.write_bytes(result.path.read_bytes() + b"%")
    checked = run_cli("report-verify", result.export, "--case", small_case)
    assert checked.returncode == 1
    assert f"stored PDF (artifact #{result.artifact_id}) hashes to" in checked.stdout
    assert "case: " in checked.stdout  # and the case's own verify names it


def test_report_verify_bad_input_is_one_line(small_case, tmp_path):
    error = one_line_error(run_cli("report-verify", tmp_path / "missing.pdf"))
    assert "no such file" in error
    assert "not a PDF" in one_line_error(run_cli("report-verify", small_case / "case.sqlite"))
    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(72, 720, "not a report")
    canvas.save()
    assert "no workstation anchor" in one_line_error(run_cli("report-verify", plain))
    error = one_line_error(run_cli("case", "verify", small_case, "--against", plain))
    assert "no workstation anchor" in error


def test_two_anchors_that_disagree_are_refused(small_case, tmp_path):
    result = report_of(small_case, tmp_path / "r.pdf")
    other = "1:" + "0" * 64
    writer = PdfWriter(PdfReader(io.BytesIO(result.export.read_bytes())), incremental=True)
    writer.add_metadata({"/WorkstationChainHead": other})
    with open(result.export, "wb") as stream:
        writer.write(stream)
    with pytest.raises(InputError, match="disagree"):
        read_anchor(result.export)
