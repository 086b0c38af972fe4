"""CLIP on a tiny random-weight open_clip model, saved to a local file and loaded back."""

from __future__ import annotations

import numpy as np
import pytest

from workstation.analysis.clip import ClipModel
from workstation.analysis.images import load_image
from workstation.analysis.pair import compare_images
from workstation.core.canonical import sha256_file
from workstation.core.errors import InputError, ModelError


@pytest.fixture(scope="module")
def model(tiny_clip) -> ClipModel:
    return ClipModel.load(tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))


def test_loads_from_a_local_file_with_its_identity(model, tiny_clip):
    assert model.info.arch == "wstest-tiny-clip"
    assert model.info.checkpoint_sha256 == sha256_file(tiny_clip["checkpoint"])
    assert model.info.embed_dim == 32 and model.info.image_size == 32


def test_embeddings_are_unit_vectors_and_deterministic(model, images):
    rgb = load_image(images["work"]).rgb
    first, second = model.embed_images([rgb]), model.embed_images([rgb])
    assert first.shape == (1, 32)
    assert np.linalg.norm(first[0]) == pytest.approx(1.0, abs=1e-5)
    assert np.array_equal(first, second)


def test_pair_report_with_clip_and_prompt(model, images):
    work = load_image(images["work"])
    same = compare_images(
        work, load_image(images["work_copy"]), clip_model=model, prompt="a painting of shapes"
    )
    assert same.clip.status == "computed"
    assert same.clip.image_similarity == pytest.approx(1.0, abs=1e-5)
    assert same.clip.text_similarity_a == pytest.approx(same.clip.text_similarity_b, abs=1e-5)
    assert -1.0 <= same.clip.text_similarity_a <= 1.0
    assert same.clip.model.checkpoint_sha256 in same.to_json()
    reading = same.band("clip_image")
    assert reading.band == "no band" and "Somepalli" in reading.source
    assert {"open_clip", "torch"} <= set(same.versions)

    other = compare_images(work, load_image(images["other"]), clip_model=model)
    assert other.clip.image_similarity < same.clip.image_similarity


def test_loads_from_a_local_folder(tiny_clip, model, images):
    from_folder = ClipModel.load(tiny_clip["folder"])
    rgb = load_image(images["work"]).rgb
    assert np.allclose(from_folder.embed_images([rgb]), model.embed_images([rgb]), atol=1e-6)


def test_checkpoint_for_another_architecture_is_refused(tiny_clip):
    with pytest.raises(ModelError, match="does not load as open_clip architecture"):
        ClipModel.load(tiny_clip["other_checkpoint"], arch=str(tiny_clip["arch"]))


def test_nothing_is_downloaded_for_names(tiny_clip):
    with pytest.raises(InputError, match="never downloaded"):
        ClipModel.load("openai", arch="ViT-B-32")
    with pytest.raises(ModelError, match="unknown open_clip architecture"):
        ClipModel.load(tiny_clip["checkpoint"], arch="No-Such-Arch")
    with pytest.raises(InputError, match="do not also give an architecture"):
        ClipModel.load(tiny_clip["folder"], arch="ViT-B-32")


def test_a_prompt_longer_than_the_context_says_so(model):
    assert model.truncation_note("a red circle") == ""
    note = model.truncation_note("word " * 100)
    assert note == "the prompt has 102 tokens; the model reads the first 77"
