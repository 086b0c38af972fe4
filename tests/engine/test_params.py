"""GenerationParams: validation of every field, and a JSON round trip."""

from __future__ import annotations

import json

import pytest

from workstation.core.errors import InputError
from workstation.core.params import GenerationParams, LoraSpec

BASE = {"model": "m.safetensors", "prompt": "p", "seed": 1}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"width": 65}, "width must be a multiple of 8"),
        ({"height": 100}, "height must be a multiple of 8"),
        ({"width": 0}, "width must be a whole number"),
        ({"steps": 0}, "steps must be a whole number from 1"),
        ({"steps": -3}, "steps must be a whole number from 1"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"seed": 1.5}, "seed must be a whole number"),
        ({"cfg": -1.0}, "CFG scale"),
        ({"cfg": float("nan")}, "CFG scale"),
        ({"init_image": "i.png", "strength": 0.0}, "strength must be in (0, 1]"),
        ({"init_image": "i.png", "strength": 1.5}, "strength must be in (0, 1]"),
        ({"init_image": "i.png"}, "strength must be in (0, 1]"),
        ({"strength": 0.5}, "strength is only used with an init image"),
        ({"device": "tpu"}, "unknown device"),
        ({"dtype": "int8"}, "unknown dtype"),
        ({"clip_skip": 0}, "clip skip"),
        ({"model": ""}, "no model"),
    ],
)
def test_bad_values_are_input_errors(changes: dict, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        GenerationParams(**{**BASE, **changes})


def test_lora_scale_must_be_finite() -> None:
    with pytest.raises(InputError, match="finite"):
        LoraSpec("x.safetensors", float("inf"))


def test_round_trip_through_json() -> None:
    params = GenerationParams(
        **BASE,
        negative="n",
        loras=(LoraSpec("a.safetensors", 0.5, "ab" * 32), LoraSpec("b.safetensors")),
        init_image="i.png",
        strength=0.6,
        clip_skip=2,
    )
    data = json.loads(json.dumps(params.to_dict()))
    assert GenerationParams.from_dict(data) == params
    assert data["loras"][0] == {"path": "a.safetensors", "scale": 0.5, "sha256": "ab" * 32}


def test_from_dict_rejects_unknown_keys() -> None:
    with pytest.raises(InputError, match="unknown generation parameter"):
        GenerationParams.from_dict({**BASE, "guidance": 3})


def test_params_are_frozen() -> None:
    params = GenerationParams(**BASE)
    with pytest.raises(AttributeError):
        params.seed = 2  # type: ignore[misc]
    assert params.replace(seed=2).seed == 2 and params.seed == 1
