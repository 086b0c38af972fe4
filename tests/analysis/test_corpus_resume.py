"""A corpus build killed midway resumes: the rows it decoded were kept in `<index>.partial` as it
ran, the next build reads only the rest and writes the index an uninterrupted build writes, array
for array, then removes the checkpoint. A checkpoint of another folder, of another CLIP model, or
that is not a valid index is ignored with one line."""

from __future__ import annotations

import shutil

import pytest

from tests.analysis.conftest import make_work, save
from workstation.analysis import corpus
from workstation.analysis.corpus import CorpusIndex
from workstation.app.clip import ClipChoice
from workstation.app.corpus import IndexBuildRequest, build_corpus_index
from workstation.core.errors import Cancelled
from workstation.engine.runtime import Runtime

WORKS = 30
CANCEL_AFTER = 10  # files read before the build is cancelled


@pytest.fixture
def works(tmp_path):
    folder = tmp_path / "works"
    for seed in range(WORKS):
        save(make_work(300 + seed, (32, 32)), folder / f"sub{seed % 3}" / f"w{seed:02}.png")
    return folder


@pytest.fixture
def small_steps(monkeypatch):
    monkeypatch.setattr(corpus, "FILES_PER_ITEM", 4)
    monkeypatch.setattr(corpus, "CHECKPOINT_SECONDS", 0)  # a checkpoint after every item


@pytest.fixture
def decoded(monkeypatch):
    files = []
    original = corpus.load_image
    monkeypatch.setattr(corpus, "load_image", lambda path: files.append(path) or original(path))
    return files


def _build(folder, out, clip=None, cancel_after=None, executor=None):
    messages = []

    def progress(event):
        messages.append(event.message)

    def cancelled():
        return cancel_after is not None and len(messages) >= cancel_after

    runtime = Runtime(on_progress=progress, is_cancelled=cancelled)
    request = IndexBuildRequest(folder=folder, out=out, clip=clip or ClipChoice())
    built = build_corpus_index(request, runtime=runtime, executor=executor)
    return built, messages


def _interrupt(folder, out, clip=None) -> int:
    with pytest.raises(Cancelled) as raised:
        _build(folder, out, clip, cancel_after=CANCEL_AFTER)
    partial = corpus.checkpoint_path(out)
    assert not out.exists() and partial.exists()
    rows = len(CorpusIndex.load(partial))
    assert 0 < rows <= CANCEL_AFTER and rows % 4 == 0  # whole items only
    assert str(partial) in str(raised.value) and f"the {rows:,} rows" in str(raised.value)
    return rows


def _arrays_equal(a: CorpusIndex, b: CorpusIndex) -> None:
    names = ("paths", "sizes", "mtimes_ns", "sha256", *(("embeddings",) if a.clip else ()))
    for name in names:
        left, right = getattr(a, name), getattr(b, name)
        assert left.dtype == right.dtype and left.shape == right.shape, name
        assert left.tobytes() == right.tobytes(), name
    for kind in corpus.HASH_KINDS:
        assert a.hashes[kind].tobytes() == b.hashes[kind].tobytes(), kind
    assert a.root == b.root and a.clip == b.clip and a.skipped == b.skipped


def test_a_cancelled_build_resumes_and_writes_the_uninterrupted_index(
    works, tmp_path, small_steps, decoded
):
    reference, _ = _build(works, tmp_path / "reference.npz")
    out = tmp_path / "index.npz"
    kept = _interrupt(works, out)

    decoded.clear()
    built, messages = _build(works, out)
    assert len(decoded) == WORKS - kept  # only the rest was read
    assert messages.count(f"resuming: {kept} rows from an interrupted build") == 1
    assert (built.update.added, built.update.reused) == (WORKS, 0)  # as if never interrupted
    assert not corpus.checkpoint_path(out).exists()
    _arrays_equal(CorpusIndex.load(out), CorpusIndex.load(tmp_path / "reference.npz"))
    _arrays_equal(built.index, reference.index)


def test_a_resumed_update_keeps_the_previous_index_rows_too(works, tmp_path, small_steps, decoded):
    out = tmp_path / "index.npz"
    _build(works, out)
    for seed in range(WORKS, WORKS + 12):  # new works: the update is interrupted among them
        save(make_work(300 + seed, (32, 32)), works / "new" / f"w{seed:02}.png")
    reference = tmp_path / "reference.npz"
    shutil.copy(out, reference)
    _build(works, reference)

    with pytest.raises(Cancelled):
        _build(works, out, cancel_after=WORKS + 6)
    kept = len(CorpusIndex.load(corpus.checkpoint_path(out)))
    assert kept == 4  # one item of the new works; the previous rows are in the index itself

    decoded.clear()
    built, messages = _build(works, out)
    assert len(decoded) == 12 - kept
    assert f"resuming: {kept} rows from an interrupted build" in messages
    assert (built.update.added, built.update.reused) == (12, WORKS)
    assert not corpus.checkpoint_path(out).exists()
    _arrays_equal(CorpusIndex.load(out), CorpusIndex.load(reference))


