"""What a record says a model or LoRA is, is the hash of the bytes loaded in that run.

The listing cache (`models scan`) is never the source: these tests rewrite weights in place with
the mtime set back (os.utime), even make the cache vouch for the old bytes, and check what the
case records.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
import torch
from PIL.PngImagePlugin import PngInfo

from workstation.cli import main
from workstation.core.case import Case
from workstation.core.errors import ModelError
from workstation.core.params import LoraSpec
from workstation.engine import loading
from workstation.engine.generate import txt2img
from workstation.engine.hashing import HashCache, compute_hashes
from workstation.engine.loading import load_model


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(source, folder / source.name))


def _rewrite_in_place(path: Path) -> None:
    """Flip the last bit of one weight: same size, and the mtime set back, as a tamperer could."""
    before = path.stat()
    time.sleep(0.02)  # past the clock tick file times are taken from
    with open(path, "r+b") as stream:
        length = int.from_bytes(stream.read(8), "little")
        header = json.loads(stream.read(length))
        start = min(
            entry["data_offsets"][0]
            for name, entry in header.items()
            if name != "__metadata__" and entry["dtype"] in ("F32", "F16", "BF16")
        )
        stream.seek(8 + length + start)  # little-endian: the lowest mantissa byte
        byte = stream.read(1)[0]
        stream.seek(8 + length + start)
        stream.write(bytes([byte ^ 1]))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _addnet(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha256(data[8 + int.from_bytes(data[:8], "little") :]).hexdigest()


def _stale_cache(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> None:
    """The cache vouches for the bytes the files hold now, whatever they later become (what a
    stat cannot see: ctime on Windows is the creation time, a rewrite in the same clock tick)."""
    stale = {str(path.resolve()): compute_hashes(path) for path in paths}
    real = HashCache.hashes
    monkeypatch.setattr(
        HashCache,
        "hashes",
        lambda self, path: stale.get(str(Path(path).resolve())) or real(self, path),
    )


def _scan(capsys: pytest.CaptureFixture, folder: Path) -> dict[str, dict]:
    assert main(["models", "scan", str(folder), "--json"]) == 0
    return {Path(m["path"]).name: m for m in json.loads(capsys.readouterr().out)}


def test_a_case_records_the_bytes_loaded_not_the_cache(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_file: Path, kohya_lora: Path
) -> None:
    monkeypatch.setenv("WORKSTATION_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "models"
    model, lora = _copy(tiny_file, folder), _copy(kohya_lora, folder)
    old = _scan(capsys, folder)  # fills the cache
    assert old[model.name]["sha256"] == _sha256(model)

    _stale_cache(monkeypatch, [model, lora])
    for path in (model, lora):
        _rewrite_in_place(path)
    assert _sha256(model) != old[model.name]["sha256"]
    assert _addnet(lora) != old[lora.name]["addnet"]
    listed = _scan(capsys, folder)  # a listing shows what its cache says
    assert listed[model.name]["sha256"] == old[model.name]["sha256"]

    case_dir = tmp_path / "case"
    Case.create(case_dir, title="Hashes", examiner="Ann").close()
    code = main(
        [
            *(
                "generate",
                "--model",
                str(model),
                "--lora",
                f"{lora}:0.5",
                "--prompt",
                "a boat",
                "--seed",
                "3",
            ),
            *("--steps", "2", "--out", str(tmp_path / "out.png"), "--case", str(case_dir)),
            *("--device", "cpu"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    with Case.open(case_dir) as case:
        (stored,) = case.records("generation")
    record = stored.payload
    assert record["model"]["sha256"] == record["params"]["model_sha256"] == _sha256(model)
    assert record["model"]["autov2"] == _sha256(model)[:10]
    (used,) = record["loras"]
    assert used["sha256"] == record["params"]["loras"][0]["sha256"] == _sha256(lora)
    assert used["addnet"] == _addnet(lora)

    # Without the stand-in, the cache's own key (it has the ctime) notices the rewrite too.
    monkeypatch.undo()
    monkeypatch.setenv("WORKSTATION_CACHE_DIR", str(tmp_path / "cache"))
    listed = _scan(capsys, folder)
    assert listed[model.name]["sha256"] == _sha256(model)
    assert listed[lora.name]["addnet"] == _addnet(lora)


def test_a_model_changed_while_it_loads_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_file: Path
) -> None:
    model = _copy(tiny_file, tmp_path)
    real = loading._load_single_file

    def tampered(path, arch, torch_dtype):
        pipe = real(path, arch, torch_dtype)
        _rewrite_in_place(path)  # after it was hashed, before the load is confirmed
        return pipe

    monkeypatch.setattr(loading, "_load_single_file", tampered)
    with pytest.raises(ModelError, match="changed on disk while it was being loaded"):
        load_model(model, device="cpu")


def test_a_lora_changed_while_it_loads_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_file: Path, kohya_lora: Path, params
) -> None:
    from workstation.engine import lora as lora_module

    model = load_model(tiny_file, device="cpu")  # its own: a refused LoRA must leave no trace
    lora = _copy(kohya_lora, tmp_path)
    real = lora_module._read_tensors
    before = {k: v.clone() for k, v in model.pipe.unet.state_dict().items()}

    def tampered(path):
        tensors = real(path)
        _rewrite_in_place(Path(path))
        return tensors

    monkeypatch.setattr(lora_module, "_read_tensors", tampered)
    with pytest.raises(ModelError, match="changed on disk while it was being loaded"):
        txt2img(model, params.replace(steps=2, loras=(LoraSpec(str(lora)),)))
    assert model.loras == {}
    after = model.pipe.unet.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # nothing merged
    monkeypatch.undo()
    result = txt2img(model, params.replace(steps=2, loras=(LoraSpec(str(lora)),)))
    assert result.record["loras"][0]["sha256"] == _sha256(lora)


def test_files_changed_under_a_loaded_model(
    tmp_path: Path, tiny_file: Path, kohya_lora: Path, params
) -> None:
    path, lora = _copy(tiny_file, tmp_path), _copy(kohya_lora, tmp_path)
    model = load_model(path, device="cpu")
    request = params.replace(model=str(path), steps=2, loras=(LoraSpec(str(lora)),))
    first = txt2img(model, request)
    assert first.record["loras"][0]["sha256"] == _sha256(lora)

    # A LoRA changed between two generations is hashed and loaded again.
    _rewrite_in_place(lora)
    second = txt2img(model, request)
    assert second.record["loras"][0]["sha256"] == _sha256(lora) != first.params.loras[0].sha256

    # Touched, not changed: re-hashed once, same SHA-256, accepted.
    os.utime(path)
    assert model.changed_on_disk()
    assert txt2img(model, request).record["model"]["sha256"] == _sha256(path)
    assert not model.changed_on_disk()

    # Changed: the weights held are no longer the file's; load it again.
    _rewrite_in_place(path)
    assert model.changed_on_disk()
    with pytest.raises(ModelError, match="changed on disk after it was loaded"):
        txt2img(model, request)
    again = txt2img(load_model(path, device="cpu"), request)
    assert again.record["model"]["sha256"] == _sha256(path) != first.record["model"]["sha256"]


def test_reproduction_refuses_a_file_found_by_a_hash_it_no_longer_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_file: Path, tiny_model, params
) -> None:
    from workstation.analysis.reproduce import plan_reproduction, regenerate
    from workstation.engine.pngmeta import a1111_parameters

    monkeypatch.setenv("WORKSTATION_CACHE_DIR", str(tmp_path / "cache"))
    made = txt2img(tiny_model, params.replace(steps=2))
    disputed = tmp_path / "disputed.png"  # as A1111 writes it: found by AutoV2 only
    info = PngInfo()
    info.add_text("parameters", a1111_parameters(made.record))
    made.image.save(disputed, pnginfo=info)
    folder = tmp_path / "models"
    model = Path(shutil.copyfile(tiny_file, (folder.mkdir() or folder) / "renamed.safetensors"))

    _stale_cache(monkeypatch, [model])
    _rewrite_in_place(model)
    plan = plan_reproduction(disputed, folder)
    assert plan.matches[0].matched_by == "AutoV2"  # the cache's word
    with pytest.raises(ModelError, match="no longer has the AutoV2"):
        regenerate(plan, tmp_path / "again.png")
