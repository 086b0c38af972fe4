"""ComfyUI's prompt weighting and CLIP chunking (CLIPTextEncode on SD1.x/SD2.x/SDXL).

Written from the behaviour of ComfyUI's `comfy/sd1_clip.py` (v0.3.64) and checked against it
(tests/engine/prompts/data/):

- `(x)` multiplies by 1.1 (`((x))` 1.21); `(x:1.2)` sets the weight to 1.2, replacing what the
  brackets around it gave (`((x:1.5))` is 1.5); `\\(` `\\)` are literal; `[x]` is plain text;
- each weighted run of text is tokenized as one group; a group that does not fit in the current
  77-token chunk moves whole to the next chunk (the chunk is closed with end + padding), unless it
  has 8 or more tokens, then it is split;
- `embedding:name` (at the start or after a space or newline) inserts an embedding's vectors; a
  missing one is dropped with a warning (ComfyUI: "embedding:name does not exist, ignoring");
- weights are applied after the text encoder against an encoded empty prompt:
  z = (z − z_empty) × w + z_empty, only where w ≠ 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_LENGTH = 77
MAX_WORD_LENGTH = 8
EMBEDDING_PREFIX = "embedding:"
_EMBEDDING_SPLIT = re.compile(" embedding:|\nembedding:")


def _split_parentheses(text: str) -> list[str]:
    """Top-level pieces: text between brackets, and bracketed groups with their brackets."""
    pieces: list[str] = []
    current = ""
    depth = 0
    for char in text:
        if char == "(":
            if depth == 0:
                if current:
                    pieces.append(current)
                current = "("
            else:
                current += char
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                pieces.append(current + ")")
                current = ""
            else:
                current += char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def token_weights(text: str, weight: float = 1.0) -> list[tuple[str, float]]:
    """ComfyUI's weighted runs: a bracketed group multiplies by 1.1, or takes the number after its
    last colon when that parses as a float (then the group's own weight is that number)."""
    runs: list[tuple[str, float]] = []
    for piece in _split_parentheses(text):
        if len(piece) >= 2 and piece[0] == "(" and piece[-1] == ")":
            inner = piece[1:-1]
            inner_weight = weight * 1.1
            colon = inner.rfind(":")
            if colon > 0:
                try:
                    inner_weight = float(inner[colon + 1 :])
                    inner = inner[:colon]
                except ValueError:
                    pass
            runs += token_weights(inner, inner_weight)
        else:
            runs.append((piece, weight))
    return runs


def weighted_runs(text: str) -> list[tuple[str, float]]:
    """The prompt's runs with ComfyUI's escapes: `\\(` and `\\)` are literal brackets."""
    escaped = text.replace("\\)", "\0\1").replace("\\(", "\0\2")
    return [
        (run.replace("\0\1", ")").replace("\0\2", "("), weight)
        for run, weight in token_weights(escaped)
    ]


@dataclass
class ComfyChunk:
    """77 entries: a token id, or ("embedding", name, row) for one embedding vector; and weights."""

    entries: list[Any]
    weights: list[float]


@dataclass
class ComfyTokens:
    chunks: list[ComfyChunk]
    tokens: int
    embeddings_used: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def tokenize_with_weights(
    text: str,
    tokenizer: Any,
    *,
    pad_token: int,
    embedding_rows: Callable[[str], int | None] | None = None,
) -> ComfyTokens:
    """ComfyUI's SDTokenizer.tokenize_with_weights for one CLIP tokenizer.

    `embedding_rows(name)` gives the number of vectors of an embedding usable by this encoder, or
    None when there is no such embedding (then ComfyUI drops the name); without the function (no
    embeddings folder) `embedding:name` is text, as in ComfyUI without an embedding directory."""
    start, end = tokenizer.bos_token_id, tokenizer.eos_token_id
    groups: list[list[tuple[Any, float]]] = []
    used: list[str] = []
    missing: list[str] = []
    for run, weight in weighted_runs(text):
        words = _EMBEDDING_SPLIT.split(run)
        pieces = [words[0], *(EMBEDDING_PREFIX + word for word in words[1:])]
        for piece in (p for p in pieces if p != ""):
            if piece.startswith(EMBEDDING_PREFIX) and embedding_rows is not None:
                name_and_rest = piece[len(EMBEDDING_PREFIX) :].strip("\n")
                name, leftover, rows = _find_embedding(name_and_rest, embedding_rows)
                if rows is None:
                    missing.append(name)
                else:
                    used.append(name)
                    groups.append([(("embedding", name, row), weight) for row in range(rows)])
                if leftover == "":
                    continue
                piece = leftover
            ids = tokenizer(piece)["input_ids"][1:-1]
            groups.append([(token, weight) for token in ids])

    chunks: list[ComfyChunk] = []
    chunk: list[tuple[Any, float]] = [(start, 1.0)]
    for group in groups:
        is_large = len(group) >= MAX_WORD_LENGTH
        while group:
            if len(group) + len(chunk) > MAX_LENGTH - 1:
                room = MAX_LENGTH - len(chunk) - 1
                if is_large:
                    chunk += group[:room]
                    chunk.append((end, 1.0))
                    group = group[room:]
                else:
                    chunk.append((end, 1.0))
                    chunk += [(pad_token, 1.0)] * room
                chunks.append(_chunk(chunk))
                chunk = [(start, 1.0)]
            else:
                chunk += group
                group = []
    chunk.append((end, 1.0))
    chunk += [(pad_token, 1.0)] * (MAX_LENGTH - len(chunk))
    chunks.append(_chunk(chunk))
    count = sum(len(group) for group in groups)
    return ComfyTokens(chunks, count, used, missing)


def _chunk(pairs: list[tuple[Any, float]]) -> ComfyChunk:
    return ComfyChunk([entry for entry, _ in pairs], [weight for _, weight in pairs])


def _find_embedding(
    name_and_rest: str, embedding_rows: Callable[[str], int | None]
) -> tuple[str, str, int | None]:
    """(name, leftover text, rows or None) as ComfyUI's _try_get_embedding: the name is the first
    word; when it is not found, commas around it are stripped and it is tried once more."""
    words = name_and_rest.split()
    name = words[0] if words else ""
    leftover = " ".join(words[1:])
    rows = embedding_rows(name)
    if rows is None:
        stripped = name.strip(",")
        if len(stripped) < len(name):
            return stripped, f"{name[len(stripped) :]} {leftover}", embedding_rows(stripped)
    return name, leftover, rows


def gen_empty_tokens(start: int, end: int, pad_token: int, length: int = MAX_LENGTH) -> list[int]:
    return [start, end] + [pad_token] * (length - 2)


def apply_weights(z: Any, z_empty: Any, weights: list[float]) -> Any:
    """z [77, dim] of one chunk moved from the empty prompt's encoding by each token's weight."""
    z = z.clone()
    for position, weight in enumerate(weights):
        if weight != 1.0:
            z[position] = (z[position] - z_empty[position]) * weight + z_empty[position]
    return z
