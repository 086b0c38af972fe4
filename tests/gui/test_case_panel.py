"""The Case panel: open a case, see its artifacts, import by drop, refuse bad files, verify."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image
from PIL.PngImagePlugin import PngInfo
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit, QTextEdit

from tests.gui.conftest import error_box, wait_idle
from workstation.core.case import Case
from workstation.gui.dialogs.import_files import ImportDialog
from workstation.gui.dialogs.verify_result import VerifyResultDialog
from workstation.gui.widgets.artifact_model import ArtifactModel


def drop_files(window, paths: list[Path]) -> None:
    """Deliver a drop of local files exactly as Qt would after a drag from a file manager."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def accept_import(qtbot, window, role: str) -> None:
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.set_role(role)
    dialog.note.setText("dropped in a test")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, window)


def test_open_case_shows_artifacts_thumbnails_details_and_log(qtbot, window, sample_case):
    assert window.open_case(sample_case)
    wait_idle(qtbot, window)
    panel = window.case_panel
    assert panel.table.model().rowCount() == 4
    names = [panel.model.artifact(r).original_name for r in range(4)]
    assert names[:2] == ["protected_work.png", "disputed_image.png"]
    for artifact in panel.model.artifacts():
        assert panel.model.has_thumbnail(artifact.sha256)
    # The first artifact is selected and described in full.
    assert panel.details.artifact.original_name == "protected_work.png"
    sha_field = panel.details.findChild(QTextEdit, "sha256")
    assert sha_field.toPlainText() == panel.details.artifact.sha256
    assert not panel.details.preview.pixmap().isNull()
    # Audit log, newest first: the case, four imports, then each image's provenance record.
    assert panel.audit.rowCount() == 9
    assert [panel.audit.entry(row).action for row in range(9)] == (
        ["provenance"] * 4 + ["import"] * 4 + ["case created"]
    )
    assert "Sample case" in window.windowTitle()
    assert str(sample_case) in window.settings.recent_cases[0]


def test_role_filter_and_text_filter(qtbot, window, sample_case):
    window.open_case(sample_case)
    panel = window.case_panel
    panel.role_filter.setCurrentIndex(panel.role_filter.findData("disputed"))
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, ArtifactModel.NAME).data() == "disputed_image.png"
    panel.role_filter.setCurrentIndex(0)
    panel.search.setText("work")
    assert panel.proxy.rowCount() == 3
    wait_idle(qtbot, window)


def test_drop_imports_files_with_the_chosen_role(qtbot, window, sample_case, tmp_path):
    window.open_case(sample_case)
    new = tmp_path / "new_evidence.png"
    Image.new("RGB", (48, 32), (10, 200, 30)).save(new)
    drop_files(window, [new])
    accept_import(qtbot, window, "disputed")

    with Case.open(sample_case) as case:
        added = case.artifacts()[-1]
    assert (added.original_name, added.role, added.note) == (
        "new_evidence.png",
        "disputed",
        "dropped in a test",
    )
    panel = window.case_panel
    assert panel.model.rowCount() == 5
    assert panel.selected_ids() == [added.id]  # the new artifact is selected and shown
    assert panel.details.artifact.id == added.id
    # the import, then the provenance record it made of the image (newest first)
    assert [panel.audit.entry(n).action for n in (1, 0)] == ["import", "provenance"]


def test_a_refused_batch_shows_a_dialog_and_leaves_the_case_unchanged(
    qtbot, window, sample_case, tmp_path
):
    window.open_case(sample_case)
    with Case.open(sample_case) as case:
        before = (case.artifacts(), case.chain_head())
    good = tmp_path / "good.png"
    Image.new("RGB", (16, 16)).save(good)
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"%PDF-1.4 not an image")
    drop_files(window, [good, fake])
    accept_import(qtbot, window, "reference")

    box = error_box(window)
    assert box is not None
    assert "fake.png" in box.text() and "content is application/pdf" in box.text()
    assert "Traceback" not in box.text() + box.informativeText()
    with Case.open(sample_case) as case:
        assert (case.artifacts(), case.chain_head()) == before
    assert window.case_panel.model.rowCount() == 4


def test_opening_a_folder_that_is_not_a_case_explains_and_keeps_the_open_case(
    qtbot, window, sample_case, tmp_path
):
    window.open_case(sample_case)
    assert not window.open_case(tmp_path / "nothing-here")
    box = error_box(window)
    assert box is not None and "is not a folder" in box.text()
    assert window.session.root == sample_case
    wait_idle(qtbot, window)


def test_verify_reports_ok_then_names_a_tampered_file(qtbot, window, sample_case):
    window.open_case(sample_case)
    panel = window.case_panel
    panel.verify()
    wait_idle(qtbot, window)
    assert "Verified" in panel.verify_label.text()
    dialog = window.findChild(VerifyResultDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    assert panel.audit.entry(0).action != "verify"  # a verify reads the case, it writes nothing
    entries = len(window.session.audit_entries())
    dialog.record_button.click()  # `case verify --record`: verified again, and the pass logged
    wait_idle(qtbot, window)
    logged = window.session.audit_entries()
    assert len(logged) == entries + 1 and logged[-1].action == "verified"
    assert logged[-1].details["head_before"] == f"{logged[-2].seq}:{logged[-2].hash}"
    window.findChildren(VerifyResultDialog)[-1].close()

    sha = panel.model.artifact(1).sha256
    stored = sample_case / "objects" / sha[:2] / sha
    os.chmod(stored, 0o644)
    stored.write_bytes(b"tampered")
    panel.verify()
    wait_idle(qtbot, window)
    assert "1 problem" in panel.verify_label.text()
    dialog = [d for d in window.findChildren(VerifyResultDialog) if d.isVisible()][-1]
    assert "disputed_image.png" in dialog.findChild(QPlainTextEdit).toPlainText()


def test_selecting_an_image_shows_its_provenance(qtbot, window, sample_case, tmp_path):
    """What `workstation metadata` reads, in the Case panel's Provenance tab."""
    info = PngInfo()
    info.add_text(
        "parameters",
        "a lighthouse at dusk <lora:ink:0.8>\nNegative prompt: blurry\n"
        "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 64x48, Model: sd15",
    )
    made = tmp_path / "made_by_a1111.png"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(made, pnginfo=info)
    window.open_case(sample_case)
    window.import_files([made], "disputed", "")
    wait_idle(qtbot, window)
    panel = window.case_panel
    panel.side_tabs.setCurrentWidget(panel.provenance)  # stays in front as the selection moves
    panel.select_ids([artifact.id for artifact in window.session.artifacts()][-1:])
    wait_idle(qtbot, window)
    text = panel.provenance.toPlainText()
    for expected in ("AUTOMATIC1111", "Prompt", "a lighthouse at dusk", "Seed", "42", "Euler a"):
        assert expected in text, expected
    assert "PNG tEXt | parameters" in text  # the raw field, verbatim
    assert panel.side_tabs.currentWidget() is panel.provenance

    panel.select_ids([1])  # a sample without metadata
    wait_idle(qtbot, window)
    assert "records no generator settings" in panel.provenance.toPlainText()
