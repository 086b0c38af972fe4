"""Issue 19's "done when": the sample case end to end in the window — import, read provenance,
compare with registered overlays, annotate, generate, study, examine, write findings, report — and
every earlier result found again in a new window on the case (a restart)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from tests.gui.test_inspect_tools import click
from tests.gui.test_provenance_view import a1111_png, show_imported
from tests.gui.test_registered_overlays import pixels
from workstation.analysis.images import load_image
from workstation.analysis.registration import warp_onto
from workstation.core.case import Case
from workstation.engine.synthetic_shapes import write_dataset
from workstation.gui.dialogs.finding import FindingDialog
from workstation.gui.main_window import MainWindow
from workstation.gui.panels.records_panel import open_record

EXAM_TIMEOUT_MS = 180_000


def test_the_sample_case_end_to_end_then_every_result_after_a_restart(
    qtbot, generate_ready, sample_case, settings, tmp_path
):
    window = generate_ready

    # 1. Import an image another generator wrote, and read its provenance.
    imported = show_imported(qtbot, window, a1111_png(tmp_path / "found-online.png"))
    summary = window.case_panel.provenance.summary.toPlainText()
    assert "Seed\n4242" in summary and "Steps\n13" in summary

    # 2. Compare the disputed image with the protected work, registered; kept without asking.
    window.show_panel("compare")
    compare = window.compare_panel
    window.pair.set_side("a", window.session.artifact(2))
    window.pair.set_side("b", window.session.artifact(1))
    wait_idle(qtbot, window)
    compare.run_button.click()  # "Run the comparison"
    wait_idle(qtbot, window)
    compare.set_mode("wipe")
    report = window.pair.report
    assert report is not None and compare.showing_registered()
    a = load_image(window.pair.path(window.pair.a)).rgb
    b = load_image(window.pair.path(window.pair.b)).rgb
    expected = warp_onto(b, report.keypoints.homography, (a.shape[1], a.shape[0]))
    assert np.array_equal(pixels(compare.wipe_view.items[1]), expected)

    # 3. Annotate: a box on A, recorded as the examiner's finding.
    compare.set_mode("side")
    view = compare.view_a
    compare.inspect_tools.set_tool("box")
    click(view, 100.0, 60.0)
    click(view, 200.0, 140.0)
    compare.inspect_tools.record_button.click()
    dialog = window.findChild(FindingDialog)
    dialog.text.setPlainText("The lamp housing matches the protected work.")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, window)

    # 4. Generate, keeping every step.
    window.show_panel("generate")
    panel = window.generate_panel
    panel.form.steps.setValue(3)
    panel.generate()
    wait_idle(qtbot, window)
    box = error_box(window)
    assert box is None, box.text()

    # 5. A seed study from the request just generated with, shown in full.
    window.show_panel("analysis")
    studies = window.analysis_panel.studies_tab
    window.analysis_panel.tabs.setCurrentWidget(studies)
    studies.form.request_box.take_from_generate()
    studies.form.reference.setCurrentIndex(1)
    studies.form.seeds.setText("1-2")
    studies.form.run()
    wait_idle(qtbot, window)

    # 6. Examine the model: a membership test of two works against four controls.
    from workstation.engine.tiny import build_tiny_model

    model = build_tiny_model(tmp_path / "tiny.safetensors", "single-file")
    scenes = sorted(
        write_dataset(tmp_path / "scenes", 6, seed=5, size=32, kind="scene").glob("*.png")
    )
    exam = window.analysis_panel.exam_tab
    window.analysis_panel.tabs.setCurrentWidget(exam)
    exam.form.model.setText(str(model))
    exam.form.timesteps.setValue(2)
    exam.form.works.tick([])
    exam.form.works.add_files([str(p) for p in scenes[:2]])
    exam.form.controls.tick([])
    exam.form.controls.add_files([str(p) for p in scenes[2:]])
    exam.form.run()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    box = error_box(window)
    assert box is None, box.text()

    # 7. The report.
    out = tmp_path / "report.pdf"
    window.export_report()
    window.report_panel.output.setText(str(out))
    window.report_panel.build()
    wait_idle(qtbot, window)
    assert out.read_bytes().startswith(b"%PDF")

    with Case.open(sample_case, readonly=True) as case:
        assert case.verify().ok
        kinds = {r.kind: r.id for r in case.records() if not r.withdrawn}
    for kind in ("provenance", "comparison", "finding", "generation", "study", "exam", "report"):
        assert kind in kinds, kind
    request = panel.form.recipe()

    # 8. A restart: a new window on the case finds every result again.
    window.close()
    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.show()
    assert again.open_case(sample_case)
    wait_idle(qtbot, again)
    try:
        # The newest comparison, with its stored numbers, in the pair tab and Compare.
        assert (again.pair.a.id, again.pair.b.id) == (2, 1)
        assert again.pair.report is not None
        assert again.analysis_panel.pair_tab.table.rowCount() > 0
        # The Generate tab's last request, the same seed.
        assert again.generate_panel.form.prompt.toPlainText() == request.prompt
        assert again.generate_panel.form.seed.value() == request.seed
        # Every record listed, and each reopened where the window shows its kind.
        listed = {row.kind for row in again.records_panel.shown()}
        assert {"comparison", "finding", "generation", "study", "exam", "report"} <= listed
        assert open_record(again, kinds["study"])
        assert again.analysis_panel.tabs.currentWidget() is again.analysis_panel.studies_tab
        assert open_record(again, kinds["exam"])
        assert again.analysis_panel.tabs.currentWidget() is again.analysis_panel.exam_tab
        assert open_record(again, kinds["finding"])
        assert again.findings_panel.table.selectionModel().hasSelection()
        assert "Box at (100, 60), 100 × 80 px" in again.findings_panel.model.index(
            0, again.findings_panel.model.ABOUT
        ).data(Qt.ItemDataRole.DisplayRole)
        assert open_record(again, kinds["generation"])
        with Case.open(sample_case, readonly=True) as case:
            output = case.record(kinds["generation"]).linked("output")[0].artifact_id
        assert output in again.case_panel.selected_ids()
        # The imported image's provenance, as recorded at import.
        again.case_panel.select_ids([imported])
        wait_idle(qtbot, again)
        assert "Seed\n4242" in again.case_panel.provenance.summary.toPlainText()
    finally:
        again.runner.cancel_all()
        again.runner.wait(JOB_TIMEOUT_MS)
