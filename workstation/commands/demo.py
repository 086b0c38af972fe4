"""`workstation demo`: build the bundled sample case and show what the workstation does with it."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.core.case import Case
from workstation.paths import SAMPLES_DIR

SAMPLE_ROLES = {
    "protected_work.png": ("reference", "stand-in for the protected work"),
    "disputed_image.png": ("disputed", "the image alleged to copy it"),
    "independent_work.png": ("reference", "same subject, drawn independently"),
    "unrelated_work.png": ("reference", "a different subject"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="build and verify the bundled sample case")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    demo.set_defaults(func=cmd_demo)


def build_sample_case(root: Path) -> Case:
    """Create the sample case at `root` (or open it if an earlier run made it)."""
    if (root / "case.sqlite").exists():
        return Case.open(root)
    case = Case.create(
        root,
        title="Sample case: lighthouse illustration",
        examiner="Demo Examiner",
        organisation="AIGC Evidence Workstation",
    )
    for name, (role, note) in SAMPLE_ROLES.items():
        case.import_file(SAMPLES_DIR / name, role=role, note=note)
    return case


def compare_sample_pair(case: Case) -> str:
    """Compare the protected work with the disputed image once; the comparison goes in the case."""
    import tempfile

    from workstation.analysis.casefile import store_in_case, write_outputs
    from workstation.analysis.images import load_image
    from workstation.analysis.pair import compare_images

    if case.records("comparison"):
        return "comparison already in the case"
    by_name = {a.original_name: a for a in case.artifacts()}
    work, disputed = by_name["protected_work.png"], by_name["disputed_image.png"]
    report = compare_images(
        load_image(case.object_path(work.sha256)), load_image(case.object_path(disputed.sha256))
    )
    with tempfile.TemporaryDirectory() as scratch:
        record_id = store_in_case(case, report, write_outputs(report, Path(scratch)))
    shown = ("phash", "ssim", "keypoint_inliers", "registered_ssim")
    summary = ", ".join(f"{r.metric} {r.band}" for r in report.bands if r.metric in shown)
    return f"comparison record #{record_id} ({summary})"


def cmd_demo(args: argparse.Namespace) -> int:
    from workstation.report.build import ReportOptions, build_report

    out = args.out.absolute()
    with build_sample_case(out / "sample-case") as case:
        print(f"Sample case: {case.root}")
        for a in case.artifacts(role=None)[:4]:
            print(
                f"  #{a.id} {a.role:<9} {a.sha256[:16]}…  {a.width}x{a.height}  {a.original_name}"
            )
        print(f"Compared protected_work.png with disputed_image.png: {compare_sample_pair(case)}")
        print(add_demo_generation(case, out))
        built = build_report(case, ReportOptions(out=out / "sample-report.pdf"))
        print(f"Report: {built.path} ({built.pages} pages, SHA-256 {built.sha256[:16]}…)")
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
    if case.records("generation"):
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
    record_id = store_generation(case, result, output, step_files)
    return (
        f"Generated {output.name} with the bundled demo model, all {len(result.steps)} steps "
        f"kept: generation record #{record_id}"
    )
