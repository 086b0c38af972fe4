"""The bundled sample case: four images (a protected work, the disputed image, an independent and
an unrelated work), their provenance, and one comparison. Built by `workstation demo` and by the
window's first start (app/first_start.py)."""

from __future__ import annotations

from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.compare import CompareRequest, compare
from workstation.app.provenance import provenance_for, provenance_for_case
from workstation.core.case import Case
from workstation.paths import SAMPLES_DIR

SAMPLE_ROLES = {
    "protected_work.png": ("reference", "stand-in for the protected work"),
    "disputed_image.png": ("disputed", "the image alleged to copy it"),
    "independent_work.png": ("reference", "same subject, drawn independently"),
    "unrelated_work.png": ("reference", "a different subject"),
}


def build_sample_case(root: Path) -> Case:
    """Create the sample case at `root` (or open it if an earlier run made it)."""
    if (root / "case.sqlite").exists():
        case = Case.open(root)
        provenance_for_case(case)  # a case an earlier version built has none
        return case
    case = Case.create(
        root,
        title="Sample case: lighthouse illustration",
        examiner="Demo Examiner",
        organisation="AIGC Evidence Workstation",
    )
    with case.transaction():  # as `case import` does: the images, then their provenance records
        imported = [
            case.import_file(SAMPLES_DIR / name, role=role, note=note)
            for name, (role, note) in SAMPLE_ROLES.items()
        ]
        provenance_for(case, imported)
    return case


def compare_sample_pair(case: Case) -> str:
    """Compare the protected work with the disputed image once (as `workstation compare --case`
    does); the comparison goes in the case."""
    if case.records("comparison"):
        return "comparison already in the case"
    by_name = {a.original_name: a for a in case.artifacts()}
    work, disputed = by_name["protected_work.png"], by_name["disputed_image.png"]
    request = CompareRequest(
        image_a=case.object_path(work.sha256), image_b=case.object_path(disputed.sha256)
    )
    compared = compare(request, writer=CaseWriter(case.root, case.actor))
    report, record_id = compared.report, compared.record_id
    shown = ("phash", "ssim", "keypoint_inliers", "registered_ssim")
    summary = ", ".join(f"{r.metric} {r.band}" for r in report.bands if r.metric in shown)
    return f"comparison record #{record_id} ({summary})"
