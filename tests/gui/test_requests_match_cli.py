"""The window and the command line build the same request for the same inputs, so both run the
same use case the same way (defaults included: the request holds them once)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.conftest import SAMPLES
from tests.gui.conftest import wait_idle
from workstation.app.case import AmendRequest, CaseInitRequest
from workstation.app.clip import ClipChoice
from workstation.app.compare import CompareRequest
from workstation.app.corpus import IndexQueryRequest
from workstation.app.evidence import ImportRequest
from workstation.app.findings import FindingRequest, Target
from workstation.app.report import ReportRequest
from workstation.app.requests import from_arguments
from workstation.cli import build_parser
from workstation.core.errors import Cancelled
from workstation.gui import case_edits, main_window
from workstation.gui.dialogs.new_case import NewCaseDialog
from workstation.gui.panels import corpus_tab


def cli_request(request_type: type, *argv: object):
    return from_arguments(request_type, build_parser().parse_args([str(a) for a in argv]))


@pytest.fixture(autouse=True)
def no_clip_from_the_environment(monkeypatch) -> None:
    # The CLI takes its CLIP default from the environment; the window from its preferences.
    monkeypatch.delenv("WORKSTATION_CLIP_MODEL", raising=False)
    monkeypatch.delenv("WORKSTATION_CLIP_ARCH", raising=False)


def test_compare_with_a_prompt_and_a_clip_architecture(window, sample_case, tmp_path):
    checkpoint = tmp_path / "clip.safetensors"
    preferences = window.edit_preferences()
    preferences.clip_model.setText(str(checkpoint))
    preferences.clip_arch.setText("ViT-B-16")
    preferences.accept()
    window.open_case(sample_case)
    pair = window.pair
    tab = window.analysis_panel.pair_tab
    tab.prompt.setText("a lighthouse at dusk")

    gui = pair.request(tab.prompt.text())
    cli = cli_request(
        CompareRequest,
        "compare",
        pair.path(pair.a),
        pair.path(pair.b),
        "--prompt",
        "a lighthouse at dusk",
        "--clip-model",
        checkpoint,
        "--clip-arch",
        "ViT-B-16",
    )
    assert gui == cli
    # Without a prompt or CLIP, both leave the request's defaults.
    window.pair.clip = ClipChoice()
    assert pair.request("") == cli_request(
        CompareRequest, "compare", pair.path(pair.a), pair.path(pair.b)
    )


def test_report_with_chosen_exhibits_language_style_title_and_export(window, sample_case, tmp_path):
    window.open_case(sample_case)
    panel = window.report_panel
    out = tmp_path / "report.pdf"
    panel.output.setText(str(out))
    panel.title.setText("报告 — Lighthouse")
    panel.language.setCurrentIndex(panel.language.findData("zh"))
    panel.style.setCurrentIndex(panel.style.findData("appraisal"))
    panel.allow_unverified.setChecked(True)
    panel.chosen_exhibits.setChecked(True)
    ids = [
        panel.exhibits.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.exhibits.count())
    ]
    assert panel.chosen_ids() == [1, 2, 3, 4] == ids  # references and the disputed image

    cli = cli_request(
        ReportRequest,
        "report",
        sample_case,
        "--out",
        out,
        "--title",
        "报告 — Lighthouse",
        "--lang",
        "zh",
        "--style",
        "appraisal",
        "--allow-unverified",
        "--exhibits",
        "1",
        "2",
        "#3",
        "4",
    )
    assert panel.request() == cli
    # The defaults: every exhibit, English, no export.
    panel.all_exhibits.setChecked(True)
    panel.output.clear()
    panel.title.clear()
    panel.language.setCurrentIndex(panel.language.findData("en"))
    panel.style.setCurrentIndex(panel.style.findData("expert"))
    panel.allow_unverified.setChecked(False)
    assert panel.request() == cli_request(ReportRequest, "report", sample_case)


def test_corpus_query(qtbot, window, sample_case, tmp_path, monkeypatch):
    def stop(request, *args, **kwargs):
        seen.append(request)
        raise Cancelled("only the request matters here")

    seen: list = []
    monkeypatch.setattr(corpus_tab, "query_corpus", stop)
    monkeypatch.setattr(corpus_tab, "search_into_case", stop)  # a writable case keeps it
    window.open_case(sample_case)
    tab = window.analysis_panel.corpus_tab
    assert tab.k.value() == IndexQueryRequest.k  # the request's default is the panel's
    index = tmp_path / "works.npz"
    tab.index_path.setText(str(index))
    tab.k.setValue(5)
    tab.search()
    wait_idle(qtbot, window)
    pair = window.pair
    argv = ("index", "query", index, pair.path(pair.a), "-k", "5")
    assert seen == [cli_request(IndexQueryRequest, *argv)]


def captured_requests(monkeypatch, module, name: str, made: object = ()) -> list:
    """Replace the use case `name` in a GUI module with one that records its request (and
    returns `made`, as if it had written that)."""
    seen: list = []

    def record(request, *args, **kwargs):
        seen.append(request)
        return made

    monkeypatch.setattr(module, name, record)
    return seen


def test_import(qtbot, window, sample_case, monkeypatch):
    seen = captured_requests(monkeypatch, main_window, "import_evidence")
    window.open_case(sample_case)
    files = [SAMPLES / "unrelated_work.png", SAMPLES / "independent_work.png"]
    dialog = window.ask_import(files, role="reference")
    dialog.note.setText("from the plaintiff")
    dialog.accept()
    wait_idle(qtbot, window)
    assert seen == [
        cli_request(
            ImportRequest,
            "case",
            "import",
            sample_case,
            *files,
            "--role",
            "reference",
            "--note",
            "from the plaintiff",
        )
    ]


def test_findings_and_amendments(qtbot, window, sample_case, monkeypatch):
    findings = captured_requests(monkeypatch, case_edits, "add_finding", 9)
    amendments = captured_requests(monkeypatch, case_edits, "amend", (10,))
    window.open_case(sample_case)
    edits = window.edits
    edits.add_finding(Target(artifact_id=2), "check", "colours match", None)
    edits.correct_artifact(3, {"role": "other", "note": "not a work of the plaintiff"}, "typo")
    edits.amend_case({"court": "Beijing Internet Court"}, "assigned")
    edits.withdraw(5, "duplicate")
    wait_idle(qtbot, window)
    assert findings == [
        cli_request(
            FindingRequest,
            "finding",
            "add",
            sample_case,
            "--about",
            "A2",
            "--status",
            "check",
            "--text",
            "colours match",
        )
    ]
    assert amendments == [
        cli_request(AmendRequest, "case", "amend", sample_case, *argv)
        for argv in (
            (
                "--artifact",
                "#3",
                "--role",
                "other",
                "--note",
                "not a work of the plaintiff",
                "--reason",
                "typo",
            ),
            ("--set", "court=Beijing Internet Court", "--reason", "assigned"),
            ("--withdraw", "5", "--reason", "duplicate"),
        )
    ]


def test_new_case(window, tmp_path):
    window.new_case()
    dialog = window.findChild(NewCaseDialog)
    dialog.folder.setText(str(tmp_path / "c"))
    dialog.title.setText("Doe v. Roe")
    dialog.examiner.setText("A. Examiner")
    dialog.case_number.setText("(2026) 京0491民初1号")
    assert dialog.request() == cli_request(
        CaseInitRequest,
        "case",
        "init",
        tmp_path / "c",
        "--title",
        "Doe v. Roe",
        "--examiner",
        "A. Examiner",
        "--case-number",
        "(2026) 京0491民初1号",
    )
    assert dialog.root() == tmp_path / "c"
