"""COMPARE: every similarity metric of an image pair, with bands; optionally kept in a case.

    front end → app.compare.compare → analysis.pair.compare_images (hashes, SSIM, keypoints, CLIP)
                                    → analysis.casefile (pictures; inputs, pictures and the
                                      comparison record in one transaction)

`workstation compare A B [--out-dir] [--case]` measures and keeps in one call, and so does the
window (Analysis ▸ Pair, the Compare panel's heat map) on a case it can write: every comparison
run there is kept; Discard withdraws one by an amendment. `keep_comparison` writes the record.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case_writer import CaseWriter
from workstation.app.clip import ClipChoice
from workstation.app.inputs import check_writer
from workstation.app.provenance import provenance_for_record
from workstation.app.requests import nested, option
from workstation.app.resources import ClipHolder
from workstation.core.media import check_name
from workstation.core.params import check_text
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.pair import PairReport


@dataclass(frozen=True, kw_only=True)
class CompareRequest:
    image_a: Path = option(
        positional=True, metavar="A", help="first image (e.g. the disputed image)"
    )
    image_b: Path = option(
        positional=True, metavar="B", help="second image (e.g. the reference work)"
    )
    prompt: str | None = option(None, help="also measure CLIP text–image similarity of this text")
    clip: ClipChoice = nested(ClipChoice, required=False)
    out_dir: Path | None = option(
        None,
        metavar="DIR",
        help="write the difference map, keypoint picture and report JSON here",
    )


@dataclass(frozen=True)
class Compared:
    report: PairReport
    written: dict[str, Path]  # label -> file written to `out_dir`
    record_id: int | None  # the comparison record, when kept in a case


def compare(
    request: CompareRequest,
    *,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    clips: ClipHolder | None = None,
) -> Compared:
    """Measure; write the pictures to `out_dir`; keep everything in the case of `writer`."""
    # The analysis stack (scipy, OpenCV) loads here, not when a front end starts.
    from workstation.analysis.casefile import write_outputs
    from workstation.analysis.images import load_image
    from workstation.analysis.pair import compare_images

    runtime = runtime or Runtime()
    check_writer(writer)  # a wrong case folder fails before the measuring, not after
    for path in (request.image_a, request.image_b, request.out_dir):
        if path is not None:
            check_name(path)  # named in the report and its JSON
    if request.prompt is not None:
        check_text("prompt", request.prompt)
    a, b = load_image(request.image_a), load_image(request.image_b)
    clip_model = (clips or ClipHolder()).get(request.clip)
    report = compare_images(a, b, clip_model, request.prompt, runtime=runtime)
    runtime.check_cancelled("comparison")  # a result the window no longer wants is dropped
    written = write_outputs(report, request.out_dir) if request.out_dir else {}
    record_id = None
    if writer is not None:
        record_id = keep_comparison(
            report, writer, (request.image_a, request.image_b), written or None
        )
    return Compared(report, written, record_id)


def keep_comparison(
    report: PairReport,
    writer: CaseWriter,
    sources: tuple[Path | None, Path | None] = (None, None),
    pictures: dict[str, Path] | None = None,
) -> int:
    """Keep a comparison in the case: the images (imported from `sources` unless the case holds
    them), the pictures (written afresh unless given) and the record, one transaction."""
    from workstation.analysis.casefile import store_in_case, write_outputs

    with tempfile.TemporaryDirectory(prefix="workstation-compare-") as scratch:
        pictures = pictures or write_outputs(report, Path(scratch))
        with writer.open() as case, case.transaction():
            record_id = store_in_case(case, report, pictures, *sources)
            provenance_for_record(case, record_id)  # the images compared, the pictures
            return record_id
