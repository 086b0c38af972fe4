"""Textual-inversion files: every format read, pickles never run, names resolved by file stem."""

from __future__ import annotations

import hashlib
import pickle

import pytest
import torch
from safetensors.torch import save_file

from workstation.core.errors import ModelError
from workstation.engine.prompts import EmbeddingLibrary, load_embedding


def test_formats(tmp_path):
    vectors = torch.randn(3, 32)
    save_file({"emb_params": vectors}, tmp_path / "a1111.safetensors")
    torch.save(
        {"<cat-toy>": vectors[0]}, tmp_path / "diffusers.bin"
    )  # diffusers learned_embeds.bin
    save_file({"clip_l": vectors[:2], "clip_g": torch.randn(2, 48)}, tmp_path / "sdxl.safetensors")
    torch.save(
        {
            "string_to_token": {"*": 265},
            "string_to_param": {"*": vectors},
            "name": "trained",
            "step": 3000,
            "sd_checkpoint": "abcd1234",
            "sd_checkpoint_name": "model",
        },
        tmp_path / "a1111.pt",
    )
    assert torch.equal(load_embedding(tmp_path / "a1111.safetensors").vectors[""], vectors)
    diffusers = load_embedding(tmp_path / "diffusers.bin")
    assert diffusers.vectors[""].shape == (1, 32) and diffusers.rows == 1
    sdxl = load_embedding(tmp_path / "sdxl.safetensors")
    assert set(sdxl.vectors) == {"clip_l", "clip_g"} and sdxl.rows == 2
    assert sdxl.for_encoder("clip_g", 48) is not None and sdxl.for_encoder("clip_g", 32) is None
    pt = load_embedding(tmp_path / "a1111.pt")
    assert torch.equal(pt.vectors[""], vectors) and pt.name == "a1111"
    assert pt.sha256 == hashlib.sha256((tmp_path / "a1111.pt").read_bytes()).hexdigest()


class _Payload:
    def __reduce__(self):
        return (open, (str(_Payload.marker), "w"))


def test_pickled_code_is_refused_and_never_runs(tmp_path):
    _Payload.marker = tmp_path / "ran"
    with (tmp_path / "evil.pt").open("wb") as handle:
        pickle.dump({"string_to_param": {"*": _Payload()}}, handle)
    with pytest.raises(ModelError) as error:
        load_embedding(tmp_path / "evil.pt")
    assert "\n" not in str(error.value) and "evil.pt" in str(error.value)
    assert not _Payload.marker.exists()


def test_not_an_embedding(tmp_path):
    save_file({"a": torch.zeros(2), "b": torch.zeros(2)}, tmp_path / "two.safetensors")
    with pytest.raises(ModelError, match="not an embedding"):
        load_embedding(tmp_path / "two.safetensors")


def test_library_finds_by_stem_in_subfolders(tmp_path):
    (tmp_path / "sub").mkdir()
    save_file({"emb_params": torch.zeros(1, 32)}, tmp_path / "sub" / "style.safetensors")
    library = EmbeddingLibrary(tmp_path)
    assert library.names == ["style"]
    assert library.get("style").rows == 1 and library.get("other") is None
