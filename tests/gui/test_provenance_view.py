"""The Case panel's Provenance view: the stored record (or the file read now), the recipe per
stage with inferred values marked, raw fields verbatim, and its actions — Send Recipe to Generate
and Reproduce… — on real files and tiny models."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QTextCursor

from tests.gui.conftest import wait_idle
from workstation.analysis.provenance.record import to_record
from workstation.analysis.provenance.result import Stage
from workstation.app.provenance import stored_provenance
from workstation.core.case import Case
from workstation.core.records import Link
from workstation.engine.stored import linked_id, output_id
from workstation.gui import i18n
from workstation.gui.main_window import MainWindow
from workstation.gui.widgets.provenance_view import RAW_SHOWN

# Where the screenshots are also kept for a person to look at (set by whoever wants them).
SCREENSHOTS = os.environ.get("WORKSTATION_SCREENSHOT_DIR")
INFOTEXT = (
    "a lighthouse at dusk <b>&amp; storm</b> <lora:tiny-style:0.6> <lora:ghost:0.3>\n"
    "Negative prompt: blurry\n"
    "Steps: 13, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5.5, Seed: 4242, "
    "Size: 64x64, Model hash: 0123456789, Model: tiny-sd, Clip skip: 2, Version: v1.10.1"
)
# A hires-fix run, Clip skip left out (A1111 omits it at its default, 1).
HIRES = (
    "a lighthouse at dusk\nNegative prompt: blurry\n"
    "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 64x64, "
    "Model hash: 0123456789, Model: tiny-sd, Denoising strength: 0.45, Hires upscale: 2, "
    "Hires steps: 10, Hires upscaler: Latent, Version: v1.10.1"
)


def a1111_png(path: Path, infotext: str = INFOTEXT, **extra: str) -> Path:
    """A PNG as AUTOMATIC1111 writes one: its settings in a tEXt chunk called parameters."""
    info = PngInfo()
    info.add_text("parameters", infotext)
    for key, value in extra.items():
        info.add_text(key, value)
    Image.new("RGB", (64, 64), (40, 90, 160)).save(path, pnginfo=info)
    return path


def show_imported(qtbot, window: MainWindow, path: Path) -> int:
    """Import through the window (app.evidence.import_evidence) and show its Provenance view."""
    window.import_files([path], "disputed", "")
    wait_idle(qtbot, window)
    panel = window.case_panel
    panel.side_tabs.setCurrentWidget(panel.provenance)
    artifact_id = window.session.artifacts()[-1].id
    panel.select_ids([artifact_id])
    wait_idle(qtbot, window)
    return artifact_id


def format_at(browser, text: str):
    """The character format of `text` where the browser's document shows it."""
    cursor = browser.document().find(text)
    assert not cursor.isNull(), text
    cursor.setPosition(cursor.selectionStart() + 1, QTextCursor.MoveMode.MoveAnchor)
    return cursor.charFormat()


def test_an_imported_image_shows_its_stored_record_and_raw_fields(
    qtbot, window, sample_case, tmp_path
):
    window.open_case(sample_case)
    long_value = "x" * (RAW_SHOWN + 500)
    artifact_id = show_imported(qtbot, window, a1111_png(tmp_path / "made.png", comment=long_value))
    view = window.case_panel.provenance
    with Case.open(sample_case, readonly=True) as case:
        assert stored_provenance(case, artifact_id) is not None  # recorded at import
    assert view.origin.text() == "Recorded when the image was imported into the case."
    summary = view.summary.toPlainText()
    assert 'Recipe (AUTOMATIC1111, from PNG tEXt "parameters")' in summary
    for expected in ("Prompt", "Seed\n4242", "Steps\n13", "CFG scale\n5.5", "CLIP skip\n2"):
        assert expected in summary, expected
    # A file's text is shown as text, never as markup.
    assert "<b>&amp; storm</b>" in summary
    assert "2 raw field(s), verbatim, in the Raw fields tab." in summary
    # The Raw fields tab: the chunk verbatim, monospace; a long value elided, copied whole.
    raw = view.raw.toPlainText()
    assert "PNG tEXt | parameters" in raw and INFOTEXT in raw
    assert "PNG tEXt | comment" in raw and long_value not in raw and "(+500 characters)" in raw
    assert format_at(view.raw, "Steps: 13, Sampler").fontFamilies() == ["monospace"]
    view.raw.anchorClicked.emit(QUrl("copy:1"))  # its "Copy value" link
    assert QGuiApplication.clipboard().text() == long_value
    assert view.send_button.isEnabled() and view.reproduce_button.isEnabled()

    # An image without a recipe: the actions are off.
    window.case_panel.select_ids([1])
    wait_idle(qtbot, window)
    assert "records no generator settings" in view.summary.toPlainText()
    assert not view.send_button.isEnabled() and not view.reproduce_button.isEnabled()

    # An image imported before import recorded provenance: read now, and said so.
    with Case.open(sample_case) as case:
        (old,) = case.import_files([a1111_png(tmp_path / "old.png")], role="reference")
    window.session.refresh()
    window.case_panel.select_ids([old.id])
    wait_idle(qtbot, window)
    assert view.origin.text() == "Not recorded at import; read from the stored file now."
    assert "Seed\n4242" in view.summary.toPlainText()


