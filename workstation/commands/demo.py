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


def cmd_demo(args: argparse.Namespace) -> int:
    root = args.out.absolute() / "sample-case"
    with build_sample_case(root) as case:
        print(f"Sample case: {case.root}")
        for a in case.artifacts():
            print(
                f"  #{a.id} {a.role:<9} {a.sha256[:16]}…  {a.width}x{a.height}  {a.original_name}"
            )
        report = case.verify()
        verdict = "verified OK" if report.ok else "FAILED verification"
        print(
            f"Case {verdict}: {report.objects_checked} objects, {report.entries_checked} audit "
            f"entries, chain head {report.chain_head[:16]}…"
        )
        print(f"Audit log: workstation case log {case.root}")
    return 0 if report.ok else 1
