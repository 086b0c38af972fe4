"""Writing a pair comparison out: its pictures and JSON to a folder, and all of it into a case.

The CLI (`workstation compare --out-dir/--case`) and the GUI keep comparisons through these two
functions, so a comparison record looks the same whoever made it: a `Comparison` (the
PairReport) linking the two images (role "input", labels "image_a" and "image_b") and its
pictures (role "figure", labelled by each picture's name in the metric registry:
"difference_map", "registered_difference_map", "keypoint_matches", …).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from workstation.analysis.pair import PairReport
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.core.records import Comparison, Link


def write_outputs(report: PairReport, folder: Path) -> dict[str, Path]:
    """Save the metrics' pictures (as NAME.png) and pair_report.json; label -> path, where the
    label is the picture's name in words ("difference map")."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, picture in report.pictures.items():
        Image.fromarray(picture).save(folder / f"{name}.png")
        written[name.replace("_", " ")] = folder / f"{name}.png"
    (folder / "pair_report.json").write_text(report.to_json() + "\n", encoding="utf-8")
    written["report"] = folder / "pair_report.json"
    return written


def store_in_case(
    case: Case,
    report: PairReport,
    written: dict[str, Path],
    path_a: Path | None = None,
    path_b: Path | None = None,
) -> int:
    """Inputs (unless already in the case), pictures and the report record: one transaction.

    An input whose bytes the case does not hold yet is imported from `path_a`/`path_b`; without
    a path it must already be an artifact.
    """
    with case.transaction():
        links = []
        for label, path, image in (
            ("image_a", path_a, report.image_a),
            ("image_b", path_b, report.image_b),
        ):
            artifact = case.find_artifact(image["sha256"])
            if artifact is None:
                if path is None:
                    raise InputError(f"image {label[-1].upper()} is not in the case")
                artifact = case.import_file(
                    path, role="other", note=f"compared as {label[-1].upper()}"
                )
                if artifact.sha256 != image["sha256"]:
                    raise InputError(f"{path} changed on disk during the comparison; run it again")
            links.append(Link("input", label, artifact_id=artifact.id))
        pair = f"A {report.image_a['sha256'][:12]} vs B {report.image_b['sha256'][:12]}"
        for label, path in written.items():
            if label != "report":
                artifact = case.import_file(path, role="other", note=f"{label}: {pair}")
                links.append(Link("figure", figure_label(label), artifact_id=artifact.id))
        return case.add_record(Comparison(report=report.to_dict()), links)


def figure_label(label: str) -> str:
    """The link label of a picture `write_outputs` names, e.g. "difference_map"."""
    return label.replace(" ", "_")
