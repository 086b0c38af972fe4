"""The bundled demo model follows prompts, previews its own latents, and the lab runs end to end."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np

from tests.conftest import run_cli
from workstation.core.case import Case
from workstation.core.params import GenerationParams
from workstation.engine.generate import txt2img
from workstation.engine.library import scan
from workstation.engine.loading import load_model


def run(model, prompt: str, seed: int):
    params = GenerationParams(
        model=str(model.info.path),
        prompt=prompt,
        seed=seed,
        steps=20,
        cfg=5.0,
        sampler="Euler a",
        width=64,
        height=64,
    )
    return txt2img(model, params, decode_steps=(20,))


def test_colour_words_move_the_mean_colour_their_way(demo_model: Path) -> None:
    model = load_model(demo_model, device="cpu", dtype="float32")
    # Same seeds, prompts that differ in one colour word: the shape's colour, about a sixth of the
    # image.
    for seed in (1, 2, 3):
        red = np.asarray(run(model, "a red square on a white background", seed).image, float)
        blue = np.asarray(run(model, "a blue square on a white background", seed).image, float)
        red_mean, blue_mean = red.mean(axis=(0, 1)), blue.mean(axis=(0, 1))
        assert red_mean[0] - blue_mean[0] > 8, (red_mean, blue_mean)
        assert blue_mean[2] - red_mean[2] > 8, (red_mean, blue_mean)


def test_step_previews_use_the_models_own_latent_colours(demo_model: Path, tmp_path: Path) -> None:
    """With latent_rgb.json the last step's preview is closer to the decoded image than with
    Stable Diffusion's fixed map (the same folder without the file)."""
    without = tmp_path / "without"
    shutil.copytree(demo_model, without, ignore=shutil.ignore_patterns("latent_rgb.json"))

    def preview_error(folder: Path) -> float:
        model = load_model(folder, device="cpu", dtype="float32")
        last = run(model, "a yellow square on a purple background", 3).steps[-1]
        decoded = np.asarray(last.image.resize(last.preview.shape[:2][::-1]), float)
        return float(np.abs(last.preview.astype(float) - decoded).mean())

    own, fixed = preview_error(demo_model), preview_error(without)
    assert own < 0.7 * fixed, (own, fixed)


def test_models_scan_names_the_demo_layout(demo_model: Path) -> None:
    [info] = [m for m in scan(demo_model.parent) if m.path == str(demo_model)]
    assert (info.kind, info.architecture, info.problem) == ("SD1.x", "demo-64", None)


def test_overfit_lab_cli_stores_a_lab_record_with_its_figures(
    tmp_path: Path, demo_model, tiny_clip
) -> None:
    case_dir = tmp_path / "case"
    Case.create(case_dir, title="lab", examiner="t").close()
    result = run_cli(
        "lab",
        "overfit",
        "--case",
        case_dir,
        "--sizes",
        "1,3",
        "--steps",
        "8",
        "--batch-size",
        "4",
        "--samples",
        "2",
        "--base",
        demo_model,
        "--clip-model",
        tiny_clip["checkpoint"],
        "--clip-arch",
        tiny_clip["arch"],
        check=True,
    )
    assert "near-copies" in result.stdout and "lab record" in result.stdout
    with Case.open(case_dir) as case:
        assert case.records("study") == []  # the lab is a kind of its own
        [record] = case.records("lab")
        points = record.payload["points"]
        assert [p["training_images"] for p in points] == [1, 3]
        assert all(0 <= p["near_copy_fraction"] <= 1 for p in points)
        # CLIP joins the measures when a local model is given, and names its weights.
        assert all(-1 <= p["mean_nearest_clip"] <= 1 for p in points)
        clip_sha = hashlib.sha256(tiny_clip["checkpoint"].read_bytes()).hexdigest()
        assert record.payload["clip_model"]["checkpoint_sha256"] == clip_sha
        assert clip_sha[:16] in record.payload["description"]
        assert "Carlini" in record.payload["description"]
        figures = {k.label: k.artifact_id for k in record.linked("figure")}
        assert [figures["grid n=1"], figures["grid n=3"]] == [p["artifact_id"] for p in points]
        assert case.artifact(figures["plot"]).media_type == "image/png"
        assert case.verify().ok


def test_the_pruned_vocabulary_spells_caption_words_as_clip_does(demo_model: Path) -> None:
    """The bundled model keeps a few hundred of CLIP's tokens: every caption word becomes the
    same CLIP tokens as with the full tokenizer, and the folder stays a few MB."""
    from transformers import CLIPTokenizer

    from workstation.engine.architectures import CONFIGS_DIR, clip_tokenizer
    from workstation.engine.demo_model import vocabulary_words

    full = clip_tokenizer(CONFIGS_DIR / "sd1" / "tokenizer")
    pruned = CLIPTokenizer.from_pretrained(demo_model / "tokenizer", local_files_only=True)
    assert len(pruned) < 1000 < len(full)
    caption = "a purple triangle on an orange background, left"
    for text in [*vocabulary_words(), caption]:
        assert pruned.tokenize(text) == full.tokenize(text)
    # A word the model never saw is spelt in the kept pieces, not as CLIP's one token.
    assert full.tokenize("lighthouse") == ["lighthouse</w>"]
    assert len(pruned.tokenize("lighthouse")) > 3
    size = sum(p.stat().st_size for p in demo_model.rglob("*") if p.is_file())
    assert size < 4_000_000, size


def test_pruning_a_full_clip_vocabulary_keeps_the_images(tmp_path: Path) -> None:
    """On a model with CLIP's whole vocabulary (the tiny test model), pruning to the caption
    words shrinks the text encoder and leaves the images of a caption-word prompt bit-identical;
    pruning again changes nothing."""
    from workstation.engine.demo_model import prune_vocabulary, vocabulary_words
    from workstation.engine.tiny import build_tiny_model

    full = build_tiny_model(tmp_path / "full", "diffusers")
    pruned = tmp_path / "pruned"
    shutil.copytree(full, pruned)
    counts = prune_vocabulary(pruned, vocabulary_words())
    assert counts["before"] == 49408 and counts["after"] < 1000
    assert prune_vocabulary(pruned, vocabulary_words()) == {
        "before": counts["after"],
        "after": counts["after"],
    }

    def image(folder: Path) -> np.ndarray:
        params = GenerationParams(
            model=str(folder),
            prompt="a white triangle on a green background, top",
            seed=4,
            steps=4,
            width=64,
            height=64,
        )
        return np.asarray(txt2img(load_model(folder, "cpu", "float32"), params).image)

    assert np.array_equal(image(full), image(pruned))
    encoder_bytes = sum(p.stat().st_size for p in (pruned / "text_encoder").iterdir())
    full_bytes = sum(p.stat().st_size for p in (full / "text_encoder").iterdir())
    assert encoder_bytes < full_bytes / 2
