"""Reference data made by reference/make_vectors.py from A1111's and ComfyUI's own code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def parse_data() -> dict:
    return json.loads((DATA / "parse.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def chunk_data() -> dict:
    return json.loads((DATA / "chunks.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def encodings() -> dict:
    from safetensors.torch import load_file

    return load_file(DATA / "encodings.safetensors")


@pytest.fixture(scope="session")
def encode_prompts() -> dict:
    return json.loads((DATA / "encode_prompts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sd1():
    from tests.engine.prompts.tiny_encoders import sd1_encoders

    return sd1_encoders()


@pytest.fixture(scope="session")
def sdxl():
    from tests.engine.prompts.tiny_encoders import sdxl_encoders

    return sdxl_encoders()


@pytest.fixture(scope="session")
def library():
    from workstation.engine.prompts import EmbeddingLibrary

    return EmbeddingLibrary(DATA / "embeddings")
