"""Analysis ▸ Model examination: the form's "Run on" row reaches the job (the executor it names
scores the images, the record is stored), and is shown for the attribution too."""

from __future__ import annotations

from dataclasses import dataclass

from tests.gui.conftest import wait_idle
from tests.gui.test_exam_tab import EXAM_TIMEOUT_MS, exam, scenes, tiny_model  # noqa: F401
from workstation.analysis.executors import InProcess
from workstation.core.case import Case


@dataclass
class Recording(InProcess):
    """This process's executor, noting each item it was given."""

    labels: list | None = None

    def map(self, work, items, runtime, what="job"):
        self.labels = [item.label for item in items]
        yield from super().map(work, items, runtime, what)


def test_the_run_on_row_reaches_the_job(qtbot, window, exam, sample_case, monkeypatch):  # noqa: F811
    from workstation.gui.widgets import run_on

    chosen, made = [], Recording()

    def named(name, address=None):
        chosen.append((name, address))
        return made

    monkeypatch.setattr(run_on, "executor_named", named)
    form = exam.form
    assert form.layout_form.isRowVisible(form.run_on)
    form.run_on.choice.setCurrentIndex(form.run_on.choice.findData("ray"))
    assert form.run_on.address.isVisibleTo(form)
    form.run_on.address.setText("10.0.0.5:6379")
    job = form.run()
    assert job is not None and not form.run_on.isEnabled()  # not changed while it runs
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    assert chosen == [("ray", "10.0.0.5:6379")]
    assert made.labels == ["work 1", "work 2", "control 1", "control 2", "control 3", "control 4"]
    assert form.run_on.isEnabled() and "Stored as record #" in form.status.text()
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
        assert len(record.payload["results"]["controls"]) == 4 and case.verify().ok

    form.test.setCurrentIndex(form.test.findData("attribute"))
    assert form.layout_form.isRowVisible(form.run_on)  # attribution runs on executors too


def test_the_run_on_row_reaches_an_attribution(qtbot, window, exam, sample_case, monkeypatch):  # noqa: F811
    from workstation.gui.widgets import run_on

    seen = []

    @dataclass
    class Noting(InProcess):
        def map(self, work, items, runtime, what="job"):
            seen.extend(item.label for item in items)
            yield from super().map(work, items, runtime, what)

    monkeypatch.setattr(run_on, "executor_named", lambda name, address=None: Noting())
    form = exam.form
    form.test.setCurrentIndex(form.test.findData("attribute"))
    form.run_on.choice.setCurrentIndex(form.run_on.choice.findData("ray"))
    form.works.tick(form.works.paths()[:1])
    assert form.run() is not None
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    assert "Stored as record #" in form.status.text()
    # one calibration item for the model, then one reconstruction item for its VAE
    assert seen == ["tiny.safetensors", "VAE 1"]
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
        assert record.payload["method"] == "attribute" and case.verify().ok
