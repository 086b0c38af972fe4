"""The Studies tab's details and plot in the window's language: the study's settings, summary and
each output's readings as a table (never the stored JSON), and in Chinese the plot drawn again
from the record's numbers with the report's words."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.report.conftest import build_rich_case
from workstation.gui.widgets.study_details import redraw_plot, study_html


def test_a_study_reads_as_tables_in_both_languages_and_redraws_in_chinese(tmp_path: Path):
    with build_rich_case(tmp_path / "case", tmp_path / "scratch") as case:
        studies = case.records("study")
    assert studies
    for record in studies:
        points = record.payload.get("points") or []
        for lang, notice in (("en", "Bands name ranges"), ("zh", "区间")):
            html = study_html(record, lang)
            assert '"points"' not in html and notice in html
            for point in points:
                if point.get("artifact_id") is not None:
                    assert f"#{point['artifact_id']}" in html
        zh = study_html(record, "zh")
        x = record.payload.get("parameter")
        if x == "strength":
            assert "<th>重绘强度</th>" in zh  # the swept column, titled in Chinese
        out = redraw_plot(record, "zh", tmp_path / f"plot-{record.id}.png")
        if out is not None:
            with Image.open(out) as image:
                assert image.width > 300 and image.height > 200
    assert any(redraw_plot(r, "zh", tmp_path / f"again-{r.id}.png") for r in studies)


def test_an_old_case_opens_with_its_studies(tmp_path: Path):
    """A record without the fields a table needs still shows what it has."""
    with build_rich_case(tmp_path / "case", tmp_path / "scratch") as case:
        record = case.records("study")[0]
    bare = type(record)(**{**record.__dict__, "payload": {"title": "old study"}})
    assert "old study" in study_html(bare, "en")
    assert redraw_plot(bare, "en", tmp_path / "none.png") is None
