"""The engine's commands as a user runs them: generate (into a case), scan, lora-info, dev."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import save_file

from workstation.cli import main
from workstation.core.case import Case
from workstation.core.params import GenerationParams
from workstation.engine.pngmeta import read_record
from workstation.engine.stored import kept_steps, linked_id


def run(capsys: pytest.CaptureFixture, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    Case.create(tmp_path / "case", title="Engine", examiner="Ann").close()
    return tmp_path / "case"


def test_generate_into_a_case_with_every_step(
    capsys, tmp_path: Path, case_dir: Path, tiny_file: Path, kohya_lora: Path, peft_lora: Path
) -> None:
    out, steps = tmp_path / "out.png", tmp_path / "steps"
    code, stdout, stderr = run(
        capsys,
        "generate",
        "--model",
        tiny_file,
        "--prompt",
        "a red boat, 港口",
        "--negative",
        "fog",
        "--seed",
        5,
        "--steps",
        4,
        "--cfg",
        6.5,
        "--sampler",
        "DPM++ 2M Karras",
        "--lora",
        f"{kohya_lora}:0.6",
        "--lora",
        peft_lora,
        "--out",
        out,
        "--steps-dir",
        steps,
        "--case",
        case_dir,
        "--device",
        "cpu",
    )
    assert code == 0, stderr
    assert "generation record #1" in stdout

    # The PNG carries A1111's parameters and our record.
    with Image.open(out) as image:
        parameters = image.text["parameters"]
        assert image.size == (64, 64)  # the tiny model's native size
    prompt, negative, fields = parameters.split("\n")
    assert prompt == "a red boat, 港口 <lora:kohya:0.6> <lora:peft:1>"
    assert negative == "Negative prompt: fog"
    assert fields.startswith("Steps: 4, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 5, ")
    record = read_record(out)
    assert f"Model hash: {record['model']['autov2']}, Model: tiny" in fields
    assert f'Lora hashes: "kohya: {record["loras"][0]["addnet"][:12]}, peft: ' in fields

    # Every step is on disk: a preview and a full decode each.
    assert sorted(p.name for p in steps.iterdir()) == [
        *(f"preview_{i:03d}.png" for i in range(1, 5)),
        *(f"step_{i:03d}.png" for i in range(1, 5)),
    ]

    # The case holds output, steps and the record; the record points at them.
    with Case.open(case_dir) as case:
        artifacts = case.artifacts()
        (stored,) = case.records("generation")
    assert len(artifacts) == 9 and {a.role for a in artifacts} == {"generated"}
    payload = stored.payload
    assert payload["params"] == record["params"]
    assert "artifacts" not in payload  # its links say what it stored
    assert [(k.label, k.artifact_id) for k in stored.linked("output")] == [
        ("output", artifacts[0].id)
    ]
    steps = kept_steps(stored)
    assert [s.step for s in steps if s.kind == "decoded"] == [1, 2, 3, 4]
    assert [s.step for s in steps if s.kind == "preview"] == [1, 2, 3, 4]
    assert {s.artifact_id for s in steps} == {a.id for a in artifacts[1:]}

    # The record's params re-run to the same pixels.
    again = tmp_path / "again.png"
    params = GenerationParams.from_dict(record["params"])
    code, _, stderr = run(
        capsys,
        "generate",
        "--model",
        params.model,
        "--prompt",
        params.prompt,
        "--negative",
        params.negative,
        "--seed",
        params.seed,
        "--steps",
        params.steps,
        "--cfg",
        params.cfg,
        "--sampler",
        params.sampler,
        "--lora",
        f"{kohya_lora}:0.6",
        "--lora",
        peft_lora,
        "--out",
        again,
    )
    assert code == 0, stderr
    assert read_record(again)["image"]["rgb_sha256"] == record["image"]["rgb_sha256"]


def test_img2img_stores_the_init_image(
    capsys, tmp_path: Path, case_dir: Path, tiny_file: Path
) -> None:
    init = tmp_path / "init.png"
    Image.new("RGB", (64, 64), (10, 200, 90)).save(init)
    code, stdout, stderr = run(
        capsys,
        "generate",
        "--model",
        tiny_file,
        "--prompt",
        "p",
        "--seed",
        1,
        "--steps",
        4,
        "--init",
        init,
        "--out",
        tmp_path / "o.png",
        "--case",
        case_dir,
        "--json",
    )
    assert code == 0, stderr
    record = json.loads(stdout[stdout.index("{") :])
    assert record["mode"] == "img2img" and record["params"]["strength"] == 0.75
    assert record["steps_run"] == 3
    with Case.open(case_dir) as case:
        roles = [(a.role, a.original_name) for a in case.artifacts()]
    assert roles == [("other", "init.png"), ("generated", "o.png")]


def test_img2img_refers_to_an_init_image_already_in_the_case(
    capsys, tmp_path: Path, case_dir: Path, tiny_file: Path
) -> None:
    init = tmp_path / "evidence.png"
    Image.new("RGB", (64, 64), (200, 30, 90)).save(init)
    with Case.open(case_dir) as case:
        (evidence,) = case.import_files([init], role="disputed")
    for seed in (1, 2):
        args = ["--model", tiny_file, "--prompt", "p", "--seed", seed, "--steps", 2]
        out = tmp_path / f"o{seed}.png"
        code, _, stderr = run(
            capsys, "generate", *args, "--init", init, "--out", out, "--case", case_dir
        )
        assert code == 0, stderr
    with Case.open(case_dir) as case:
        assert [a.sha256 for a in case.artifacts()].count(evidence.sha256) == 1
        records = case.records("generation")
    assert [linked_id(r, "init_image", "input") for r in records] == [evidence.id] * 2


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory, tiny_file: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    files = {
        "truncated": folder / "truncated.safetensors",
        "unreadable_png": folder / "broken.png",
        "good_png": folder / "good.png",
        "sd15_lora": folder / "for_sd15.safetensors",
        "pickle": folder / "evil.ckpt",
    }
    files["truncated"].write_bytes(tiny_file.read_bytes()[:2000])
    files["unreadable_png"].write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    Image.new("RGB", (64, 64)).save(files["good_png"])
    stem = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
    save_file(
        {
            f"{stem}.lora_down.weight": torch.zeros(4, 768),
            f"{stem}.lora_up.weight": torch.zeros(320, 4),
        },
        files["sd15_lora"],
    )
    torch.save({"state_dict": {}, "x": Payload(folder / "ran")}, files["pickle"])
    return files


class Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


BAD = [
    (["--width", "65"], "width must be a multiple of 8, not 65"),
    (["--steps", "0"], "steps must be a whole number from 1"),
    (["--init", "{good_png}", "--strength", "1.5"], "strength must be in (0, 1], not 1.5"),
    (["--init", "{good_png}", "--strength", "0"], "strength must be in (0, 1], not 0.0"),
    (["--init", "{unreadable_png}"], "cannot read init image"),
    (["--init", "{good_png}", "--strength", "0.1"], "leaves no denoising step"),
    (["--model", "{missing}"], "no such file or folder"),
    (["--model", "{truncated}"], "truncated or corrupt safetensors header"),
    (["--model", "{pickle}"], "refused pickle checkpoint"),
    (["--lora", "{sd15_lora}:0.5"], "LoRA made for SD1.x (text context 768)"),
    (["--lora", "{missing}"], "LoRA file not found"),
    (["--sampler", "Euler b"], "unknown sampler 'Euler b'; valid samplers: Euler, Euler a"),
    (["--out", "{missing}/x.png"], "output folder does not exist"),
    (["--steps-dir", "{bad_dir}"], "steps folder is not empty"),
    (["--clip-skip", "3"], "clip skip 3 is more than the text encoder's 2 layers"),
]


@pytest.mark.parametrize(
    ("extra", "message"), BAD, ids=[m.split(" ")[0] + str(i) for i, (_, m) in enumerate(BAD)]
)
def test_bad_input_is_one_clear_error_and_leaves_the_case_untouched(
    capsys,
    tmp_path: Path,
    case_dir: Path,
    tiny_file: Path,
    bad_files: dict,
    extra: list,
    message: str,
) -> None:
    names = {
        **{k: str(v) for k, v in bad_files.items()},
        "missing": str(tmp_path / "missing"),
        "bad_dir": str(bad_files["good_png"].parent),
    }
    extra = [arg.format(**names) for arg in extra]
    args = ["--model", str(tiny_file), "--prompt", "p", "--seed", "1", "--steps", "4"]
    out = tmp_path / "out.png"
    code, stdout, stderr = run(capsys, "generate", *args, "--out", out, "--case", case_dir, *extra)
    assert code == 2
    assert stderr.startswith("error: ") and message in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()
    with Case.open(case_dir) as case:
        assert case.artifacts() == [] and case.records() == []
    assert not (bad_files["pickle"].parent / "ran").exists()


def test_not_a_case(capsys, tmp_path: Path, tiny_file: Path) -> None:
    code, _, stderr = run(
        capsys,
        "generate",
        "--model",
        tiny_file,
        "--prompt",
        "p",
        "--seed",
        1,
        "--out",
        tmp_path / "o.png",
        "--case",
        tmp_path,
    )
    assert code == 2 and "is not a case" in stderr
    assert not (tmp_path / "o.png").exists()


def test_models_scan_and_lora_info(capsys, models_dir: Path, kohya_lora: Path) -> None:
    code, stdout, _ = run(capsys, "models", "scan", models_dir, "--json")
    assert code == 0
    kinds = {Path(m["path"]).name: m["kind"] for m in json.loads(stdout)}
    assert kinds["tiny"] == kinds["tiny.safetensors"] == "SD1.x"
    assert kinds["kohya.safetensors"] == "LoRA"
    code, stdout, _ = run(capsys, "models", "scan", models_dir)
    assert code == 0 and "model(s)" in stdout and "tiny-sd" in stdout

    code, stdout, _ = run(capsys, "lora-info", kohya_lora)
    assert code == 0
    assert "sshs_model_hash: matches" in stdout
    assert "training images (incl. repeats)  120" in stdout
    assert "10_tiny" in stdout and "attn2_to_k" in stdout
    code, stdout, _ = run(capsys, "lora-info", kohya_lora, "--json")
    assert json.loads(stdout)["training"]["network dim (rank)"] == "4"


def test_dev_commands_build_loadable_models(capsys, tmp_path: Path) -> None:
    code, stdout, _ = run(
        capsys, "dev", "tiny-model", tmp_path / "m.safetensors", "--format", "single-file"
    )
    assert code == 0 and (tmp_path / "m.safetensors").is_file()
    code, _, stderr = run(
        capsys, "dev", "tiny-model", tmp_path / "m.safetensors", "--format", "single-file"
    )
    assert code == 2 and "file exists" in stderr
    code, _, _ = run(
        capsys, "dev", "tiny-lora", tmp_path / "l.safetensors", "--format", "diffusers"
    )
    assert code == 0
    code, stdout, _ = run(capsys, "models", "scan", tmp_path, "--json")
    assert sorted(m["kind"] for m in json.loads(stdout)) == ["LoRA", "SD1.x"]