def test_a_checkpoint_of_another_folder_is_ignored(works, tmp_path, small_steps, decoded):
    other = tmp_path / "other"
    for seed in range(6):
        save(make_work(300 + seed, (32, 32)), other / f"w{seed:02}.png")  # the same content
    _interrupt(works, tmp_path / "works.npz")
    out = tmp_path / "other.npz"
    shutil.copy(corpus.checkpoint_path(tmp_path / "works.npz"), corpus.checkpoint_path(out))

    decoded.clear()
    built, messages = _build(other, out)
    assert len(decoded) == 6  # nothing taken from it, not even by content
    ignored = [m for m in messages if m.startswith("ignoring the checkpoint")]
    assert len(ignored) == 1 and "it indexes" in ignored[0] and str(works) in ignored[0]
    assert not any(m.startswith("resuming") for m in messages)
    assert len(built.index) == 6 and not corpus.checkpoint_path(out).exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"PK\x03\x04 not an index at all",
        lambda data: data[: len(data) // 2],
        lambda data: data.replace(b'"format": "workstation.corpus-index"', b'"format": "other"'),
    ],
    ids=["garbage", "truncated", "not-an-index"],
)
def test_a_corrupt_checkpoint_is_ignored_with_one_line(
    works, tmp_path, small_steps, decoded, damage
):
    reference, _ = _build(works, tmp_path / "reference.npz")
    out = tmp_path / "index.npz"
    _interrupt(works, out)
    partial = corpus.checkpoint_path(out)
    partial.write_bytes(damage(partial.read_bytes()))

    decoded.clear()
    built, messages = _build(works, out)
    assert len(decoded) == WORKS
    ignored = [m for m in messages if m.startswith("ignoring the checkpoint")]
    assert len(ignored) == 1 and "\n" not in ignored[0]
    assert not partial.exists()
    _arrays_equal(built.index, reference.index)


def test_a_checkpoint_of_another_clip_model_is_ignored(works, tmp_path, small_steps, tiny_clip):
    clip = ClipChoice(model=tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))
    out = tmp_path / "index.npz"
    _interrupt(works, out)  # hashes only, no embeddings
    built, messages = _build(works, out, clip)
    ignored = [m for m in messages if m.startswith("ignoring the checkpoint")]
    assert len(ignored) == 1 and "no CLIP embeddings" in ignored[0]
    assert built.index.embeddings is not None and len(built.index) == WORKS

    # With the model: its embeddings are resumed too, the same bits.
    reference, _ = _build(works, tmp_path / "reference.npz", clip)
    out.unlink()
    kept = _interrupt(works, out, clip)
    built, messages = _build(works, out, clip)
    assert f"resuming: {kept} rows from an interrupted build" in messages
    _arrays_equal(CorpusIndex.load(out), reference.index)


def test_a_build_on_ray_keeps_and_resumes_checkpoints_too(
    ray, works, tmp_path, small_steps, monkeypatch
):
    from workstation.analysis.ray_executor import RayExecutor

    reference, _ = _build(works, tmp_path / "reference.npz")
    out = tmp_path / "index.npz"
    kept = _interrupt(works, out)  # in this process; resumed on Ray

    written = []
    original = corpus.Checkpoint.write

    def spy(self, rows, runtime):
        written.append([row["path"] for row in rows])
        original(self, rows, runtime)

    monkeypatch.setattr(corpus.Checkpoint, "write", spy)
    built, messages = _build(works, out, executor=RayExecutor())
    assert f"resuming: {kept} rows from an interrupted build" in messages
    # The coordinator wrote one after each item came back (in any order): the rows so far, in the
    # folder's order.
    counts = [len(paths) for paths in written]
    assert len(counts) == -(-(WORKS - kept) // 4) and counts[-1] == WORKS
    assert counts == sorted(set(counts)) and counts[0] > kept
    order = reference.index.paths.tolist()
    assert all(paths == sorted(paths, key=order.index) for paths in written)
    assert not corpus.checkpoint_path(out).exists()
    _arrays_equal(CorpusIndex.load(out), reference.index)
