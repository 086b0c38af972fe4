"""The image pickers (A/B, study reference, init image): images grouped by role with thumbnails,
a search by name, note, #id or SHA-256 prefix, and the steps and figures of other work hidden
unless asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.gui.conftest import JOB_TIMEOUT_MS
from workstation.core.case import Case, Link
from workstation.core.records import Study
from workstation.gui.widgets.artifact_combo import STEPS, grouped, intermediate_ids


@pytest.fixture
def case_with_steps(sample_case: Path, tmp_path: Path) -> dict:
    """The sample case (1 disputed, 3 reference) with a generated image, two step pictures and
    a study figure linked to a record, as a generation or a study links them."""
    files = []
    for index, colour in enumerate(((250, 10, 10), (10, 250, 10), (10, 10, 250), (200, 200, 0))):
        path = tmp_path / f"made{index}.png"
        Image.fromarray(np.full((24, 32, 3), colour, dtype=np.uint8)).save(path)
        files.append(path)
    with Case.open(sample_case) as case:
        output = case.import_file(files[0], role="generated", note="a generated lighthouse")
        steps = [case.import_file(f, role="generated", note="denoising step") for f in files[1:3]]
        figure = case.import_file(files[3], role="other", note="a study plot")
        links = [Link("output", "image", artifact_id=output.id)]
        links += [Link("step", f"step {i}", artifact_id=a.id) for i, a in enumerate(steps, 1)]
        links.append(Link("figure", "plot", artifact_id=figure.id))
        case.add_record(Study("seeds", "seed sweep", "", "seed", []), links)
        by_name = {a.original_name: a for a in case.artifacts()}
    return {
        "root": sample_case,
        "output": output,
        "steps": [a.id for a in steps],
        "figure": figure.id,
        "by_name": by_name,
    }


def _open_picker(qtbot, window, combo):
    combo.showPopup()
    picker = combo.picker
    qtbot.waitUntil(picker.isVisible, timeout=JOB_TIMEOUT_MS)
    return picker


def _listed(picker) -> list[int]:
    return [item.data(0, 0x0100) for item in picker.items()]


def _headers(picker) -> list[str]:
    tree = picker.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_steps_are_hidden_until_asked_and_groups_come_in_role_order(qtbot, window, case_with_steps):
    window.open_case(case_with_steps["root"])
    picker_widget = window.compare_panel.picker
    combo = picker_widget.combo_b
    hidden = {*case_with_steps["steps"], case_with_steps["figure"]}
    assert combo.intermediate == hidden  # steps and figures, read from the records' links
    # The combo itself keeps every image, so a step can still be chosen by dropping it.
    assert all(combo.findData(i) > 0 for i in hidden)

    picker = _open_picker(qtbot, window, combo)
    names = case_with_steps["by_name"]
    disputed, output = names["disputed_image.png"].id, case_with_steps["output"].id
    references = sorted(a.id for a in names.values() if a.role == "reference")
    assert _listed(picker) == [disputed, *references, output]  # disputed, reference, generated
    headers = _headers(picker)
    assert [h.split("  ")[0] for h in headers] == ["Disputed", "Reference", "Generated"]
    assert headers[1].endswith("(3)")
    # Headers are not choices; an image is.
    header = picker.tree.topLevelItem(0)
    assert not header.flags() & header.flags().ItemIsSelectable
    assert picker.steps.isVisible() and "(3)" in picker.steps.text()

    picker.steps.setChecked(True)
    assert _listed(picker)[-3:] == sorted(hidden)  # last, in their own group
    assert _headers(picker)[-1].startswith("Steps and figures")
    picker.steps.setChecked(False)
    assert not set(_listed(picker)) & hidden


def test_choosing_in_the_picker_sets_the_pair_side(qtbot, window, case_with_steps):
    window.open_case(case_with_steps["root"])
    combo = window.compare_panel.picker.combo_a
    picker = _open_picker(qtbot, window, combo)
    output = case_with_steps["output"].id
    item = next(i for i in picker.items() if i.data(0, 0x0100) == output)
    picker._clicked(item)
    assert not picker.isVisible()
    assert combo.currentData() == output
    assert window.pair.a is not None and window.pair.a.id == output
    picker._clicked(picker.tree.topLevelItem(0))  # a header: nothing happens
    assert window.pair.a.id == output


def test_search_by_name_note_id_and_sha_prefix(qtbot, window, case_with_steps):
    window.open_case(case_with_steps["root"])
    picker = _open_picker(qtbot, window, window.analysis_panel.studies_tab.form.reference)
    names = case_with_steps["by_name"]
    unrelated = names["unrelated_work.png"]
    picker.search.setText("UNRELATED")  # part of the name, any case
    assert _listed(picker) == [unrelated.id]
    picker.search.setText("generated lighthouse")  # part of the note
    assert _listed(picker) == [case_with_steps["output"].id]
    picker.search.setText(f"#{unrelated.id}")
    assert _listed(picker) == [unrelated.id]
    picker.search.setText(unrelated.sha256[:7].upper())
    assert _listed(picker) == [unrelated.id]
    assert picker.count.text().startswith("1 of ")
    picker.search.setText("denoising step")  # only steps match: hidden while steps are
    assert _listed(picker) == []
    picker.steps.setChecked(True)
    assert _listed(picker) == case_with_steps["steps"]
    picker.search.setText(unrelated.sha256[:6])
    picker.search.returnPressed.emit()  # Enter chooses the first image found
    assert window.analysis_panel.studies_tab.form.reference.currentData() == unrelated.id


def test_every_listed_image_gets_its_thumbnail_as_an_icon(qtbot, window, case_with_steps):
    window.open_case(case_with_steps["root"])
    combo = window.generate_panel.form.init_image
    picker = _open_picker(qtbot, window, combo)
    picker.steps.setChecked(True)
    items = picker.items()
    assert len(items) == 8

    def pixel(item):
        pixmap = item.icon(0).pixmap(48, 48)
        image = pixmap.toImage()
        return image.pixelColor(image.width() // 2, image.height() // 2)

    # Read off the GUI thread; each arrives and replaces the blank placeholder.
    qtbot.waitUntil(lambda: all(pixel(i).alpha() == 255 for i in picker.items()), timeout=10_000)
    colours = {i.data(0, 0x0100): pixel(i) for i in picker.items()}
    red = colours[case_with_steps["output"].id]
    assert (red.red(), red.green(), red.blue()) == (250, 10, 10)
    green = colours[case_with_steps["steps"][0]]
    assert green.green() == 250 and green.red() == 10
    # The closed combo shows the thumbnail of its choice too.
    row = combo.findData(case_with_steps["output"].id)
    assert not combo.itemIcon(row).isNull()


def test_grouping_and_search_are_plain_functions(case_with_steps):
    with Case.open(case_with_steps["root"], readonly=True) as case:
        artifacts, records = case.artifacts(), case.records()
    hidden = intermediate_ids(records)
    groups = grouped(artifacts, hidden, "", show_steps=True)
    assert [name for name, _ in groups] == ["disputed", "reference", "generated", STEPS]
    assert [name for name, _ in grouped(artifacts, hidden)] == [
        "disputed",
        "reference",
        "generated",
    ]
    assert grouped(artifacts, hidden, "#99999") == []
