"""A study measures its outputs a chunk at a time (memory stays bounded at 100,000 items), with
the same numbers as measuring them all at once."""

from __future__ import annotations

import numpy as np

from workstation.analysis.clip import ClipModel
from workstation.analysis.images import load_image
from workstation.analysis.studies.metrics import measure, prepare
from workstation.analysis.studies.sweep import MEASURE_CHUNK


def test_chunked_measurement_equals_one_pass_with_clip(tiny_clip, samples):
    clip = ClipModel.load(tiny_clip["folder"])
    reference = prepare(load_image(samples / "protected_work.png"), clip)
    rng = np.random.default_rng(5)
    outputs = [rng.integers(0, 256, (40, 48, 3), dtype=np.uint8) for _ in range(37)]
    assert len(outputs) > 2 * MEASURE_CHUNK  # more than two chunks, the last one partial

    whole = measure(reference, outputs, clip)
    chunked = []
    for start in range(0, len(outputs), MEASURE_CHUNK):
        chunked += measure(reference, outputs[start : start + MEASURE_CHUNK], clip)
    assert chunked == whole  # every value, CLIP included, bit for bit
    assert len({row["clip"] for row in whole}) > 1
