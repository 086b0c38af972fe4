"""The window's panel state without Qt: the open case (app/session.py) and the A/B pair
(app/pair.py). The last test runs all the others again in a process where PySide6 cannot be
imported, as napari runs its model tests with Qt uninstalled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workstation.app.case import CaseInitRequest
from workstation.app.clip import ClipChoice
from workstation.app.compare import CompareRequest, compare
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.app.pair import Pair
from workstation.app.sample_case import build_sample_case
from workstation.app.session import Session, appended


class Recorder:
    """Every event a model emits, in order, as (name, args)."""

    def __init__(self, events: object, names: tuple[str, ...]):
        self.seen: list[tuple[str, tuple]] = []
        for name in names:
            getattr(events, name).connect(lambda *args, n=name: self.seen.append((n, args)))

    def names(self) -> list[str]:
        return [name for name, _ in self.seen]


class FakeJob:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("models") / "case"
    build_sample_case(root).close()
    return root


@pytest.fixture
def session(sample_template: Path, tmp_path: Path) -> Session:
    import shutil

    root = tmp_path / "case"
    shutil.copytree(sample_template, root)
    session = Session()
    session.open(root)
    yield session
    session.close(emit=False)


def test_opening_creating_and_closing_a_case_tell_the_panels(tmp_path: Path) -> None:
    session = Session()
    seen = Recorder(session.events, ("opened", "changed"))
    session.actor = "Second Examiner"
    request = CaseInitRequest(title="Models", examiner="Ex", case_number="(2026) 01")
    case = session.create(tmp_path / "new", request)
    assert case.info.title == "Models" and case.info.case_number == "(2026) 01"
    assert session.writer().actor == "Second Examiner"  # who writes: the preferences' examiner
    assert session.artifacts() == [] and seen.names() == ["opened"]
    session.close()
    assert session.case is None and session.root is None
    assert seen.names() == ["opened", "opened"]


def test_a_job_writes_through_the_writer_and_refresh_shows_it(session: Session, samples) -> None:
    before = session.artifacts()
    seen = Recorder(session.events, ("opened", "changed"))
    request = ImportRequest(files=(samples / "unrelated_work.png",), role="other", note="again")
    (made,) = import_evidence(request, session.writer())  # as a job would, on its own connection
    assert session.artifacts() == before  # the snapshot: read once, re-read when told
    session.refresh()
    assert seen.names() == ["changed"]
    assert appended(before, session.artifacts()) == [session.artifact(made.id)]
    assert session.object_path(made).is_file()


def test_a_new_case_starts_with_the_disputed_image_against_a_reference(session: Session) -> None:
    pair = Pair(session)
    session.open(session.root)  # what the window does: open, then the panels follow
    assert (pair.a.role, pair.b.role) == ("disputed", "reference")
    assert pair.ready and not pair.running


def test_the_request_is_the_one_the_cli_builds_for_the_stored_copies(session: Session) -> None:
    pair = Pair(session)
    session.open(session.root)
    clip = ClipChoice.of("/models/clip.safetensors", "ViT-B-16")
    assert pair.request("  a lighthouse ", clip) == CompareRequest(
        image_a=session.object_path(pair.a),
        image_b=session.object_path(pair.b),
        prompt="a lighthouse",
        clip=clip,
    )
    assert pair.request("").prompt is None
    pair.set_side("b", None)
    assert pair.request() is None


def test_changing_the_pair_stops_its_comparison_and_drops_a_late_result(session: Session) -> None:
    pair = Pair(session)
    session.open(session.root)
    seen = Recorder(pair.events, ("changed", "running_changed", "report_ready", "stored"))
    report = compare(pair.request()).report
    job = FakeJob()
    pair.started(job)
    pair.swap()  # the running comparison describes the old pair
    assert job.cancelled and not pair.running
    pair.measured(report)  # it finished anyway: A and B are now the other way round
    pair.finished(job)
    assert pair.report is None
    assert seen.names() == ["running_changed", "running_changed", "changed"]
    assert [args for name, args in seen.seen if name == "running_changed"] == [(True,), (False,)]


def test_a_result_for_the_current_pair_is_shown_then_kept(session: Session) -> None:
    pair = Pair(session)
    session.open(session.root)
    seen = Recorder(pair.events, ("report_ready", "stored"))
    report = compare(pair.request()).report
    pair.measured(report, 7)  # measured, and stored as record 7
    assert pair.report is report and pair.record_id == 7 and not pair.restored
    assert seen.seen == [("report_ready", (report,)), ("stored", (7,))]
    pair.discarded(7)  # its record withdrawn: the reading stays, no longer kept
    assert pair.report is report and (pair.record_id, pair.discarded_id) == (None, 7)
    pair.set_side("a", pair.b)  # another reading: not the kept one
    assert pair.report is None and pair.record_id is None and pair.discarded_id is None


BLOCK_QT = """
import sys
for name in ("PySide6", "PyQt5", "PyQt6", "shiboken6"):
    sys.modules[name] = None  # any import of it now raises ImportError
import pytest
sys.exit(pytest.main(["-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider",
                      "-k", "not without_qt", sys.argv[1]]))
"""


def test_the_models_run_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT, __file__],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "PySide6" not in result.stdout
