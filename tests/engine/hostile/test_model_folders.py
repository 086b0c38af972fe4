"""Diffusers folders with malformed JSON, and the file system under `models scan`: one line naming
the file and the field before diffusers is called; symlink loops end; a link is recorded and
hashed as its target; a model folder's hash never follows a link out of the folder."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.engine.hostile.files import INDEX, UNET_CONFIG, write_folder, write_lora
from tests.hostile import assert_clean, case_state, run_main
from workstation.core.errors import ModelError
from workstation.engine.library import MAX_CONFIG_INT, inspect, scan
from workstation.engine.loading import load_model


@pytest.mark.parametrize(
    ("index", "config", "fragment"),
    [
        ([1, 2], None, "model_index.json: a JSON list, not an object"),
        ("text", None, "model_index.json: a JSON str, not an object"),
        ({"unet": ["diffusers", "UNet2DConditionModel"]}, None, "field _class_name: missing"),
        ({**INDEX, "_class_name": 7}, None, "field _class_name: found 7"),
        ({**INDEX, "unet": "UNet2DConditionModel"}, None, None),  # an option: not read
        ({**INDEX, "unet": ["diffusers"]}, None, "field unet: not a [library, class] pair"),
        ({**INDEX, "unet": ["diffusers", 5]}, None, "field unet: not a [library, class] pair"),
        ({**INDEX, "../up": ["diffusers", "X"]}, None, "field '../up': not a component folder"),
        ({**INDEX, "unet": {"a": 1}}, None, "field 'unet': an object"),
        (None, [], "unet/config.json: a JSON list, not an object"),
        (None, {**UNET_CONFIG, "cross_attention_dim": "768"}, "field cross_attention_dim"),
        (None, {**UNET_CONFIG, "cross_attention_dim": [768, "x"]}, "field cross_attention_dim"),
        (None, {**UNET_CONFIG, "block_out_channels": 320}, "field block_out_channels"),
        (None, {**UNET_CONFIG, "block_out_channels": []}, "field block_out_channels"),
        (None, {**UNET_CONFIG, "block_out_channels": [0, -1]}, "field block_out_channels"),
        (None, {**UNET_CONFIG, "block_out_channels": [True]}, "field block_out_channels"),
        (None, {**UNET_CONFIG, "sample_size": 10**12}, "field sample_size: 1000000000000 is too"),
        (None, {**UNET_CONFIG, "layers": [1, {"a": -(10**30)}]}, "field layers[1].a: more than"),
        (None, b'{"a": 1e400}', "unet/config.json: number 1e400 is too large"),
        (None, b'{"a": Infinity}', "Infinity is not a number JSON allows"),
        (None, b"[" * 3000 + b"]" * 3000, "JSON nested 3000 levels deep"),
        (None, '{"a": "ü"}'.encode("utf-16"), "unet/config.json: not UTF-8 text"),
        (None, b'{"a": "\xe9"}', "unet/config.json: not UTF-8 text"),
        (None, b"{'a': 1}", "unet/config.json: not valid JSON"),
        (b"", None, "model_index.json: not valid JSON"),
    ],
)
def test_malformed_folder_json_is_named_before_diffusers_reads_it(
    tmp_path: Path, index: Any, config: Any, fragment: str | None
) -> None:
    folder = write_folder(tmp_path / "model", index, config)
    info = inspect(folder)
    if fragment is None:
        assert info.problem is None, info.problem
        return
    assert info.detail == "broken diffusers folder" and fragment in info.problem, info.problem
    assert str(folder) in info.problem
    with pytest.raises(ModelError) as caught:
        load_model(folder, device="cpu")
    assert fragment in str(caught.value)


def test_a_transformer_config_with_wrong_types_is_named(tmp_path: Path) -> None:
    index = {"_class_name": "FluxPipeline", "transformer": ["diffusers", "FluxTransformer2DModel"]}
    folder = write_folder(tmp_path / "flux", index)
    (folder / "transformer").mkdir()
    for field, value in (("num_layers", "19"), ("guidance_embeds", "yes"), ("num_layers", 0)):
        (folder / "transformer" / "config.json").write_text(json.dumps({field: value}))
        assert f"transformer/config.json: field {field}" in inspect(folder).problem


def test_every_json_file_of_a_component_is_checked(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "model",
        files={"scheduler/scheduler_config.json": b'{"num_train_timesteps": 1000000000000}'},
    )
    assert "scheduler_config.json: field num_train_timesteps" in inspect(folder).problem
    other = write_folder(tmp_path / "other", files={"unet/extra.json": b"[" * 100 + b"]" * 100})
    assert "unet/extra.json: JSON nested 100 levels deep" in inspect(other).problem
    huge = {**UNET_CONFIG, "cross_attention_dim": MAX_CONFIG_INT + 1}
    problem = inspect(write_folder(tmp_path / "huge", unet_config=huge)).problem
    assert "field cross_attention_dim: 16777217 is too large" in problem


def test_generate_with_a_broken_folder_leaves_the_case_unchanged(tmp_path: Path) -> None:
    case = tmp_path / "case"
    assert run_main("case", "init", case, "--title", "T", "--examiner", "E").code == 0
    folder = write_folder(tmp_path / "model", unet_config={"block_out_channels": "wide"})
    before = case_state(case)
    outcome = run_main(
        "generate", "--model", folder, "--prompt", "p", "--seed", 1, "--case", case,
        "--device", "cpu", "--steps", 1,
    )  # fmt: skip
    assert_clean(outcome)
    assert outcome.code == 2
    assert "unet/config.json: field block_out_channels" in outcome.err
    assert case_state(case) == before


def test_scan_lists_broken_folders_and_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "models"
    write_folder(root / "a_broken", index=[1])
    write_folder(root / "b_deep", unet_config=b"{" * 10_000)
    write_lora(root / "c_lora.safetensors")
    outcome = run_main("models", "scan", root)
    assert_clean(outcome)
    assert outcome.code == 0 and "3 model(s), 2 unusable" in outcome.out
    assert "a_broken/model_index.json: a JSON list, not an object" in outcome.out
    assert "b_deep/unet/config.json: JSON nested 10000 levels deep" in outcome.out


def test_symlink_loops_end(tmp_path: Path) -> None:
    root = tmp_path / "models"
    (root / "a" / "b").mkdir(parents=True)
    os.symlink(root, root / "a" / "b" / "up")  # a loop through the top
    os.symlink("../a", root / "a" / "self")  # a loop to its own folder
    os.symlink("loop.safetensors", root / "loop.safetensors")  # a link to itself
    write_lora(root / "a" / "b" / "x.safetensors")
    found = scan(root)
    names = sorted((Path(m.link or m.path).name, m.problem is None) for m in found)
    assert names == [("loop.safetensors", False), ("x.safetensors", True)]
    looped = next(m for m in found if m.problem)
    assert "does not exist (or loops)" in looped.problem
    outcome = run_main("models", "scan", root)
    assert_clean(outcome)
    assert "2 model(s), 1 unusable" in outcome.out


def test_a_symlink_is_recorded_and_hashed_as_its_target(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    target = write_lora(tmp_path / "store" / "real.safetensors")
    models = tmp_path / "models"
    models.mkdir()
    os.symlink(target, models / "named.safetensors")
    info = inspect(models / "named.safetensors")
    assert info.path == str(target) and info.link == str(models / "named.safetensors")
    assert info.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    listed = json.loads(run_main("models", "scan", models, "--json").out)
    assert [(m["path"], m["link"]) for m in listed] == [
        (str(target), str(models / "named.safetensors"))
    ]
    shown = run_main("models", "scan", models).out
    assert f"{target}  (link {models / 'named.safetensors'})" in shown


def test_a_model_folder_with_a_link_out_of_it_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "weights.safetensors").write_bytes(b"outside bytes")
    (outside / "vae").mkdir()
    for name, target in (
        ("unet/extra.safetensors", outside / "weights.safetensors"),
        ("vae", outside / "vae"),
    ):
        folder = write_folder(tmp_path / name.replace("/", "_"))
        os.symlink(target, folder / name)
        with pytest.raises(ModelError, match=f"{name} links out of the model folder"):
            inspect(folder)
        listed = scan(folder)
        assert len(listed) == 1 and "links out of the model folder" in listed[0].problem
        outcome = run_main("models", "scan", folder)
        assert_clean(outcome)
        assert outcome.code == 0 and "links out of the model folder" in outcome.out


def test_a_link_inside_a_model_folder_is_hashed_as_its_bytes(tmp_path: Path) -> None:
    plain = write_folder(tmp_path / "plain", files={"unet/copy.bin": b"same bytes"})
    linked = write_folder(tmp_path / "linked", files={"unet/real.bin": b"same bytes"})
    os.symlink("real.bin", linked / "unet" / "copy.bin")
    (plain / "unet" / "real.bin").write_bytes(b"same bytes")
    assert inspect(plain).sha256 == inspect(linked).sha256


def test_a_fifo_named_like_a_model_does_not_block(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    os.mkfifo(root / "pipe.safetensors")
    os.mkfifo(root / "pipe.ckpt")
    write_lora(root / "z.safetensors")
    outcome = run_main("models", "scan", root)
    assert_clean(outcome)
    assert outcome.out.count("not a regular file") == 2 and "3 model(s), 2 unusable" in outcome.out
    outcome = run_main("lora-info", root / "pipe.safetensors")
    assert_clean(outcome)
    assert outcome.code == 2 and "pipe.safetensors: not a regular file" in outcome.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_listed_and_the_scan_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    write_lora(root / "a.safetensors").chmod(0)
    write_lora(root / "b.safetensors")
    found = scan(root)
    assert [m.problem is None for m in found] == [False, True]


def test_hostile_pickle_checkpoints_are_listed_and_never_hang(tmp_path: Path) -> None:
    import pickle
    import zipfile

    import torch

    root = tmp_path / "models"
    root.mkdir()
    looped: dict[str, Any] = {}
    looped["state_dict"] = looped  # its own state_dict: unwrapping it never ended
    torch.save(looped, root / "loop.ckpt")
    (root / "empty.pt").write_bytes(b"")
    (root / "random.ckpt").write_bytes(bytes(range(256)) * 3)
    with zipfile.ZipFile(root / "zip.pt", "w") as archive:
        archive.writestr("a/data.pkl", b"garbage")
    (root / "list.pth").write_bytes(pickle.dumps([1, 2], protocol=2))
    outcome = run_main("models", "scan", root)
    assert_clean(outcome)
    assert outcome.code == 0 and "5 model(s), 5 unusable" in outcome.out
    assert "its state_dict contains itself" in outcome.out
    assert "refused pickle checkpoint" in outcome.out


@pytest.mark.parametrize(
    "cache_text",
    [
        b"[" * 5000 + b"]" * 5000,
        b"[1, 2]",
        b'{"X": {"stamp": [1]}}',
        b'{"X": {"stamp": "s", "sha256": 1, "autov1": null, "addnet": 2}}',
        b"\xff\xfe",
    ],
)
def test_a_damaged_hash_cache_is_only_a_cache(tmp_path: Path, cache_text: bytes) -> None:
    from workstation.engine.hashing import HashCache

    lora = write_lora(tmp_path / "l.safetensors")
    cache_file = tmp_path / "hashes.json"
    cache_file.write_bytes(cache_text.replace(b"X", str(lora.resolve()).encode()))
    cache = HashCache(cache_file)
    assert cache.hashes(lora).sha256 == hashlib.sha256(lora.read_bytes()).hexdigest()
    cache.save()
    assert HashCache(cache_file).hashes(lora).sha256 == cache.hashes(lora).sha256


def test_generate_with_a_hostile_lora_leaves_the_case_unchanged(
    tmp_path: Path, tiny_file: Path, peft_lora: Path
) -> None:
    from tests.engine.hostile.files import lora_header, write_safetensors
    from workstation.engine.safetensors_header import read_header

    flat_header, flat_data = lora_header()
    next(iter(flat_header.values()))["shape"] = [16]  # the 2 x 8 down weight as 1-D
    flat = write_safetensors(tmp_path / "flat.safetensors", flat_header, flat_data)
    header = read_header(peft_lora)
    raw = json.loads(peft_lora.read_bytes()[8 : header.data_offset])
    raw["__metadata__"] = {**header.metadata, "lora_adapter_metadata": '{"unet.lora_alpha": "8"}'}
    peft_bad = write_safetensors(
        tmp_path / "peft-bad.safetensors", raw, peft_lora.read_bytes()[header.data_offset :]
    )
    case = tmp_path / "case"
    assert run_main("case", "init", case, "--title", "T", "--examiner", "E").code == 0
    before = case_state(case)
    for lora, fragment in (
        (flat, "a 2-D or 4-D weight is needed"),
        (peft_bad, "lora_adapter_metadata: unet.lora_alpha: not a number"),
    ):
        outcome = run_main(
            "generate", "--model", tiny_file, "--lora", lora, "--prompt", "p", "--seed", 1,
            "--steps", 1, "--width", 64, "--height", 64, "--device", "cpu", "--case", case,
        )  # fmt: skip
        assert_clean(outcome)
        assert outcome.code == 2 and fragment in outcome.err and str(lora) in outcome.err
        assert case_state(case) == before
