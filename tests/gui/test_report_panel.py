"""The Report panel builds the PDF through build_report, records it, and opens it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import error_box, wait_idle
from workstation.core.canonical import sha256_file
from workstation.core.case import Case


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
    assert record.payload["sha256"] == digest
    assert record.payload["title"] == "Lighthouse report"
    assert record.payload["lang"] in ("zh", "en")  # en only where no CJK font is installed
    assert [e["artifact_id"] for e in record.payload["exhibits"]] == [1, 2]
    assert panel.history.count() == 1

    panel.open_button.click()
    assert opened == [str(out)]


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
