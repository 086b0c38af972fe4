"""Hostile training folders: caption files that are FIFOs, devices, folders, huge or deeply
nested, images that are not files, and training checkpoints (`training_state.pt`) that are
refused pickles or not checkpoints at all. Each is refused in one line before a model loads."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import random
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from hypothesis import event, given
from hypothesis import strategies as st
from PIL import Image

from tests.hostile import assert_clean, run_main
from workstation.engine import training
from workstation.engine.training import MAX_CAPTION_BYTES, MAX_CAPTIONS_FILE_BYTES


@contextlib.contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """A read that blocks (a FIFO with no writer) fails the test instead of hanging it."""

    def hung(*_: object) -> None:
        raise TimeoutError(f"still reading after {seconds} s: the read blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def folder_of(tmp_path: Path, caption: str | None = "a red square") -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    Image.new("RGB", (32, 32), (200, 0, 0)).save(folder / "red.png")
    if caption is not None:
        (folder / "red.txt").write_text(caption)
    return folder


def train(folder: Path, out: Path, *extra: object) -> str:
    with at_most(30):
        outcome = run_main("train", "unet", "--images", folder, "--out", out, "--steps", 1, *extra)
    assert_clean(outcome)
    assert outcome.code == 2, outcome.err
    return outcome.err.strip()


def listing(folder: Path) -> dict[str, bytes | str]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else "other"
        for p in sorted(folder.rglob("*"))
    }


def special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")  # endless: a read to the end never ends
    else:
        path.mkdir()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
@pytest.mark.parametrize("name", ["red.txt", training.CAPTIONS_FILE, "blue.png"])
def test_a_caption_or_image_that_is_not_a_regular_file(tmp_path, kind, name):
    folder = folder_of(tmp_path)
    if name == "blue.png":
        (folder / "blue.txt").write_text("blue")
    else:
        (folder / name).unlink(missing_ok=True)
    special(folder / name, kind)
    line = train(folder, tmp_path / "out")
    assert f"{folder / name}: not a regular file" in line
    assert not (tmp_path / "out").exists()


def jsonl(folder: Path, *lines: str) -> None:
    (folder / "red.txt").unlink()
    (folder / training.CAPTIONS_FILE).write_text("\n".join(lines) + "\n")


BAD_LINES = {
    "nested deep": (
        '{"file": "red.png", "caption": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "deep",
    ),
    "caption a list": ('{"file": "red.png", "caption": ["a"]}', "caption: expected text"),
    "caption an object": ('{"file": "red.png", "caption": {"a": 1}}', "caption"),
    "no file": ('{"caption": "a"}', "file:"),
    "file a number": ('{"file": 3, "caption": "a"}', "file:"),
    "not an object": ('["red.png", "a"]', "file:"),
    "not JSON": ("{file: red.png}", "not valid JSON"),
    "NaN": ('{"file": "red.png", "caption": "a", "x": NaN}', "NaN"),
    "caption too long": (
        json.dumps({"file": "red.png", "caption": "x" * (MAX_CAPTION_BYTES + 1)}),
        "longer than",
    ),
}


@pytest.mark.parametrize("kind", BAD_LINES)
def test_a_bad_line_of_captions_jsonl_is_named(tmp_path, kind):
    line, words = BAD_LINES[kind]
    folder = folder_of(tmp_path)
    jsonl(folder, '{"file": "other.png", "caption": "fine"}', line)
    message = train(folder, tmp_path / "out")
    assert f"{folder / training.CAPTIONS_FILE}:2:" in message and words in message


def test_captions_past_their_limits_are_refused_unread(tmp_path, monkeypatch):
    folder = folder_of(tmp_path)
    with open(folder / "red.txt", "r+b") as stream:  # sparse: claims the size, holds nothing
        stream.truncate(MAX_CAPTION_BYTES + 1)
    assert f"{folder / 'red.txt'}: larger than" in train(folder, tmp_path / "out")

    (folder / "red.txt").write_text("fine")
    with open(folder / training.CAPTIONS_FILE, "wb") as stream:
        stream.truncate(MAX_CAPTIONS_FILE_BYTES + 1)
    monkeypatch.setattr(os, "read", pytest.fail)  # not a byte of it is read
    assert "captions.jsonl: larger than" in train(folder, tmp_path / "out")


def test_a_caption_that_is_not_utf8(tmp_path):
    folder = folder_of(tmp_path)
    (folder / "red.txt").write_bytes(b"\xff\xfe caption")
    assert "red.txt: a caption file must be UTF-8" in train(folder, tmp_path / "out")


def test_good_captions_are_read(tmp_path):
    folder = folder_of(tmp_path)
    jsonl(folder, json.dumps({"file": "red.png", "caption": " a red square "}))
    data = training.read_captioned_folder(folder)
    assert data.captions == ("a red square",) and len(data.file_sha256[0]) == 64


# --- training_state.pt ----------------------------------------------------------------------


class Payload:
    """Unpickled by a trusting loader, it makes a folder: the proof that pickled code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def resumable(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / training.RECORD_FILE).write_text("{}")  # an earlier run's folder
    return out


