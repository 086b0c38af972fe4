"""Model scan: kinds from tensor names and shapes, broken files reported, pickles never run."""

from __future__ import annotations

import json
import pickle
import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from workstation.core.errors import ModelError
from workstation.engine.library import detect, inspect, scan
from workstation.engine.safetensors_header import read_header

U = "model.diffusion_model."


def ldm_shapes(context: int, channels: int = 320, text: str = "sd1") -> dict:
    shapes = {
        U + "input_blocks.0.0.weight": (channels, 4, 3, 3),
        U + "input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight": (640, context),
        "first_stage_model.decoder.conv_out.weight": (3, 128, 3, 3),
    }
    text_keys = {
        "sd1": "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight",
        "sd2": "cond_stage_model.model.token_embedding.weight",
        "sdxl": "conditioner.embedders.1.model.token_embedding.weight",
    }
    shapes[text_keys[text]] = (49408, 768)
    return shapes


@pytest.mark.parametrize(
    ("shapes", "kind", "arch"),
    [
        (ldm_shapes(768), "SD1.x", "sd1"),
        (ldm_shapes(1024, text="sd2"), "SD2.x", "sd2"),
        (ldm_shapes(2048, text="sdxl"), "SDXL", "sdxl"),
        (ldm_shapes(32, channels=32), "SD1.x", "tiny-sd"),
    ],
)
def test_base_models_are_told_apart_by_shapes(shapes: dict, kind: str, arch: str) -> None:
    detection = detect(shapes)
    assert (detection.kind, detection.architecture.name) == (kind, arch)


def test_variants_that_cannot_load_are_named() -> None:
    inpainting = {**ldm_shapes(768), U + "input_blocks.0.0.weight": (320, 9, 3, 3)}
    detection = detect(inpainting)
    assert detection.kind == "SD1.x" and detection.architecture is None
    assert "9-channel" in detection.detail
    refiner = {**ldm_shapes(1280, text="sdxl")}
    assert detect(refiner).architecture is None


KOHYA_TO_K = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight"
PEFT_TO_K = "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.lora_A.weight"
KOHYA_TE_Q = "text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight"


@pytest.mark.parametrize(
    ("shapes", "context"),
    [
        ({KOHYA_TO_K: (8, 768)}, 768),
        ({PEFT_TO_K: (4, 1024)}, 1024),
        ({"lora_te1_" + KOHYA_TE_Q: (4, 768)}, 2048),  # SDXL: two text encoders
        ({"lora_te_" + KOHYA_TE_Q: (4, 1024)}, 1024),
    ],
)
def test_lora_base_is_read_from_shapes(shapes: dict, context: int) -> None:
    detection = detect(shapes)
    assert detection.kind == "LoRA" and detection.context_dim == context


@pytest.mark.parametrize(
    "name",
    [
        "lora_unet_down_blocks_0_attentions_0_proj_in.diff",  # LyCORIS full
        "lora_te_text_model_encoder_layers_0_layer_norm1.w_norm",  # LyCORIS norm
        "lora_unet_mid_block_attentions_0_proj_out.lokr_w2",  # LoKr, w1 factorised
        "lora_unet_mid_block_attentions_0_proj_out.dora_scale",
    ],
)
def test_every_lycoris_algorithm_is_a_lora(name: str) -> None:
    assert detect({name: (4, 4)}).kind == "LoRA"


def test_a_generic_suffix_outside_a_lora_prefix_is_not_a_lora() -> None:
    assert detect({"model.diffusion_model.out.diff": (4, 4)}).kind != "LoRA"


def test_clip_and_other_files() -> None:
    open_clip = {"visual.conv1.weight": (768, 3, 32, 32), "token_embedding.weight": (49408, 512)}
    assert detect(open_clip).kind == "CLIP"
    hf_text = {"text_model.encoder.layers.0.mlp.fc1.weight": (3072, 768)}
    assert detect(hf_text).kind == "CLIP"
    vae = {"encoder.conv_in.weight": (128, 3, 3, 3), "decoder.conv_out.weight": (3, 128, 3, 3)}
    assert detect(vae).kind == "unknown" and "VAE" in detect(vae).detail
    assert detect({"foo": (1,)}).kind == "unknown"


