"""A corpus search kept in a case: the index file stored by SHA-256 and searched from the stored
copy, the query image imported, a corpus_search record linking them; verify catches a changed
index; the CLI's --case; a read-only case refused in one line; the report states the search."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from PIL import Image

from tests.analysis.conftest import make_work, save
from workstation import cli
from workstation.analysis.corpus import build_index
from workstation.app.case_writer import CaseWriter
from workstation.app.corpus import IndexQueryRequest, search_into_case
from workstation.core import case as core_case
from workstation.core.canonical import sha256_file
from workstation.core.case import Case
from workstation.core.errors import CaseError, InputError
from workstation.core.records import CorpusSearch

WORKS = 6


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "works"
    for seed in range(WORKS):
        save(make_work(200 + seed, (128, 128)), folder / f"work{seed:02}.png")
    index, _ = build_index(folder)
    path = tmp_path / "works.npz"
    index.save(path)
    planted = np.asarray(Image.fromarray(make_work(203, (128, 128))).resize((100, 100)))
    query = save(planted, tmp_path / "query.png")
    root = tmp_path / "case"
    Case.create(root, title="T", examiner="Ann").close()
    return path, query, root


def counts(root) -> tuple[int, int, int]:
    with Case.open(root, readonly=True) as case:
        return len(case.artifacts()), len(case.records()), len(case.audit_entries())


def test_a_search_is_stored_with_its_index_and_query(corpus):
    index, query, root = corpus
    done = search_into_case(IndexQueryRequest(index=index, image=query, k=3), CaseWriter(root))
    assert done.result.by_metric["phash"][0].path == "work03.png"
    with Case.open(root) as case:
        record = case.record(done.record_id)
        assert isinstance(record.body, CorpusSearch)
        body = record.body
        by_label = {link.label: case.artifact(link.artifact_id) for link in record.links}
        assert set(by_label) == {"index", "query"}
        stored_index, stored_query = by_label["index"], by_label["query"]
        # the hashes the record names are those of the bytes stored (and searched)
        assert stored_index.sha256 == sha256_file(index) == body.index["sha256"]
        assert sha256_file(case.object_path(stored_index.sha256)) == stored_index.sha256
        assert stored_query.sha256 == sha256_file(query) == body.query["sha256"]
        assert stored_query.role == "disputed"
        assert body.k == 3 and body.index["entries"] == WORKS
        assert body.index["format"] == "workstation.corpus-index" and body.index["version"] == 1
        assert body.index["hash_kinds"] == ["phash", "dhash", "ahash", "colorhash"]
        assert body.search["kind"] == "flat" and body.search["engine"]
        hits = body.results["phash"]
        assert [h["rank"] for h in hits] == [1, 2, 3] and hits[0]["path"] == "work03.png"
        assert hits[0]["sha256"] == sha256_file(index.parent / "works" / "work03.png")
        assert case.verify().ok
        entry = case.audit_entries()[-2:]
        assert "corpus_search" in [e.action for e in entry]
    before = counts(root)

    # a second search on the same index reuses its artifact (and the query's): one record more
    again = search_into_case(IndexQueryRequest(index=index, image=query, k=2), CaseWriter(root))
    after = counts(root)
    assert after[0] == before[0] and after[1] == before[1] + 1
    with Case.open(root) as case:
        second = case.record(again.record_id)
        assert {link.artifact_id for link in second.links} == {
            link.artifact_id for link in case.record(done.record_id).links
        }


def test_verify_catches_a_changed_stored_index(corpus):
    index, query, root = corpus
    search_into_case(IndexQueryRequest(index=index, image=query), CaseWriter(root))
    with Case.open(root) as case:
        stored = case.object_path(sha256_file(index))
    os.chmod(stored, stat.S_IRUSR | stat.S_IWUSR)
    with open(stored, "r+b") as stream:
        stream.seek(100)
        byte = stream.read(1)
        stream.seek(100)
        stream.write(bytes([byte[0] ^ 1]))
    with Case.open(root, readonly=True) as case:
        report = case.verify()
    assert not report.ok
    # and a search on the same index refuses the changed copy rather than search it
    before = counts(root)
    with pytest.raises(CaseError, match="no longer matches its SHA-256"):
        search_into_case(IndexQueryRequest(index=index, image=query), CaseWriter(root))
    assert counts(root) == before


def test_the_cli_stores_the_search(corpus, capsys):
    index, query, root = corpus
    code = cli.main(["index", "query", str(index), str(query), "-k", "2", "--case", str(root)])
    out = capsys.readouterr().out
    assert code == 0
    with Case.open(root) as case:
        (record,) = case.records("corpus_search")
    assert out.splitlines()[-1] == (f"stored in case {root} as corpus_search record #{record.id}")


def test_a_read_only_case_is_refused_in_one_line(corpus, capsys, monkeypatch):
    index, query, root = corpus
    before = counts(root)
    monkeypatch.setattr(core_case, "_writable", lambda root: False)
    with pytest.raises(CaseError, match="read-only"):
        search_into_case(IndexQueryRequest(index=index, image=query), CaseWriter(root))
    code = cli.main(["index", "query", str(index), str(query), "--case", str(root)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and err.count("\n") == 1 and "read-only" in err
    monkeypatch.undo()
    assert counts(root) == before


def test_a_failed_search_leaves_the_case_as_it_was(corpus):
    index, query, root = corpus
    before = counts(root)
    # the index is stored before it is searched: a search that fails takes it out again
    with pytest.raises(InputError, match="k must be at least 1"):
        search_into_case(IndexQueryRequest(index=index, image=query, k=0), CaseWriter(root))
    assert counts(root) == before
    assert not any((root / "objects").rglob(sha256_file(index)))


def test_a_file_that_is_not_an_index_is_named_by_the_examiners_path(corpus, tmp_path, capsys):
    _, query, root = corpus
    fake = tmp_path / "works-copy.npz"
    fake.write_bytes(b"not an index")
    before = counts(root)
    code = cli.main(["index", "query", str(fake), str(query), "--case", str(root)])
    err = capsys.readouterr().err
    assert code == 2 and err.splitlines() == [
        f"error: not a workstation corpus index: {fake}: File is not a zip file"
    ]
    assert counts(root) == before


def test_an_approximate_index_is_stored_with_its_faiss_file_and_recall(corpus, tiny_clip):
    pytest.importorskip("faiss")
    from workstation.analysis.clip import ClipModel
    from workstation.app.clip import ClipChoice

    index, query, root = corpus
    clip = ClipModel.load(tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))
    built, _ = build_index(index.parent / "works", clip_model=clip, kind="hnsw")
    built.save(index)
    sidecar = index.with_name("works.npz.hnsw.faiss")
    choice = ClipChoice(model=tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))
    request = IndexQueryRequest(index=index, image=query, k=3, clip=choice)
    done = search_into_case(request, CaseWriter(root))
    with Case.open(root) as case:
        record = case.record(done.record_id)
        body = record.body
        by_label = {link.label: case.artifact(link.artifact_id) for link in record.links}
        assert set(by_label) == {"index", "search_index", "query"}
        assert by_label["search_index"].sha256 == sha256_file(sidecar)
        assert body.index["search"]["sha256"] == sha256_file(sidecar)
        assert body.search["kind"] == "hnsw" and body.search["engine"].startswith("faiss")
        assert 0 <= body.search["recall_at_10"] <= 1
        assert body.index["clip"]["checkpoint_sha256"] == sha256_file(tiny_clip["checkpoint"])
        assert [h["rank"] for h in body.results["clip"]] == [1, 2, 3]
        assert case.verify().ok


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["corpus search", "Query image", "Hamming distance in bits", "not a finding"]),
        ("zh", ["参考库检索", "查询图像", "汉明距离", "并非一幅图像复制自另一幅的结论"]),
    ],
)
def test_the_report_states_the_search(corpus, tmp_path, lang, words):
    from pypdf import PdfReader

    from workstation.report import ReportOptions, build_report

    index, query, root = corpus
    search_into_case(IndexQueryRequest(index=index, image=query, k=3), CaseWriter(root))
    out = tmp_path / f"report-{lang}.pdf"
    with Case.open(root) as case:
        build_report(case, ReportOptions(out=out, lang=lang))
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    flat = "".join(text.split())
    for word in [*words, sha256_file(index), "work03.png"]:
        assert "".join(word.split()) in flat, word
