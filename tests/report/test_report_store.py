"""Reports live in the case: the PDF is a stored artifact linked from its record, `--out` is an
export copy that never replaces a file without --force, and a read-only case reports to --out."""

from __future__ import annotations

import stat

import pytest
from pypdf import PdfReader

from tests.conftest import run_cli
from workstation.cli import main
from workstation.core import case as case_module
from workstation.core.canonical import sha256_file
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.report import ReportOptions, build_report
from workstation.report.anchor import read_anchor


def counts(case_dir) -> tuple[int, int, int]:
    with Case.open(case_dir) as case:
        return len(case.artifacts()), len(case.records()), len(case.audit_entries())


def test_the_pdf_is_stored_and_its_record_links_to_it(small_case, tmp_path):
    out = tmp_path / "r.pdf"
    with Case.open(small_case) as case:
        head = case.chain_head()
        result = build_report(case, ReportOptions(out=out))
        artifact = case.artifact(result.artifact_id)
        record = case.record(result.record_id)
        entries = case.audit_entries()
        verified = case.verify()
    # The stored copy: content-addressed, read-only, role "report", a PDF.
    assert (
        result.path
        == case.object_path(result.sha256)
        == small_case.absolute().joinpath("objects", result.sha256[:2], result.sha256)
    )
    assert sha256_file(result.path) == result.sha256 == artifact.sha256
    assert not result.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert artifact.role == "report" and artifact.media_type == "application/pdf"
    assert artifact.original_name == f"{result.report_id}.pdf"
    # Its record, typed, linking to it as its document.
    body = record.body
    assert body.report_id == result.report_id and body.sha256 == result.sha256
    assert body.size == result.path.stat().st_size and body.pages == result.pages
    assert body.chain_head == {"seq": head[0], "hash": head[1]}
    assert body.path == str(out)
    assert [(k.role, k.artifact_id) for k in record.links] == [("document", artifact.id)]
    # One transaction: the import and the record are the two entries after the anchored head.
    assert [(e.seq, e.action) for e in entries[-2:]] == [
        (head[0] + 1, "import"),
        (head[0] + 2, "report"),
    ]
    assert verified.ok, verified.problems
    # The export is a copy of the stored bytes, with its sidecar.
    assert out.read_bytes() == result.path.read_bytes()
    assert result.sha256_path.read_text() == f"{result.sha256}  r.pdf\n"


def test_without_out_it_is_only_stored(small_case, tmp_path):
    result = run_cli("report", small_case, check=True, cwd=tmp_path)
    assert "stored in the case as artifact #5" in result.stdout
    assert "to export a copy: cp " in result.stdout
    assert list(tmp_path.glob("*.pdf")) == []
    with Case.open(small_case) as case:
        (record,) = case.records("report")
        stored = case.object_path(record.body.sha256)
    assert record.body.path is None
    assert str(stored) in result.stdout and read_anchor(stored).report_id in result.stdout


def test_an_export_never_replaces_a_file_without_force(small_case, tmp_path):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"an earlier report")
    before = counts(small_case)
    with Case.open(small_case) as case, pytest.raises(InputError, match="--force"):
        build_report(case, ReportOptions(out=out))
    assert out.read_bytes() == b"an earlier report"
    assert counts(small_case) == before  # refused before anything was built or stored
    refused = run_cli("report", small_case, "--out", out)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "already exists" in refused.stderr and counts(small_case) == before

    replaced = run_cli("report", small_case, "--out", out, "--force", check=True)
    assert "exported to" in replaced.stdout
    with Case.open(small_case) as case:
        (record,) = case.records("report")
    assert sha256_file(out) == record.body.sha256
    assert (tmp_path / "r.pdf.sha256").read_text().startswith(record.body.sha256)


def test_a_left_over_sidecar_is_not_replaced_either(small_case, tmp_path):
    sidecar = tmp_path / "r.pdf.sha256"
    sidecar.write_text("0" * 64 + "  r.pdf\n")
    with Case.open(small_case) as case, pytest.raises(InputError, match="r.pdf.sha256"):
        build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    assert not (tmp_path / "r.pdf").exists()


def test_a_later_report_lists_the_earlier_one_but_not_as_an_exhibit(small_case, tmp_path):
    with Case.open(small_case) as case:
        first = build_report(case, ReportOptions())
        second = build_report(case, ReportOptions(out=tmp_path / "second.pdf"))
    assert first.exhibits == second.exhibits == 4
    text = "\n".join(page.extract_text() for page in PdfReader(second.path).pages)
    assert "Exhibit 5" not in text
    assert "D. Reports issued earlier from this case" in text and first.report_id in text


def test_a_tampered_stored_report_fails_verify(small_case, tmp_path):
    with Case.open(small_case) as case:
        result = build_report(case, ReportOptions())
    result.path.chmod(0o600)
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of the (compressed) middle of the file
    result.path.write_bytes(bytes(data))
    checked = run_cli("case", "verify", small_case)
    assert checked.returncode == 1
    assert f"artifact #{result.artifact_id} ({result.report_id}.pdf)" in checked.stdout


def test_a_read_only_case_is_reported_to_out_only(small_case, tmp_path):
    before = counts(small_case)
    out = tmp_path / "r.pdf"
    with Case.open(small_case, readonly=True) as case:
        with pytest.raises(InputError, match="read-only.*--out"):
            build_report(case, ReportOptions())
        result = build_report(case, ReportOptions(out=out))
    assert not result.stored and result.artifact_id is None
    assert result.path == result.export == out.absolute()
    assert sha256_file(out) == result.sha256
    assert result.sha256_path.read_text().startswith(result.sha256)
    assert read_anchor(out).case_id == result.anchor.case_id
    assert counts(small_case) == before


def test_the_cli_says_so_on_read_only_media(small_case, tmp_path, monkeypatch, capsys):
    # As the folder would look on read-only media (root may write anywhere, so say it here).
    monkeypatch.setattr(case_module, "_writable", lambda root: False)
    assert main(["report", str(small_case), "--out", str(tmp_path / "r.pdf")]) == 0
    printed = capsys.readouterr().out
    assert "NOT stored in the case" in printed and "read-only" in printed
    assert main(["report", str(small_case)]) == 2
    assert "--out" in capsys.readouterr().err
