"""Report files and the other inputs found by the hostile-input pass: a device or FIFO is never
replaced or read, a damaged pickle checkpoint or a hostile CLIP architecture file is one line."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from tests.hostile import assert_clean, case_state, run_main


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def test_a_report_is_never_written_over_a_fifo(small_case, tmp_path):
    out = _fifo(tmp_path / "report.pdf")
    before = case_state(small_case)
    for extra in ((), ("--force",)):
        outcome = run_main("report", small_case, "--out", out, *extra)
        assert outcome.code == 2 and "is not a regular file" in outcome.err, outcome.err
        assert_clean(outcome)
    assert out.is_fifo()  # still the pipe it was
    assert case_state(small_case) == before


def test_report_verify_refuses_a_fifo_without_waiting_on_it(tmp_path):
    pipe = _fifo(tmp_path / "report.pdf")
    outcome = run_main("report-verify", pipe)
    assert outcome.code == 2 and "not a regular file" in outcome.err
    assert_clean(outcome)


def test_a_fifo_sidecar_is_refused(tmp_path, small_case):
    out = tmp_path / "r.pdf"
    assert run_main("report", small_case, "--out", out).code == 0
    sidecar = out.with_name(out.name + ".sha256")
    sidecar.unlink()
    _fifo(sidecar)
    outcome = run_main("report-verify", out)
    assert outcome.code == 2 and "not a regular file" in outcome.err
    assert_clean(outcome)


@pytest.mark.parametrize(
    "payload",
    [
        b"PK\x03\x04" + b"\x00" * 40,  # a zip that is not one
        pickle.dumps({"state_dict": [1, 2, 3]}, protocol=2)[:-3],  # truncated
        b"\x80\x02" + b"}" * 64 + b".",  # opcodes that do not fit together
        os.urandom(256),
    ],
)
def test_a_damaged_pickle_checkpoint_is_one_line(tmp_path, payload):
    from workstation.core.errors import ModelError
    from workstation.engine.library import load_pickle_weights_only

    path = tmp_path / "model.ckpt"
    path.write_bytes(payload)
    with pytest.raises(ModelError) as refused:
        load_pickle_weights_only(path)
    assert str(path) in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[" * 5000 + "]" * 5000, "nested"),
        ('{"vision_cfg": 1, "text_cfg": {}}', "not an open_clip architecture"),
        ("[]", "not an open_clip architecture"),
        ("{nope", "not valid JSON"),
    ],
)
def test_a_hostile_clip_architecture_file_is_one_line(tmp_path, text, said):
    from workstation.analysis.clip import _architecture_name
    from workstation.core.errors import InputError

    path = tmp_path / "arch.json"
    path.write_text(text)
    with pytest.raises(InputError) as refused:
        _architecture_name(str(path))
    assert said in str(refused.value) and "\n" not in str(refused.value)
