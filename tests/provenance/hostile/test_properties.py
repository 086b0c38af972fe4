"""Property tests: hostile image metadata through every door that reads it.

Each generated file goes (1) to the reader API, which returns an ImageMetadata or raises a
WorkstationError, in bounded time and memory; (2) through `workstation metadata FILE [--json]`,
which succeeds or refuses in one line; (3) into a case with `workstation case import`, which
either stores it with a provenance record the reader made (not the fallback a reader crash
leaves) or refuses it in one line and leaves the case unchanged.
"""

from __future__ import annotations

import json
import time
import tracemalloc
import warnings
from pathlib import Path

import pytest
from hypothesis import given

from tests.hostile import assert_clean, case_state, run_main
from tests.provenance.hostile import strategies as hs
from workstation.analysis.provenance import ImageMetadata, read_metadata
from workstation.commands.metadata import describe
from workstation.core.case import Case
from workstation.core.errors import WorkstationError

MB = 1 << 20
MAX_SECONDS = 5.0  # one read of one file, tracemalloc on
MAX_PEAK = 256 * MB  # tracemalloc's peak for one read
READER_CRASHED = "the metadata could not be read"  # app/provenance.py's fallback for a reader bug


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-metadata") / "case"
    assert run_main("case", "init", root, "--title", "Hostile", "--examiner", "E").code == 0
    return root


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-files")


def read_bounded(path: Path) -> ImageMetadata | WorkstationError:
    """read_metadata in bounded time and memory; its result prints and serialises, and what
    the libraries it uses warn about is in its warnings, not loose on stderr."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as escaped:
            warnings.simplefilter("always")
            result: ImageMetadata | WorkstationError = read_metadata(path)
    except WorkstationError as error:
        result = error
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert not escaped, [str(warning.message) for warning in escaped]
    assert elapsed < MAX_SECONDS, f"{elapsed:.1f} s"
    assert peak < MAX_PEAK, f"peak {peak / MB:.0f} MiB"
    if isinstance(result, WorkstationError):
        assert str(path) in str(result) and "\n" not in str(result), str(result)
    else:
        json.dumps(result.to_dict(), allow_nan=False, ensure_ascii=False).encode("utf-8")
        "\n".join(describe(result)).encode("utf-8")
    return result


def through_cli(path: Path) -> None:
    for extra in ((), ("--json",)):
        start = time.perf_counter()
        outcome = run_main("metadata", path, *extra)
        assert time.perf_counter() - start < MAX_SECONDS
        assert_clean(outcome)
        if outcome.code == 0 and extra:
            json.loads(outcome.out)  # exact JSON, whatever the file held
        elif outcome.code == 0:
            assert "\x1b" not in outcome.out  # control characters are escaped in text
        else:
            assert path.name in outcome.err, outcome.err


def through_import(path: Path, case_dir: Path) -> None:
    before = case_state(case_dir)
    outcome = run_main("case", "import", case_dir, path)
    assert_clean(outcome)
    if outcome.code != 0:
        assert path.name in outcome.err, outcome.err
        assert case_state(case_dir) == before
        return
    with Case.open(case_dir, readonly=True) as case:
        record = case.records("provenance")[-1]
    warnings = record.body.signals.get("warnings", [])
    assert not any(w.startswith(READER_CRASHED) for w in warnings), warnings


def everywhere(data: bytes, name: str, scratch: Path, case_dir: Path) -> None:
    path = scratch / name
    path.write_bytes(data)
    read_bounded(path)
    through_cli(path)
    through_import(path, case_dir)


# --- the properties -----------------------------------------------------------------------------


@given(hs.png_files())
def test_png_chunk_sets(scratch: Path, case_dir: Path, data: bytes) -> None:
    everywhere(data, "chunks.png", scratch, case_dir)


@given(hs.comfy_api_graphs(), hs.comfy_workflows())
def test_comfyui_graphs(scratch: Path, case_dir: Path, graph: dict, workflow: dict) -> None:
    texts = [
        hs.png_chunk(b"tEXt", b"prompt\x00" + hs.dumps(graph).encode("utf-8", "surrogatepass")),
        hs.png_chunk(
            b"tEXt", b"workflow\x00" + hs.dumps(workflow).encode("utf-8", "surrogatepass")
        ),
    ]
    everywhere(
        hs.PNG_SIGNATURE + b"".join(hs.tiny_png() + texts) + hs.png_chunk(b"IEND", b""),
        "comfy.png",
        scratch,
        case_dir,
    )


@given(hs.comfy_workflows())
def test_comfyui_editor_workflows(scratch: Path, case_dir: Path, workflow: dict) -> None:
    body = hs.dumps(workflow).encode("utf-8", "surrogatepass")
    chunk = hs.png_chunk(b"tEXt", b"workflow\x00" + body)
    png = hs.PNG_SIGNATURE + b"".join([*hs.tiny_png(), chunk]) + hs.png_chunk(b"IEND", b"")
    everywhere(png, "workflow.png", scratch, case_dir)


@given(hs.a1111_infotexts())
def test_a1111_infotexts(scratch: Path, case_dir: Path, text: bytes) -> None:
    chunk = hs.png_chunk(b"tEXt", b"parameters\x00" + text)
    png = hs.PNG_SIGNATURE + b"".join([*hs.tiny_png(), chunk]) + hs.png_chunk(b"IEND", b"")
    everywhere(png, "a1111.png", scratch, case_dir)


@given(hs.exif_files())
def test_exif_blocks(scratch: Path, case_dir: Path, made: tuple[str, bytes]) -> None:
    suffix, data = made
    everywhere(data, f"exif{suffix}", scratch, case_dir)


@given(hs.generator_texts())
def test_invokeai_fooocus_novelai(scratch: Path, case_dir: Path, texts: dict[str, bytes]) -> None:
    chunks = [hs.png_chunk(b"tEXt", key.encode() + b"\x00" + body) for key, body in texts.items()]
    png = hs.PNG_SIGNATURE + b"".join([*hs.tiny_png(), *chunks]) + hs.png_chunk(b"IEND", b"")
    everywhere(png, "generator.png", scratch, case_dir)
