"""Reproduce: re-run a disputed image's recorded recipe and compare the result with it.

    front end → app.reproduce.plan_for (analysis.reproduce: metadata → models found by hash)
              → app.reproduce.reproduce (engine.generate, analysis.pair) → analysis.reproduce.
                store_reproduction (both images, the pictures, the reproduction record)
              → app.provenance (each stored image's provenance record, same transaction)

A plan with a model missing is an answer, not an error: it says which hashes were looked for.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case_writer import CaseWriter
from workstation.app.clip import ClipChoice
from workstation.app.inputs import check_file, check_png_out, check_writer
from workstation.app.provenance import provenance_for_record
from workstation.app.requests import nested, option
from workstation.app.resources import ClipHolder
from workstation.core.params import DEVICES, DTYPES

if TYPE_CHECKING:
    from workstation.analysis.reproduce import Plan, Reproduction
    from workstation.engine.runtime import Runtime


@dataclass(frozen=True, kw_only=True)
class ReproduceRequest:
    image: Path = option(positional=True, metavar="IMAGE", help="the disputed image")
    models: Path = option(metavar="DIR", help="folder of models and LoRAs")
    init: Path | None = option(None, metavar="IMAGE", help="init image of an img2img run")
    out: Path | None = option(
        None, metavar="PNG", help="keep the regenerated image here (with its record)"
    )
    device: str = option("auto", choices=DEVICES)
    dtype: str = option("auto", choices=DTYPES)
    clip: ClipChoice = nested(ClipChoice, required=False)


@dataclass(frozen=True)
class Reproduced:
    result: Reproduction
    record_id: int | None  # the reproduction record, when stored
    regenerated: int | None  # its regenerated image's artifact, when stored

    @property
    def exact_match(self) -> bool:
        return self.result.exact_match


def plan_for(request: ReproduceRequest, writer: CaseWriter | None = None) -> Plan:
    """Read the image's recipe and look for its models (by hash, names as fallback). Hashes
    come from the listing cache here; the files used are hashed again as they load. An img2img
    recipe without `--init` takes its init image from the case when the recipe records the
    image's pixel hash (A1111's "Init image hash") and the case holds an image with it."""
    from workstation.analysis.reproduce import plan_reproduction

    check_file(request.image, "disputed image")
    check_png_out(request.out)
    init = request.init
    if init is None and writer is not None:
        init = _init_from_case(request.image, writer)
    return plan_reproduction(
        request.image,
        request.models,
        init_image=init,
        device=request.device,
        dtype=request.dtype,
    )


def _init_from_case(image: Path, writer: CaseWriter) -> Path | None:
    from workstation.analysis.provenance import read_metadata
    from workstation.analysis.reproduce import find_init_image, recorded_init_hash
    from workstation.core.case import Case

    md5 = recorded_init_hash(read_metadata(image))
    if md5 is None:
        return None
    with Case.open(writer.root, readonly=True) as case:
        return find_init_image(case, md5)


def reproduce(
    request: ReproduceRequest,
    plan: Plan,
    *,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    clips: ClipHolder | None = None,
) -> Reproduced:
    """Regenerate the plan (InputError when a model is missing), compare, store when given a
    case. The regenerated image is kept at `request.out` if given, else only in the case."""
    from workstation.analysis.reproduce import regenerate, store_reproduction
    from workstation.engine.stored import linked_id

    # 1. Check the case and load CLIP before the slow part.
    check_writer(writer)
    clip = (clips or ClipHolder()).get(request.clip)
    with tempfile.TemporaryDirectory(prefix="workstation-reproduce-") as scratch:
        folder = Path(scratch)
        output = request.out or folder / f"reproduction_{plan.metadata.sha256[:12]}.png"
        # 2. Regenerate (the recorded thread count on the CPU) and compare.
        result = regenerate(plan, output, clip_model=clip, runtime=runtime)
        # 3. Both images, the pictures and the record, in one transaction.
        record_id = regenerated = None
        if writer is not None:
            with writer.open() as case, case.transaction():
                record_id = store_reproduction(case, result, folder / "pictures")
                provenance_for_record(case, record_id)  # every image it links
                regenerated = linked_id(case.record(record_id), "regenerated", "output")
    return Reproduced(result, record_id, regenerated)
