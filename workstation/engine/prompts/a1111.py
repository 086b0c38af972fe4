"""AUTOMATIC1111's prompt syntax and CLIP chunking (Forge shares them).

Written from the behaviour of A1111's `modules/prompt_parser.py` and `modules/sd_hijack_clip.py`
(v1.10) and checked against their output (tests/engine/prompts/data/):

- emphasis: `(x)` ×1.1, `[x]` ÷1.1, `(x:1.3)`; `\\(` `\\)` `\\[` `\\]` `\\\\` are literal; unclosed
  brackets apply to the end of the prompt; `BREAK` (capitals, a word of its own) starts a chunk;
- the prompt is cut into chunks of 75 tokens, each encoded as 77 tokens (start, 75, end) and the
  results concatenated; a chunk that is full moves the words after its last comma into the next
  chunk when that comma is among the last 20 tokens ("comma_padding_backtrack");
- emphasis is applied after the text encoder: "Original" multiplies each token's vector by its
  weight and rescales the chunk back to its original mean; "No norm" only multiplies;
- prompt editing `[a:b:0.5]`, `[a:0.5]`, `[a::0.5]` and alternation `[a|b]` change the prompt
  during sampling (`prompt_schedule`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workstation.core.errors import InputError

CHUNK_LENGTH = 75
COMMA_BACKTRACK = 20
EMPHASIS_MODES = ("Original", "No norm", "Ignore", "None")
BREAK = ("BREAK", -1.0)

_ATTENTION_TOKEN = re.compile(
    r"""
    \\[()\[\]\\]?            # an escape: \( \) \[ \] \\ , or a lone backslash
    | [(\[]                  # an opening bracket
    | :([+-]?[.\d]+)\)       # the weight that closes (text:1.3)
    | [)\]]                  # a closing bracket
    | [^\\()\[\]:]+          # plain text
    | :                      # a colon that is not a weight
    """,
    re.X,
)
_BREAK_WORD = re.compile(r"\s*\bBREAK\b\s*", re.S)
_AND_WORD = re.compile(r"\bAND\b")


def parse_attention(text: str) -> list[tuple[str, float]]:
    """The prompt as (text, weight) runs; a BREAK is the run ("BREAK", -1.0), as A1111 marks it."""
    runs: list[list[Any]] = []
    open_round: list[int] = []
    open_square: list[int] = []

    def scale_from(start: int, factor: float) -> None:
        for run in runs[start:]:
            run[1] *= factor

    for match in _ATTENTION_TOKEN.finditer(text):
        token, weight = match.group(0), match.group(1)
        if token.startswith("\\"):
            runs.append([token[1:], 1.0])
        elif token == "(":
            open_round.append(len(runs))
        elif token == "[":
            open_square.append(len(runs))
        elif weight is not None and open_round:
            try:
                factor = float(weight)
            except ValueError:
                raise InputError(f"A1111 prompt: {token!r} is not a valid weight") from None
            scale_from(open_round.pop(), factor)
        elif token == ")" and open_round:
            scale_from(open_round.pop(), 1.1)
        elif token == "]" and open_square:
            scale_from(open_square.pop(), 1 / 1.1)
        else:
            for index, part in enumerate(_BREAK_WORD.split(token)):
                if index:
                    runs.append(list(BREAK))
                runs.append([part, 1.0])
    for start in open_round:
        scale_from(start, 1.1)
    for start in open_square:
        scale_from(start, 1 / 1.1)
    if not runs:
        runs = [["", 1.0]]
    merged = [runs[0]]
    for run in runs[1:]:
        if run[1] == merged[-1][1]:
            merged[-1][0] += run[0]
        else:
            merged.append(run)
    return [(text, weight) for text, weight in merged]


# --- prompt editing and alternation ---------------------------------------------------------


@dataclass
class _Node:
    kind: str  # "text", "scheduled", "alternate"
    text: str = ""
    parts: list[list[_Node]] = field(
        default_factory=list
    )  # scheduled: [before, after]; alternate: options
    when: float = 0.0


class _ScheduleSyntax(Exception):
    pass


_NUMBER = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_PLAIN = re.compile(r"(?:[^\\\[\]():|]|\\.)+")
_SPACE = re.compile(r"\s+")


class _ScheduleParser:
    """Recursive descent over A1111's schedule grammar: a bracket that does not form emphasis,
    editing or alternation is plain text at the top level (A1111's grammar lets stray brackets
    and colons through there) and makes the enclosing construct fail inside one."""

    def __init__(self, text: str):
        self.text = text

    def parse(self) -> list[_Node]:
        nodes: list[_Node] = []
        pos = 0
        text = self.text
        while pos < len(text):
            if text[pos] in "([":
                try:
                    items, pos = self._bracket(pos)
                    nodes += items
                    continue
                except _ScheduleSyntax:
                    pass
            if text[pos] in "[]():":
                nodes.append(_Node("text", text[pos]))  # a stray bracket or colon is text here
                pos += 1
                continue
            match = _PLAIN.match(text, pos)
            if match is None:
                raise _ScheduleSyntax  # a "|" or a lone backslash at the end, outside brackets
            nodes.append(_Node("text", match.group(0)))
            pos = match.end()
        return nodes

    def _prompt(self, pos: int) -> tuple[list[_Node], int]:
        """Elements until a character that ends a prompt (`:` `|` `]` `)` or the end)."""
        nodes: list[_Node] = []
        text = self.text
        while pos < len(text):
            char = text[pos]
            if char in "([":
                node_list, pos = self._bracket(pos)
                nodes += node_list
                continue
            match = _PLAIN.match(text, pos)
            if match is None:
                break
            nodes.append(_Node("text", match.group(0)))
            pos = match.end()
        return nodes, pos

    def _bracket(self, pos: int) -> tuple[list[_Node], int]:
        text = self.text
        opener = text[pos]
        first, pos = self._prompt(pos + 1)
        if opener == "(":
            if pos < len(text) and text[pos] == ")":
                return [_Node("text", "("), *first, _Node("text", ")")], pos + 1
            if pos < len(text) and text[pos] == ":":
                second, end = self._prompt(pos + 1)
                if end < len(text) and text[end] == ")":
                    return [
                        _Node("text", "("),
                        *first,
                        _Node("text", ":"),
                        *second,
                        _Node("text", ")"),
                    ], end + 1
            raise _ScheduleSyntax
        if pos < len(text) and text[pos] == "]":
            return [_Node("text", "["), *first, _Node("text", "]")], pos + 1
        if pos < len(text) and text[pos] == "|":
            options = [first]
            while pos < len(text) and text[pos] == "|":
                option, pos = self._prompt(pos + 1)
                options.append(option)
            if pos < len(text) and text[pos] == "]":
                return [_Node("alternate", parts=options)], pos + 1
            raise _ScheduleSyntax
        if pos < len(text) and text[pos] == ":":
            when, end = self._when(pos + 1)
            if when is not None:  # [after:N]
                return [_Node("scheduled", parts=[[], first], when=when)], end
            second, pos = self._prompt(pos + 1)
            if pos < len(text) and text[pos] == ":":
                when, end = self._when(pos + 1)
                if when is not None:  # [before:after:N]
                    return [_Node("scheduled", parts=[first, second], when=when)], end
        raise _ScheduleSyntax

    def _when(self, pos: int) -> tuple[float | None, int]:
        space = _SPACE.match(self.text, pos)
        if space:
            pos = space.end()
        number = _NUMBER.match(self.text, pos)
        if number is None or not self.text.startswith("]", number.end()):
            return None, pos
        return float(number.group(0)), number.end() + 1


def _flatten(nodes: list[_Node], step: int, steps: int) -> str:
    out = []
    for node in nodes:
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "scheduled":
            before, after = node.parts
            out.append(
                _flatten(before if step <= _end_step(node.when, steps) else after, step, steps)
            )
        else:
            out.append(_flatten(node.parts[(step - 1) % len(node.parts)], step, steps))
    return "".join(out)


def _end_step(when: float, steps: int) -> int:
    return min(steps, int(when * steps if when < 1 else when))


def _walk(nodes: list[_Node]):
    for node in nodes:
        yield node
        for part in node.parts:
            yield from _walk(part)


def _parse_schedule(text: str) -> list[_Node] | None:
    try:
        return _ScheduleParser(text).parse()
    except _ScheduleSyntax:
        return None


def prompt_schedule(text: str, steps: int) -> list[tuple[int, str]]:
    """[(last step, prompt text)] as A1111's get_learned_conditioning_prompt_schedules: the text
    used up to and including each step (steps count from 1)."""
    nodes = _parse_schedule(text)
    if nodes is None:
        return [(steps, text)]
    ends = {steps}
    for node in _walk(nodes):
        if node.kind == "scheduled":
            ends.add(_end_step(node.when, steps))
        elif node.kind == "alternate":
            ends.update(range(1, steps + 1))
    return [(end, _flatten(nodes, end, steps)) for end in sorted(ends)]


def check_static(text: str) -> None:
    """Refuse what one conditioning cannot express: AND, prompt editing, alternation."""
    if _AND_WORD.search(text):
        raise InputError("A1111 prompt: 'AND' (composable diffusion) is not supported")
    nodes = _parse_schedule(text)
    for node in _walk(nodes or []):
        if node.kind == "scheduled":
            raise InputError(
                "A1111 prompt editing '[from:to:when]' changes the prompt during sampling; "
                "encode it with encode_prompt_schedule"
            )
        if node.kind == "alternate":
            raise InputError(
                "A1111 prompt alternation '[a|b]' changes the prompt at every step; "
                "encode it with encode_prompt_schedule"
            )


# --- chunking ---------------------------------------------------------------------------------


@dataclass
class Chunk:
    """77 token ids with their weights; `fixes` are (position, embedding name, rows) to put into
    the token embeddings at that position (A1111's textual inversion placement)."""

    tokens: list[int]
    weights: list[float]
    fixes: list[tuple[int, str, int]] = field(default_factory=list)


def tokenize_chunks(
    text: str,
    tokenizer: Any,
    *,
    emphasis: str = "Original",
    embeddings: dict[str, tuple[list[int], int]] | None = None,
    comma_backtrack: int = COMMA_BACKTRACK,
) -> tuple[list[Chunk], int]:
    """A1111's tokenize_line: the chunks of one prompt and its token count.

    `embeddings` maps an embedding's name to (its name's token ids, its number of vectors);
    where the token ids of a name appear in the prompt, that many placeholder tokens take their
    place (the longest name wins, as A1111's EmbeddingDatabase.find_embedding_at_position)."""
    if emphasis not in EMPHASIS_MODES:
        raise InputError(
            f"unknown A1111 emphasis {emphasis!r}; use one of {', '.join(EMPHASIS_MODES)}"
        )
    runs = parse_attention(text) if emphasis != "None" else [(text, 1.0)]
    start, end = tokenizer.bos_token_id, tokenizer.eos_token_id
    comma = tokenizer.get_vocab().get(",</w>")
    by_first_token: dict[int, list[tuple[list[int], str, int]]] = {}
    for name, (ids, rows) in (embeddings or {}).items():
        if ids:
            by_first_token.setdefault(ids[0], []).append((ids, name, rows))
    for candidates in by_first_token.values():
        candidates.sort(key=lambda item: len(item[0]), reverse=True)

    chunks: list[Chunk] = []
    tokens: list[int] = []
    weights: list[float] = []
    fixes: list[tuple[int, str, int]] = []
    count = 0
    last_comma = -1

    def close_chunk(is_last: bool = False) -> None:
        nonlocal tokens, weights, fixes, count, last_comma
        count += len(tokens) if is_last else CHUNK_LENGTH
        padding = CHUNK_LENGTH - len(tokens)
        chunks.append(
            Chunk(
                [start, *tokens, *[end] * max(padding, 0), end],
                [1.0, *weights, *[1.0] * max(padding, 0), 1.0],
                [(offset + 1, name, rows) for offset, name, rows in fixes],
            )
        )
        tokens, weights, fixes, last_comma = [], [], [], -1

    ids_per_run = tokenizer([run for run, _ in runs], truncation=False, add_special_tokens=False)[
        "input_ids"
    ]
    for ids, (run, weight) in zip(ids_per_run, runs, strict=True):
        if (run, weight) == BREAK:
            close_chunk()
            continue
        position = 0
        while position < len(ids):
            token = ids[position]
            if token == comma:
                last_comma = len(tokens)
            elif (
                comma_backtrack
                and len(tokens) == CHUNK_LENGTH
                and last_comma != -1
                and len(tokens) - last_comma <= comma_backtrack
            ):
                cut = last_comma + 1
                moved_tokens, moved_weights = tokens[cut:], weights[cut:]
                tokens, weights = tokens[:cut], weights[:cut]
                close_chunk()
                tokens, weights = moved_tokens, moved_weights
            if len(tokens) == CHUNK_LENGTH:
                close_chunk()
            found = next(
                (
                    (name_ids, name, rows)
                    for name_ids, name, rows in by_first_token.get(token, [])
                    if ids[position : position + len(name_ids)] == name_ids
                ),
                None,
            )
            if found is None:
                tokens.append(token)
                weights.append(weight)
                position += 1
                continue
            name_ids, name, rows = found
            if len(tokens) + rows > CHUNK_LENGTH:
                close_chunk()
            fixes.append((len(tokens), name, rows))
            tokens += [0] * rows
            weights += [weight] * rows
            position += len(name_ids)
    if tokens or not chunks:
        close_chunk(is_last=True)
    return chunks, count


def apply_emphasis(z: Any, weights: Any, emphasis: str) -> Any:
    """A1111's emphasis on one encoded chunk z [1, 77, dim] with weights [1, 77]."""
    if emphasis in ("Ignore", "None"):
        return z
    original_mean = z.mean()
    z = z * weights.reshape(weights.shape + (1,)).expand(z.shape)
    if emphasis == "No norm":
        return z
    return z * (original_mean / z.mean())
