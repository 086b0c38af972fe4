"""Which case the window opens on when none is named: the one opened last (where it still is),
else the sample case of the first start."""

from __future__ import annotations

from pathlib import Path

from workstation.core.case import Case
from workstation.gui.app import _case_to_start_on


def test_the_case_opened_last_that_still_exists(settings, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path / "data"))
    kept = tmp_path / "kept"
    Case.create(kept, title="Kept", examiner="Ann").close()
    settings.add_recent_case(kept)
    settings.add_recent_case(tmp_path / "moved away")  # opened last, but gone now
    assert _case_to_start_on(settings) == kept
    assert not (tmp_path / "data").exists()  # no sample case made


def test_with_no_case_opened_before_the_sample_case(settings, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path / "data"))
    settings.add_recent_case(tmp_path / "moved away")
    started = _case_to_start_on(settings)
    assert started == tmp_path / "data" / "Sample case"
    assert (started / "case.sqlite").is_file()


def test_a_data_folder_that_cannot_be_written_opens_no_case(settings, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(blocker / "data"))
    assert _case_to_start_on(settings) is None
    assert Path(blocker).read_text() == "not a folder"