STATES = {
    "a list": ([1, 2], "holds a list"),
    "no data hash": ({"settings": {}}, "data_sha256: missing"),
    "step of the wrong type": (
        {
            "data_sha256": "x",
            "settings": {},
            "unet": {},
            "optimizer": {},
            "lr_schedule": {},
            "step": "5",
            "losses": [],
            "seconds": 1.0,
            "generator": torch.zeros(1),
        },
        "step: missing or of the wrong type",
    ),
}


@pytest.mark.parametrize("kind", STATES)
def test_a_checkpoint_that_is_not_one(tmp_path, kind):
    state, words = STATES[kind]
    out = resumable(tmp_path)
    torch.save(state, out / training.STATE_FILE)
    before = listing(out)
    message = train(folder_of(tmp_path), out)
    assert f"{out / training.STATE_FILE}: {words}" in message
    assert listing(out) == before


def test_a_refused_pickle_is_one_line_and_never_runs(tmp_path):
    out = resumable(tmp_path)
    marker = tmp_path / "pwned"
    torch.save({"unet": Payload(marker)}, out / training.STATE_FILE)  # torch's zip format
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / training.RECORD_FILE).write_text("{}")
    (raw / training.STATE_FILE).write_bytes(pickle.dumps(Payload(marker), protocol=2))  # bare
    images = folder_of(tmp_path)
    for folder in (out, raw):
        before = listing(folder)
        message = train(images, folder)
        assert str(folder / training.STATE_FILE) in message and "--no-resume" in message
        assert listing(folder) == before
    assert not marker.exists()


def damaged(seed: int) -> bytes:
    """A checkpoint in torch's older plain-pickle format with one byte changed."""
    stream = io.BytesIO()
    torch.save({"a": torch.zeros(3), "b": [1.0]}, stream, _use_new_zipfile_serialization=False)
    data, rng = bytearray(stream.getvalue()), random.Random(seed)
    data[rng.randrange(len(data))] ^= rng.randint(1, 255)
    return bytes(data)


# Seeds whose damage makes torch's weights-only unpickler fail in each of its ways (found by
# trying; each names the exception it raises): UnicodeDecodeError, AssertionError, EOFError,
# RuntimeError, IndexError, ValueError, TypeError, AttributeError, KeyError.
DAMAGE_SEEDS = [0, 12, 20, 31, 300, 893, 1008, 1184, 1655]


@pytest.mark.parametrize(
    "content", [b"", b"PK\x03\x04 broken", *(damaged(seed) for seed in DAMAGE_SEEDS)]
)
def test_a_corrupt_checkpoint(tmp_path, content):
    out = resumable(tmp_path)
    (out / training.STATE_FILE).write_bytes(content)
    before = listing(out)
    message = train(folder_of(tmp_path), out)
    assert f"{out / training.STATE_FILE}: corrupt or unreadable" in message
    assert listing(out) == before


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_checkpoint_that_is_not_a_regular_file(tmp_path, kind):
    out = resumable(tmp_path)
    special(out / training.STATE_FILE, kind)
    message = train(folder_of(tmp_path), out)
    assert f"{out / training.STATE_FILE}: not a regular file" in message


