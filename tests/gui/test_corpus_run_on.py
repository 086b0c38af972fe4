"""Analysis ▸ Corpus search ▸ "Run on": a build on local Ray workers from the window writes the
index a build in this process writes, and a user without Ray is told in one line how to get it."""

from __future__ import annotations

import sys

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from workstation.analysis.corpus import CorpusIndex, build_index
from workstation.gui.panels import corpus_tab


def _tab(window, sample_case, monkeypatch):
    monkeypatch.delenv("WORKSTATION_CLIP_MODEL", raising=False)
    monkeypatch.delenv("WORKSTATION_CLIP_ARCH", raising=False)
    window.open_case(sample_case)
    window.show_panel("analysis")
    tab = window.analysis_panel.corpus_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    return tab


def test_a_corpus_build_runs_on_ray_workers_from_the_window(
    qtbot, ray, window, sample_case, samples, tmp_path, monkeypatch
):
    used = []
    real = corpus_tab.build_corpus_index

    def spy(request, **kwargs):  # the real build; what it was given is noted
        used.append(kwargs["executor"].name)
        return real(request, **kwargs)

    monkeypatch.setattr(corpus_tab, "build_corpus_index", spy)
    tab = _tab(window, sample_case, monkeypatch)
    assert tab.run_on.choice.currentData() == "inprocess" and tab.run_on.address.isHidden()
    tab.run_on.choice.setCurrentIndex(tab.run_on.choice.findData("ray"))
    assert not tab.run_on.address.isHidden()
    index = tmp_path / "works.npz"
    job = tab.build(samples, index)
    assert job is not None and not tab.run_on.isEnabled()
    wait_idle(qtbot, window, timeout=3 * JOB_TIMEOUT_MS)

    assert used == ["ray"] and tab.run_on.isEnabled()
    stored, here = CorpusIndex.load(index), build_index(samples)[0]
    assert len(stored) > 0 and stored.paths.tolist() == here.paths.tolist()
    assert stored.sha256.tolist() == here.sha256.tolist()
    assert all(stored.hashes[k].tolist() == here.hashes[k].tolist() for k in here.hashes)
    assert f"Indexed {len(stored)} image(s)" in tab.status.text()


def test_without_ray_the_corpus_form_says_how_to_install_it(
    qtbot, window, sample_case, samples, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    tab = _tab(window, sample_case, monkeypatch)
    tab.run_on.choice.setCurrentIndex(tab.run_on.choice.findData("ray"))
    assert tab.build(samples, tmp_path / "works.npz") is None and tab.job is None
    box = error_box(window)
    assert box is not None and "pip install" in box.text() and "\n" not in box.text()
    box.close()
    assert not (tmp_path / "works.npz").exists()
