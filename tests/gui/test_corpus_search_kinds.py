"""Analysis ▸ Corpus search: the search kind chosen in the window is the CLI's `--kind`, an
approximate index is built with its FAISS file and its measured recall shown, and found again."""

from __future__ import annotations

import pytest

from tests.gui.conftest import wait_idle
from tests.gui.test_requests_match_cli import cli_request
from workstation.analysis.corpus import CorpusIndex
from workstation.app.corpus import IndexBuildRequest
from workstation.core.errors import Cancelled
from workstation.gui.panels import corpus_tab

pytest.importorskip("faiss")


def test_the_kind_chosen_is_the_cli_kind(
    qtbot, window, sample_case, samples, tmp_path, monkeypatch
):
    monkeypatch.delenv("WORKSTATION_CLIP_MODEL", raising=False)
    monkeypatch.delenv("WORKSTATION_CLIP_ARCH", raising=False)
    seen = []

    def stop(request, **kwargs):
        seen.append(request)
        raise Cancelled("only the request matters here")

    monkeypatch.setattr(corpus_tab, "build_corpus_index", stop)
    window.open_case(sample_case)
    tab = window.analysis_panel.corpus_tab
    assert tab.kind.currentData() == IndexBuildRequest.kind == "flat"
    tab.kind.setCurrentIndex(tab.kind.findData("ivfpq"))
    tab.build(samples, tmp_path / "works.npz")
    wait_idle(qtbot, window)
    argv = ("index", "build", samples, "--out", tmp_path / "works.npz", "--kind", "ivfpq")
    assert seen == [cli_request(IndexBuildRequest, *argv)]


def test_an_hnsw_index_shows_its_recall_and_is_searched(
    qtbot, window, sample_case, samples, tmp_path, tiny_clip
):
    preferences = window.edit_preferences()
    preferences.clip_model.setText(str(tiny_clip["checkpoint"]))
    preferences.clip_arch.setText(str(tiny_clip["arch"]))
    preferences.accept()
    window.open_case(sample_case)
    tab = window.analysis_panel.corpus_tab
    tab.kind.setCurrentIndex(tab.kind.findData("hnsw"))
    index = tmp_path / "works.npz"
    tab.build(samples, index)
    wait_idle(qtbot, window)
    stored = CorpusIndex.load(index)
    assert stored.kind == "hnsw" and (tmp_path / "works.npz.hnsw.faiss").is_file()
    recall = stored.search["recall_at_10"]
    assert f"recall@10 {recall:.3f}" in tab.status.text() and "held-out" in tab.status.text()

    tab.search()
    wait_idle(qtbot, window)
    assert "hnsw (approximate)" in tab.status.text()
    tab.metric.setCurrentIndex(tab.metric.findData("clip"))
    assert tab.hits.item(0).text() == "1. cosine 1.000\ndisputed_image.png"