def test_an_a1111_hires_run_shows_a_table_per_stage_and_its_inferred_clip_skip(
    qtbot, window, sample_case, tmp_path
):
    window.open_case(sample_case)
    artifact_id = show_imported(qtbot, window, a1111_png(tmp_path / "hires.png", HIRES))
    with Case.open(sample_case, readonly=True) as case:
        (recipe,) = stored_provenance(case, artifact_id).recipes
    summary = window.case_panel.provenance.summary
    text = summary.toPlainText()
    assert "Stage 1: base\nSource\nfirst pass" in text
    assert "Stage 2: hires pass\nSource\nHires fix" in text
    assert "Size\n128x128" in text and "Denoising strength\n0.45" in text
    # Clip skip is not in the file: its value is marked, and a note says how it was inferred.
    (how,) = [how for name, how in recipe.inferred if name == "clip_skip"]
    assert "CLIP skip\n1 [1]" in text and f"[1] {how}" in text
    assert "(inferred:" not in text
    assert format_at(summary, "1 [1]").fontItalic()
    assert not format_at(summary, "a lighthouse at dusk").fontItalic()


def test_stages_are_tables_and_inferred_values_are_marked(qtbot, window, sample_case, tmp_path):
    window.open_case(sample_case)
    artifact_id = show_imported(qtbot, window, a1111_png(tmp_path / "made.png"))
    # A newer record about the same image, with what a multi-stage reader records.
    with Case.open(sample_case) as case:
        meta = stored_provenance(case, artifact_id)
        stages = (
            Stage("base", "KSamplerAdvanced node 10", "dpmpp_2m", "karras", 25, 0, 20, 7.0, 42),
            Stage("refiner", "KSamplerAdvanced node 11", "dpmpp_2m", "karras", 25, 20, None),
        )
        inferred = (("clip_skip", "ComfyUI default: no CLIPSetLastLayer node"),)
        recipe = replace(meta.recipes[0], stages=stages, inferred=inferred, clip_skip=1)
        link = Link("about", "provenance", artifact_id=artifact_id)
        case.add_record(to_record(replace(meta, recipes=(recipe,))), [link])
    window.session.refresh()
    panel = window.case_panel
    panel.select_ids([1])
    wait_idle(qtbot, window)
    panel.select_ids([artifact_id])
    wait_idle(qtbot, window)

    summary = panel.provenance.summary
    text = summary.toPlainText()
    assert "Stage 1: base" in text and "Stage 2: refiner" in text
    assert "Source\nKSamplerAdvanced node 10" in text
    assert "Steps\n0–20 of 25" in text and "Steps\n20–25 of 25" in text
    assert "Sampler\ndpmpp_2m / karras" in text
    # The inferred clip skip: grey italic, with its footnote saying how it was inferred.
    assert "CLIP skip\n1 [1]" in text
    assert "[1] ComfyUI default: no CLIPSetLastLayer node" in text
    inferred = format_at(summary, "1 [1]")
    assert inferred.fontItalic()
    assert inferred.foreground().color() == QColor("#7a7a7a")
    recorded = format_at(summary, "4242")
    assert not recorded.fontItalic()


