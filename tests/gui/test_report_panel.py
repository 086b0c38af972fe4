"""The Report panel builds the PDF through build_report, stores it in the case, exports a copy
(asking before replacing a file), and opens the stored copy."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox, QPlainTextEdit

from tests.conftest import run_cli
from tests.gui.conftest import error_box, wait_idle
from workstation.core.canonical import sha256_file
from workstation.core.case import Case
from workstation.gui.dialogs.report_check import ReportCheckDialog


def test_build_report_with_chosen_exhibits_and_open_it(
    qtbot, window, sample_case, tmp_path, monkeypatch
):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    window.open_case(sample_case)
    window.export_report()
    panel = window.report_panel
    assert window.docks["report"].isVisible()
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()  # an export goes into a folder that exists, as with the CLI
    panel.output.setText(str(out))
    panel.title.setText("Lighthouse report")
    panel.language.setCurrentIndex(panel.language.findData("zh"))
    panel.chosen_exhibits.setChecked(True)
    # Tick only the disputed image and the protected work (the defaults for reference/disputed,
    # minus two references).
    for row in range(panel.exhibits.count()):
        item = panel.exhibits.item(row)
        keep = item.data(Qt.ItemDataRole.UserRole) in (1, 2)
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    assert panel.chosen_ids() == [1, 2]

    panel.build()
    wait_idle(qtbot, window)

    assert out.is_file() and out.read_bytes().startswith(b"%PDF")
    digest = sha256_file(out)
    assert digest in panel.status.text()
    assert Path(str(out) + ".sha256").read_text().startswith(digest)
    with Case.open(sample_case) as case:
        (record,) = case.records("report")
        (link,) = record.linked("document")
        stored = case.object_path(case.artifact(link.artifact_id).sha256)
    assert record.body.sha256 == digest == sha256_file(stored)
    assert record.body.title == "Lighthouse report"
    assert record.body.lang in ("zh", "en")  # en only where no CJK font is installed
    assert [e["artifact_id"] for e in record.body.exhibits] == [1, 2]
    assert f"record #{record.id}" in panel.status.text()
    assert panel.history.count() == 1
    # The stored report is not offered as an exhibit of the next one.
    assert link.artifact_id not in {
        panel.exhibits.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.exhibits.count())
    }

    panel.open_button.click()  # the stored copy, not the export
    panel.history.itemDoubleClicked.emit(panel.history.item(0))
    assert opened == [str(stored), str(stored)]


def test_replacing_an_export_asks_first(qtbot, window, sample_case, tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"an earlier report")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    window.open_case(sample_case)
    panel = window.report_panel
    panel.output.setText(str(out))

    assert panel.build() is None  # "No": nothing built, nothing stored, the file kept
    assert str(out) in asked[0] and out.read_bytes() == b"an earlier report"
    with Case.open(sample_case) as case:
        assert case.records("report") == []

    panel.build()  # "Yes"
    wait_idle(qtbot, window)
    with Case.open(sample_case) as case:
        (record,) = case.records("report")
    assert sha256_file(out) == record.body.sha256


def test_store_only_then_export_a_copy_from_the_history(
    qtbot, window, sample_case, tmp_path, monkeypatch
):
    window.open_case(sample_case)
    panel = window.report_panel
    assert panel.output.text() == ""  # the report is stored in the case; an export is optional
    panel.build()
    wait_idle(qtbot, window)
    assert panel.result.stored and panel.result.export is None
    assert not panel.folder_button.isEnabled()

    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
    )
    panel.history.setCurrentRow(0)
    assert panel.export_button.isEnabled()
    panel.export_button.click()
    assert target.read_bytes() == panel.result.path.read_bytes()
    assert (tmp_path / "copy.pdf.sha256").read_text().startswith(panel.result.sha256)


def test_a_report_that_cannot_be_written_explains_and_records_nothing(
    qtbot, window, sample_case, tmp_path
):
    window.open_case(sample_case)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    window.report_panel.output.setText(str(blocker / "report.pdf"))
    window.report_panel.build()
    wait_idle(qtbot, window)
    box = error_box(window)
    assert box is not None and "Traceback" not in box.text()
    assert box.icon() == QMessageBox.Icon.Warning  # a user error, not a bug
    assert "not built" in window.report_panel.status.text()
    with Case.open(sample_case) as case:
        assert case.records("report") == []


def test_an_export_into_a_missing_folder_is_refused_as_by_the_cli(
    qtbot, window, sample_case, tmp_path
):
    """The window creates no folders the command line would refuse (both run app/report.py)."""
    window.open_case(sample_case)
    missing = tmp_path / "no-such-folder" / "report.pdf"
    window.report_panel.output.setText(str(missing))
    window.report_panel.build()
    wait_idle(qtbot, window)
    box = error_box(window)
    assert box is not None and "does not exist" in box.text()
    assert not missing.parent.exists()
    with Case.open(sample_case) as case:
        assert case.records("report") == []
    cli = run_cli("report", sample_case, "--out", missing)
    assert cli.returncode == 2 and "does not exist" in cli.stderr


def test_check_a_report_file_against_the_case(qtbot, window, sample_case, tmp_path):
    """`workstation report-verify REPORT.pdf --case CASE`, from the Report panel."""
    window.open_case(sample_case)
    panel = window.report_panel
    out = tmp_path / "report.pdf"
    panel.output.setText(str(out))
    panel.build()
    wait_idle(qtbot, window)
    assert panel.check_button.isEnabled()

    panel.check_file(out)
    wait_idle(qtbot, window)
    dialog = window.findChild(ReportCheckDialog)
    lines = dialog.findChild(QPlainTextEdit, "reportCheckLines").toPlainText()
    assert panel.result.report_id in dialog.findChild(QLabel, "reportCheckFacts").text()
    assert "MISMATCH" not in lines and lines.count("OK  ") >= 3
    dialog.close()

    out.write_bytes(out.read_bytes() + b"%% appended\n")  # the copy no longer matches
    panel.check_file(out)
    wait_idle(qtbot, window)
    dialog = window.report_panel.check_dialog
    assert "MISMATCH" in dialog.findChild(QPlainTextEdit, "reportCheckLines").toPlainText()


def test_the_structure_is_chosen_per_report(qtbot, window, sample_case):
    """The Structure combo offers the command's --style choices; the report is built in the one
    chosen, and its record says which."""
    window.open_case(sample_case)
    panel = window.report_panel
    choices = [panel.style.itemData(i) for i in range(panel.style.count())]
    assert choices == ["expert", "appraisal"] and panel.style.currentData() == "expert"
    assert panel.request().style == "expert"
    panel.style.setCurrentIndex(panel.style.findData("appraisal"))
    assert panel.request().style == "appraisal"
    panel.build()
    wait_idle(qtbot, window)
    with Case.open(sample_case) as case:
        (record,) = case.records("report")
    assert record.body.style == "appraisal"
    reader = PdfReader(panel.result.path)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "1 Basic information" and outline[-2:] == ["Signature", "Attachments"]