# --- settings: any parameter set is refused in one line, or reaches the model ----------------

NUMBERS = st.sampled_from(
    [
        "0",
        "-1",
        "1",
        "3",
        "0.5",
        "1e-4",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "-0",
        "12",
        "x",
        "",
        "99999999999999999999999",
        "1024",
        "1025",
        "8",
        "7",
    ]
)
UNET_OPTIONS = [
    "--steps",
    "--batch-size",
    "--lr",
    "--seed",
    "--resolution",
    "--noise-offset",
    "--checkpoint-every",
    "--threads",
]
LORA_OPTIONS = [
    "--steps",
    "--batch-size",
    "--lr",
    "--seed",
    "--resolution",
    "--noise-offset",
    "--rank",
    "--alpha",
    "--threads",
]


@given(
    kind=st.sampled_from(["unet", "lora"]),
    values=st.dictionaries(st.sampled_from(sorted({*UNET_OPTIONS, *LORA_OPTIONS})), NUMBERS),
)
def test_any_settings_are_refused_in_one_line_or_reach_the_model(tmp_path_factory, kind, values):
    """The base does not exist, so settings that pass end at loading it: the point of the test is
    that every other ending is a one-line refusal, not a crash (no model is ever loaded)."""
    tmp = tmp_path_factory.mktemp("settings")
    folder = folder_of(tmp)
    out = tmp / ("out" if kind == "unet" else "lora.safetensors")
    allowed = UNET_OPTIONS if kind == "unet" else LORA_OPTIONS
    options = [
        str(part) for key, value in values.items() if key in allowed for part in (key, value)
    ]
    with at_most(30):
        outcome = run_main(
            "train", kind, "--images", folder, "--out", out, "--base", tmp / "no-model", *options
        )
    assert_clean(outcome)
    assert outcome.code == 2
    if "no-model" in outcome.err:
        event("settings accepted")
    assert not out.exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
@pytest.mark.parametrize("name", ["lora.safetensors", "lora.json"])
def test_a_lora_output_that_is_not_a_regular_file(tmp_path, kind, name):
    """Written only after training: refused before it starts, not hung on (a FIFO) or replaced."""
    special(tmp_path / name, kind)
    with at_most(30):
        outcome = run_main(
            "train",
            "lora",
            "--images",
            folder_of(tmp_path),
            "--out",
            tmp_path / "lora.safetensors",
            "--base",
            tmp_path / "no-model",
        )
    assert_clean(outcome)
    assert f"{tmp_path / name}: exists and is not a regular file" in outcome.err


def test_images_that_would_not_fit_in_memory_are_refused_with_the_estimate(tmp_path, monkeypatch):
    from workstation.engine import loading

    data = training.read_captioned_folder(folder_of(tmp_path))
    needed = training.pixel_memory(1, 1024)
    assert needed == 3 * 1024 * 1024 * training.PIXEL_BYTES_AT_PEAK
    monkeypatch.setattr(loading, "available_memory", lambda device: needed - 1)
    with pytest.raises(
        training.InputError,
        match=r"1 images at 1024×1024 need about 30 MiB of memory to train on, 30 MiB is free",
    ):
        training.load_pixels(data, 1024)
    monkeypatch.setattr(loading, "available_memory", lambda device: needed)
    assert tuple(training.load_pixels(data, 1024).shape) == (1, 3, 1024, 1024)


def test_a_checkpoint_larger_than_free_memory_is_refused_unread(tmp_path, monkeypatch):
    from workstation.engine import library, loading

    out = resumable(tmp_path)
    with open(out / training.STATE_FILE, "wb") as stream:  # sparse: claims 64 GiB, holds nothing
        stream.truncate(64 * 1024**3)
    monkeypatch.setattr(loading, "available_memory", lambda device: 8 * 1024**3)
    monkeypatch.setattr(library, "load_pickle_weights_only", pytest.fail)
    message = train(folder_of(tmp_path), out)
    assert f"{out / training.STATE_FILE}: 64.0 GiB, more than the 8.0 GiB of memory free" in message
