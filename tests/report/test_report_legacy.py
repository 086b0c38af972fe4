"""A case written before records had links (release aff9bde, case schema 2) is reported from the
links the migration read out of its records: the same exhibits, pictures and steps as before."""

from __future__ import annotations

import tarfile
from pathlib import Path

from pypdf import PdfReader

from workstation.core.case import Case
from workstation.report import ReportOptions, build_report
from workstation.report.evidence import derived_artifacts, gather

DATA = Path(__file__).resolve().parent.parent / "core" / "data"


def _legacy_case(folder: Path) -> Path:
    with tarfile.open(DATA / "case-v2-aff9bde.tar.gz") as archive:
        archive.extractall(folder, filter="data")
    return folder / "case"


def test_a_legacy_case_is_reported_through_its_back_filled_links(tmp_path: Path) -> None:
    with Case.open(_legacy_case(tmp_path)) as case:
        evidence = gather(case)
        by_kind = {r.kind: r for r in evidence.records}
        derived = {
            kind: sorted(a.original_name for a in derived_artifacts(evidence, record))
            for kind, record in by_kind.items()
        }
        built = build_report(case, ReportOptions(out=tmp_path / "legacy.pdf"))
    # The comparison's pictures, the generation's steps (not its output) and everything the
    # study made are shown in their sections; the evidence and the generated image are exhibits.
    assert derived["comparison"] == [
        "difference_map.png",
        "keypoint_matches.png",
        "registered_difference_map.png",
    ]
    assert len(derived["generation"]) == 8 and "gen.png" not in derived["generation"]
    assert "protected_work.png" not in derived["study"] and len(derived["study"]) == 6
    assert built.exhibits == 3
    text = "\n".join(page.extract_text() for page in PdfReader(built.path).pages)
    # Each of the four steps once, as its VAE decode (the old map said which was which).
    assert all(text.count(f"Step {n} / 4") == 1 for n in range(1, 5))
    assert "The study's plot" in text