def test_scan_lists_tiny_models_with_hashes(models_dir: Path) -> None:
    found = {Path(m.path).name: m for m in scan(models_dir)}
    assert set(found) >= {"tiny", "tiny.safetensors", "kohya.safetensors", "peft.safetensors"}
    folder, single = found["tiny"], found["tiny.safetensors"]
    assert (folder.format, folder.kind, folder.architecture) == ("diffusers", "SD1.x", "tiny-sd")
    assert (single.format, single.kind, single.architecture) == ("safetensors", "SD1.x", "tiny-sd")
    assert single.autov2 == single.sha256[:10] and len(single.autov1) == 8
    assert folder.autov2 is None and len(folder.sha256) == 64
    kohya, peft = found["kohya.safetensors"], found["peft.safetensors"]
    assert kohya.kind == peft.kind == "LoRA"
    assert "kohya" in kohya.detail and "diffusers/peft" in peft.detail
    assert kohya.context_dim == peft.context_dim == 32
    assert len(kohya.addnet) == 64 and kohya.addnet != kohya.sha256
    assert not any(m.problem for m in found.values())


def test_broken_files_are_listed_with_their_problem(tmp_path: Path, tiny_file: Path) -> None:
    (tmp_path / "truncated.safetensors").write_bytes(tiny_file.read_bytes()[:4000])
    (tmp_path / "cut-data.safetensors").write_bytes(tiny_file.read_bytes()[:-100])
    (tmp_path / "tiny.safetensors").write_bytes(b"\x02")
    header = b"{not json"
    (tmp_path / "garbled.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
    problems = {Path(m.path).name: m.problem for m in scan(tmp_path)}
    assert "truncated or corrupt safetensors header" in problems["truncated.safetensors"]
    assert "truncated safetensors file" in problems["cut-data.safetensors"]
    assert "not a safetensors file" in problems["tiny.safetensors"]
    assert "not valid JSON" in problems["garbled.safetensors"]
    with pytest.raises(ModelError, match="truncated"):
        read_header(tmp_path / "truncated.safetensors")


class Payload:
    """Unpickling this creates a file: proof that code in a pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickle_payload_is_refused_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "payload-ran"
    models = tmp_path / "models"
    models.mkdir()
    evil = models / "model.ckpt"
    torch.save({"state_dict": {"w": torch.zeros(2)}, "extra": Payload(marker)}, evil)
    (models / "plain.bin").write_bytes(pickle.dumps({"x": Payload(marker)}, protocol=2))

    found = {Path(m.path).name: m for m in scan(models)}
    assert "refused pickle checkpoint" in found["model.ckpt"].problem
    assert "refused pickle checkpoint" in found["plain.bin"].problem
    from workstation.engine.loading import load_model

    with pytest.raises(ModelError, match="refused pickle checkpoint: it calls"):
        load_model(evil, device="cpu")
    assert not marker.exists()

    # Control: the payload is live. A plain unpickler runs it.
    with open(models / "plain.bin", "rb") as stream:
        pickle.load(stream)["x"].close()
    assert marker.exists()


def test_plain_weights_pickle_is_read(tmp_path: Path) -> None:
    path = tmp_path / "weights.ckpt"
    state = {k: torch.zeros(v) for k, v in ldm_shapes(768).items()}
    torch.save({"state_dict": state}, path)
    info = inspect(path)
    assert (info.format, info.kind, info.problem) == ("pickle", "SD1.x", None)


def test_missing_and_odd_paths(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such file"):
        inspect(tmp_path / "nope.safetensors")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ModelError, match="not a model file"):
        inspect(tmp_path / "notes.txt")
    with pytest.raises(ModelError, match="no model_index.json"):
        inspect(tmp_path)
    with pytest.raises(ModelError, match="not a folder"):
        scan(tmp_path / "notes.txt")


def test_safetensors_metadata_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x.safetensors"
    save_file({"a": torch.zeros(2, 3)}, path, metadata={"ss_network_dim": "8"})
    header = read_header(path)
    assert header.metadata == {"ss_network_dim": "8"}
    assert header.shapes == {"a": (2, 3)}
    assert json.loads(json.dumps(header.metadata))
