"""`workstation demo`: build the bundled sample case and show what the workstation does with it."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.provenance import provenance_for_case, provenance_for_record
from workstation.app.report import ReportRequest, build_stored_report
from workstation.app.sample_case import build_sample_case, compare_sample_pair
from workstation.core.case import Case


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="build and verify the bundled sample case")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    out = args.out.absolute()
    with build_sample_case(out / "sample-case") as case:
        print(f"Sample case: {case.root}")
        for a in case.artifacts(role=None)[:4]:
            print(
                f"  #{a.id} {a.role:<9} {a.sha256[:16]}…  {a.width}x{a.height}  {a.original_name}"
            )
        print(f"Compared protected_work.png with disputed_image.png: {compare_sample_pair(case)}")
        print(add_demo_generation(case, out))
        for line in add_demo_mechanisms(case, out):
            print(line)
        made = provenance_for_case(case)  # what the studies added
        print(f"Provenance recorded for {sum(r.record_id is not None for r in made)} more image(s)")
        # The demo's own output folder: a re-run replaces its export (the case keeps each one).
        request = ReportRequest(out=out / "sample-report.pdf", force=True)
        built = build_stored_report(request, CaseWriter(case.root, case.actor))
        print(
            f"Report: {built.export} ({built.pages} pages, SHA-256 {built.sha256[:16]}…; "
            f"stored in the case as record #{built.record_id})"
        )
        report = case.verify()
        verdict = "verified OK" if report.ok else "FAILED verification"
        print(
            f"Case {verdict}: {report.objects_checked} objects, {report.entries_checked} audit "
            f"entries, chain head {report.chain_head[:16]}…"
        )
        print(f"Audit log: workstation case log {case.root}")
    return 0 if report.ok else 1


DEMO_PROMPT = "a yellow triangle on an orange background"


def add_demo_generation(case: Case, out: Path) -> str:
    """With the bundled demo model present: one txt2img into the case, every step kept (the
    trajectory exhibit)."""
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.paths import MODELS_DIR

    model_dir = MODELS_DIR / DEMO_NAME
    if not (model_dir / "model_index.json").exists():
        return f"Demo generation skipped: no bundled model at {model_dir}"
    if any(r.body and not r.body.study_key for r in case.records("generation")):  # not a study's
        return "Demo generation already in the case"
    from workstation.core.params import GenerationParams
    from workstation.engine.casefile import store_generation, write_steps
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png

    params = GenerationParams(
        model=str(model_dir), prompt=DEMO_PROMPT, seed=7, steps=20, cfg=5.0, width=64, height=64
    )
    result = txt2img(load_model(model_dir, device="cpu", dtype="float32"), params)
    output = save_png(result.image, out / "demo-generation.png", result.record)
    step_files = write_steps(result, out / "demo-generation-steps")
    with case.transaction():
        record_id = store_generation(case, result, output, step_files).record_id
        provenance_for_record(case, record_id)
    return (
        f"Generated {output.name} with the bundled demo model, all {len(result.steps)} steps "
        f"kept: generation record #{record_id}"
    )


# The two mechanisms by which a generator reproduces one specific work, shown on the sample case's
# protected work with the bundled model (64 px, so the work is seen at 64 px too).
DEMO_STRENGTHS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8)
DEMO_LORA_SCALES = (0.0, 0.25, 0.5, 0.75, 1.0)
DEMO_SEEDS = (1, 2)
DEMO_LORA_CAPTION = "a lighthouse"
# All layers, not just attention: the demo UNet has attention at its 8×8 level only.
DEMO_LORA_TRAINING = {"steps": 800, "rank": 16, "alpha": 16.0, "learning_rate": 2e-3}


def add_demo_mechanisms(case: Case, out: Path) -> list[str]:
    """img2img strength sweep from the protected work, and a LoRA trained on the protected work
    alone swept by scale; both measured against the work and stored as study records."""
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.paths import MODELS_DIR

    model_dir = MODELS_DIR / DEMO_NAME
    if not (model_dir / "model_index.json").exists():
        return [f"Mechanism studies skipped: no bundled model at {model_dir}"]
    done = {record.payload.get("study") for record in case.records("study")}
    work = next(a for a in case.artifacts() if a.original_name == "protected_work.png")
    source = case.object_path(work.sha256)
    lines = []
    if "strength" not in done:
        lines.append(_strength_sweep(case, model_dir, source))
    if "lora-scale" not in done:
        lines.append(_lora_sweep(case, model_dir, source, out))
    return lines or ["Mechanism studies already in the case"]


def _params(model_dir: Path, **changes: object) -> object:
    from workstation.core.params import GenerationParams

    return GenerationParams(
        model=str(model_dir),
        prompt=DEMO_LORA_CAPTION,
        seed=DEMO_SEEDS[0],
        steps=20,
        cfg=5.0,
        width=64,
        height=64,
        **changes,
    )


def _strength_sweep(case: Case, model_dir: Path, source: Path) -> str:
    from workstation.analysis.studies import strength

    study = strength.StrengthStudy(
        _params(model_dir, init_image=str(source), strength=0.5), DEMO_STRENGTHS, DEMO_SEEDS
    )
    outcome = strength.run(case, study)
    return (
        f"img2img strength sweep from the protected work (study record #{outcome.record_id}): "
        f"{_trend(outcome.payload, 'strength')}"
    )


def _lora_sweep(case: Case, model_dir: Path, source: Path, out: Path) -> str:
    import shutil
    import tempfile

    from workstation.analysis.studies import lora_scale
    from workstation.engine.training import LoraSettings, train_lora

    lora = out / "demo-lora-protected-work.safetensors"
    if not lora.exists():
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / "one-work"
            data.mkdir()
            shutil.copyfile(source, data / "protected_work.png")
            (data / "protected_work.txt").write_text(DEMO_LORA_CAPTION, encoding="utf-8")
            settings = LoraSettings(**DEMO_LORA_TRAINING, targets="all")
            train_lora(data, lora, model_dir, settings)
    study = lora_scale.LoraScaleStudy(
        _params(model_dir), lora, source, DEMO_LORA_SCALES, DEMO_SEEDS
    )
    outcome = lora_scale.run(case, study)
    return (
        f"LoRA trained on the protected work alone ({lora.name}), swept by scale (study "
        f"record #{outcome.record_id}): "
        f"{_trend(outcome.payload, 'scale')}"
    )


def _trend(payload: dict, parameter: str) -> str:
    """Mean SSIM to the protected work at each parameter value, and where the record went."""
    by_value: dict[float, list[float]] = {}
    for point in payload["points"]:
        by_value.setdefault(point[parameter], []).append(point["ssim"])
    values = ", ".join(
        f"{value:g} → {sum(ssims) / len(ssims):.2f}" for value, ssims in sorted(by_value.items())
    )
    return f"mean SSIM to the work by {parameter} {values}"
