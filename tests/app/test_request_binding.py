"""Command-line options generated from request types: nested requests, omitted fields, lists in
one option, defaults from the environment."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pytest

from workstation.app.clip import CLIP_MODEL_ENV, ClipChoice
from workstation.app.recipe import Recipe
from workstation.app.requests import add_arguments, from_arguments, nested, option, reset
from workstation.core.errors import InputError
from workstation.core.params import LoraSpec


def _numbers(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise InputError(f"not numbers: {text}") from None


@dataclass(frozen=True, kw_only=True)
class Sweep:
    recipe: Recipe = nested(Recipe, omit=("seed", "init", "strength"))
    values: tuple[float, ...] = option((0.5, 1.0), parse=_numbers, repeat=False)
    clip: ClipChoice = nested(ClipChoice, required=False)


def _parse(request: type, *argv: str) -> object:
    parser = argparse.ArgumentParser()
    add_arguments(parser, request)
    return from_arguments(request, parser.parse_args(list(argv)))


def test_a_nested_request_takes_its_options_less_the_omitted(monkeypatch) -> None:
    monkeypatch.delenv(CLIP_MODEL_ENV, raising=False)
    request = _parse(Sweep, "--model", "m", "--prompt", "p", "--lora", "a.safetensors:0.5")
    assert request == Sweep(
        recipe=Recipe(model=Path("m"), prompt="p", loras=(LoraSpec("a.safetensors", 0.5),))
    )
    with pytest.raises(SystemExit):
        _parse(Sweep, "--model", "m", "--prompt", "p", "--seed", "3")  # omitted: no option


def test_a_list_in_one_option_and_its_errors(monkeypatch, capsys) -> None:
    monkeypatch.delenv(CLIP_MODEL_ENV, raising=False)
    request = _parse(Sweep, "--model", "m", "--prompt", "p", "--values", "0.1,0.2")
    assert request.values == (0.1, 0.2)
    with pytest.raises(SystemExit):
        _parse(Sweep, "--model", "m", "--prompt", "p", "--values", "x")
    assert "not numbers: x" in capsys.readouterr().err


def test_the_environment_gives_a_default_the_command_line_overrides(monkeypatch) -> None:
    monkeypatch.setenv(CLIP_MODEL_ENV, "/models/clip.safetensors")
    assert _parse(Sweep, "--model", "m", "--prompt", "p").clip.model == Path(
        "/models/clip.safetensors"
    )
    given = _parse(Sweep, "--model", "m", "--prompt", "p", "--clip-model", "/other")
    assert given.clip.model == Path("/other")


def test_required_on_the_command_line_only() -> None:
    with pytest.raises(SystemExit):
        _parse(Recipe, "--model", "m", "--prompt", "p")  # --seed is asked for
    assert _parse(Recipe, "--model", "m", "--prompt", "p", "--seed", "4").seed == 4


def test_reset_puts_fields_back_at_their_defaults() -> None:
    recipe = Recipe(model=Path("m"), prompt="p", seed=9, strength=0.3, init=Path("i.png"))
    assert reset(recipe, ("seed", "init", "strength")) == Recipe(model=Path("m"), prompt="p")