def test_send_recipe_to_generate_fills_the_form(qtbot, window, sample_case, models_dir, tmp_path):
    window.open_case(sample_case)
    form = window.generate_panel.form
    window.generate_panel.set_preferences(str(models_dir), "cpu")
    qtbot.waitUntil(lambda: form.model.count() > 0)
    wait_idle(qtbot, window)
    show_imported(qtbot, window, a1111_png(tmp_path / "made.png"))
    form.seed.lock.setChecked(False)

    window.case_panel.provenance.send_button.click()
    assert form.prompt.toPlainText().startswith("a lighthouse at dusk <b>&amp; storm</b>")
    assert form.negative.toPlainText() == "blurry"
    assert form.seed.value() == 4242 and form.seed.lock.isChecked()
    assert form.steps.value() == 13 and form.cfg.value() == 5.5
    assert (form.width_.value(), form.height_.value()) == (64, 64)
    assert form.clip_skip.value() == 2
    assert form.model.currentData().name == "tiny-sd"
    # A1111's own sampling: its sampler and schedule names.
    assert form.convention.currentData() == "a1111"
    assert form.sampler.currentText() == "DPM++ 2M" and form.schedule.currentData() == "Karras"
    (style,) = [row for row in form.loras.rows if row.enabled.isChecked()]
    assert style.info.name == "tiny-style" and style.spin.value() == 0.6
    assert window.docks["generate"].isVisible()
    assert window.statusBar().currentMessage() == ("Filled from the recipe, except: LoRA ghost.")


def test_reproduce_from_the_view_runs_the_job_and_can_be_cancelled(
    qtbot, generate_ready, sample_case, models_dir
):
    window = generate_ready
    window.generate_panel.form.steps.setValue(3)
    window.generate_panel.generate()
    wait_idle(qtbot, window)
    with Case.open(sample_case) as case:
        (generation,) = case.records("generation")
    disputed = output_id(generation)
    window.settings.model_folder = str(models_dir)
    panel = window.case_panel
    panel.side_tabs.setCurrentWidget(panel.provenance)
    panel.select_ids([disputed])
    wait_idle(qtbot, window)
    assert panel.provenance.reproduce_button.isEnabled()
    # The workstation's own PNG fills the form it was made with.
    form = window.generate_panel.form
    made = (form.prompt.toPlainText(), form.seed.value())
    form.steps.setValue(20)
    form.prompt.setPlainText("something else")
    panel.provenance.send_button.click()
    assert (form.prompt.toPlainText(), form.seed.value(), form.steps.value()) == (*made, 3)
    assert window.statusBar().currentMessage() == "Filled every field from the recipe."

    panel.provenance.reproduce_button.click()  # opens the dialog and finds the models
    dialog = window.tools.dialogs["reproduce"]
    assert dialog.isVisible() and dialog.image.currentData() == disputed
    wait_idle(qtbot, window)
    assert "Every model was found." in dialog.status.text()

    # Cancelled at once: nothing is stored.
    job = dialog.run()
    assert dialog.cancel_button.isEnabled() and not dialog.run_button.isEnabled()
    dialog.cancel()
    wait_idle(qtbot, window)
    assert dialog.status.text() == "Cancelled."
    with Case.open(sample_case) as case:
        assert case.records("reproduction") == []
    assert not dialog.compare_button.isVisible()

    steps = []
    job = dialog.run()
    job.signals.progress.connect(lambda event: steps.append(event.step))
    wait_idle(qtbot, window)
    assert "EXACT MATCH" in dialog.verdict.text(), dialog.status.text()
    assert steps and steps[-1] == 3
    assert dialog.readings.rowCount() > 0
    with Case.open(sample_case) as case:
        (record,) = case.records("reproduction")
    regenerated = linked_id(record, "regenerated", "output")
    # The comparison, side by side in the Compare panel.
    dialog.compare_button.click()
    pair = window.pair
    assert (pair.a.id, pair.b.id) == (disputed, regenerated)
    assert window.docks["compare"].isVisible()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_screenshot_of_the_provenance_view(qtbot, settings, sample_case, tmp_path, language):
    app = QCoreApplication.instance()
    translators = i18n.install(app, language, cache_dir=tmp_path)
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.resize(1440, 900)
        window.show()
        window.open_case(sample_case)
        show_imported(qtbot, window, a1111_png(tmp_path / "made.png", HIRES))
        view = window.case_panel.provenance
        expected = {"en": ("Summary", "Send Recipe to Generate"), "zh": ("摘要", "发送到生成面板")}
        assert (view.tabs.tabText(0), view.send_button.text()) == expected[language]
        assert ("Seed" in view.summary.toPlainText()) == (language == "en")
        shot = window.case_panel.grab()
        assert shot.save(str(tmp_path / "provenance.png"))
        if SCREENSHOTS:
            shot.save(str(Path(SCREENSHOTS) / f"gui-provenance-{language}.png"))
        window.runner.cancel_all()
        window.runner.wait(10_000)
    finally:
        i18n.remove(app, translators)
        i18n.install(app, "en")
