"""InvokeAI's prompt syntax (compel): `word+` `word++` `word-`, `(words)1.3`, `(words)+`,
`("a", "b").blend(1, 0.5)`, `("a", "b").and()`.

InvokeAI encodes prompts by calling the `compel` package; this module calls it the same way
(InvokeAI's invocations/compel.py: `Compel(tokenizer, text_encoder, truncate_long_prompts=False)`,
`Compel.parse_prompt_string`, `build_conditioning_tensor_for_conjunction`; for SDXL one compel per
encoder with PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED, the shorter context padded with zeros, the
pooled vector from `get_pooled_embeddings([prompt])` of encoder 2, and all zeros for an empty
prompt). CLIP skip removes the last layers of the encoder while it runs, as InvokeAI's
`ModelPatcher.apply_clip_skip` does. Textual inversions are named `<name>` (InvokeAI's trigger
syntax); their vectors become new tokens, one per vector, expanded from the trigger by compel's
textual-inversion manager, as InvokeAI's `ModelPatcher.apply_ti` sets them up. The result
therefore equals InvokeAI's when InvokeAI runs the same compel version (2.5.1 here; InvokeAI
requires compel >= 2.1).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from workstation.core.errors import InputError
from workstation.engine.prompts.embeddings import Embedding, EmbeddingLibrary, UsedEmbedding

_TRIGGER = re.compile(r"<[a-zA-Z0-9., _-]+>")  # InvokeAI's extract_ti_triggers_from_prompt


def parse(text: str) -> Any:
    """compel's parse of the prompt (a Conjunction); InputError when compel cannot parse it."""
    from compel import Compel

    try:
        return Compel.parse_prompt_string(text)
    except Exception as error:  # noqa: BLE001 - compel raises pyparsing and its own errors
        raise InputError(
            f"InvokeAI prompt cannot be parsed: {str(error).splitlines()[0][:200]}"
        ) from None


def fragments(text: str) -> list[tuple[str, float]]:
    """The weighted fragments of a prompt without blends or conjunctions (for records and tests)."""
    conjunction = parse(text)
    out = []
    for prompt in conjunction.prompts:
        for fragment in getattr(prompt, "children", []):
            out.append((fragment.text, float(fragment.weight)))
    return out


@contextmanager
def _skipped_layers(text_encoder: Any, count: int) -> Iterator[None]:
    """Remove the last `count` transformer layers while encoding (InvokeAI's apply_clip_skip)."""
    import torch

    inner = getattr(text_encoder, "text_model", text_encoder)
    layers = inner.encoder.layers
    if count <= 0:
        yield
        return
    if count >= len(layers):
        raise InputError(f"CLIP skip {count + 1}: the text encoder has only {len(layers)} layers")
    inner.encoder.layers = torch.nn.ModuleList(list(layers)[: len(layers) - count])
    try:
        yield
    finally:
        inner.encoder.layers = layers


def triggers(text: str) -> list[str]:
    """The embedding names a prompt triggers with `<name>`."""
    return list(dict.fromkeys(trigger[1:-1] for trigger in _TRIGGER.findall(text)))


class _Expander:
    """compel's textual-inversion manager: a trigger token becomes the tokens of all its vectors."""

    def __init__(self) -> None:
        self.pad_tokens: dict[int, list[int]] = {}

    def expand_textual_inversion_token_ids_if_necessary(self, token_ids: list[int]) -> list[int]:
        out: list[int] = []
        for token in token_ids:
            out += [token, *self.pad_tokens.get(token, [])]
        return out


@contextmanager
def _with_embeddings(
    tokenizer: Any, text_encoder: Any, embeddings: list[tuple[str, Any]]
) -> Iterator[tuple[Any, _Expander | None]]:
    """A copy of the tokenizer with a token per embedding vector (`<name>`, `<name-!pad-1>`, ...)
    and the encoder's token embedding answering for them, while encoding."""
    import torch

    if not embeddings:
        yield tokenizer, None
        return
    tokenizer = copy.deepcopy(tokenizer)
    expander = _Expander()
    layer = text_encoder.get_input_embeddings()
    rows = []
    for name, vectors in embeddings:
        names = [f"<{name}>"] + [f"<{name}-!pad-{i}>" for i in range(1, vectors.shape[0])]
        tokenizer.add_tokens(names)
        ids = tokenizer.convert_tokens_to_ids(names)
        expander.pad_tokens[ids[0]] = ids[1:]
        rows.append(vectors)
    base = layer.num_embeddings
    extra = torch.cat(rows).to(layer.weight.dtype)

    class Extended(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(
                torch.cat([layer.weight.detach(), extra]), requires_grad=False
            )
            self.embedding_dim = layer.embedding_dim
            self.num_embeddings = base + extra.shape[0]

        def forward(self, ids: Any) -> Any:
            return torch.nn.functional.embedding(ids, self.weight)

    holder = getattr(text_encoder, "text_model", text_encoder).embeddings
    holder.token_embedding = Extended()
    try:
        yield tokenizer, expander
    finally:
        holder.token_embedding = layer


def encode(
    text: str, encoders: list[tuple[Any, Any]], clip_skip: int | None, library: EmbeddingLibrary
) -> Any:
    import torch
    from compel import Compel, ReturnedEmbeddingsType

    from workstation.engine.prompts.encode import Conditioning

    if len(encoders) not in (1, 2):
        raise InputError(f"{len(encoders)} text encoders: InvokeAI encoding handles one or two")
    warnings: list[str] = []
    skip = (clip_skip or 1) - 1
    conjunction = parse(text)
    tokens = sum(
        len(encoders[0][0](fragment.text, add_special_tokens=False)["input_ids"])
        for prompt in conjunction.prompts
        for fragment in getattr(prompt, "children", [])
        if hasattr(fragment, "text")
    )

    # 1. Textual inversions named <name>; InvokeAI leaves an unknown trigger in the text.
    keys = ("clip_l", "clip_g") if len(encoders) == 2 else ("",)
    found: list[Embedding] = []
    missing: list[str] = []
    for name in triggers(text):
        embedding = library.get(name)
        if embedding is None:
            missing.append(name)
            warnings.append(f"embedding <{name}> not found; InvokeAI keeps the trigger as text")
        elif all(
            embedding.for_encoder(
                key,
                encoder.get_input_embeddings().embedding_dim,
                single_fits_any_key=len(encoders) == 1,
            )
            is not None
            for key, (_, encoder) in zip(keys, encoders, strict=True)
        ):
            found.append(embedding)
        else:
            missing.append(name)
            warnings.append(f"embedding <{name}> does not fit this model; InvokeAI cannot load it")
    used = tuple(UsedEmbedding(e.name, e.sha256, str(e.path), e.rows) for e in found)

    # 2. One compel per encoder, as InvokeAI's prompt nodes.
    contexts = []
    pooled = None
    sdxl = len(encoders) == 2
    for index, ((tokenizer, text_encoder), key) in enumerate(zip(encoders, keys, strict=True)):
        want_pooled = sdxl and index == 1
        if sdxl and text == "":  # InvokeAI's zero_on_empty
            config = text_encoder.config
            contexts.append(torch.zeros(1, config.max_position_embeddings, config.hidden_size))
            if want_pooled:
                pooled = torch.zeros(1, config.hidden_size)
            continue
        dim = text_encoder.get_input_embeddings().embedding_dim
        vectors = [(e.name, e.for_encoder(key, dim, single_fits_any_key=not sdxl)) for e in found]
        with (
            _skipped_layers(text_encoder, skip),
            _with_embeddings(tokenizer, text_encoder, vectors) as (ti_tokenizer, expander),
            torch.no_grad(),
        ):
            options: dict[str, Any] = {}
            if sdxl:
                layer = ReturnedEmbeddingsType.PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED
                options = {"returned_embeddings_type": layer, "requires_pooled": want_pooled}
            compel = Compel(
                tokenizer=ti_tokenizer,
                text_encoder=text_encoder,
                textual_inversion_manager=expander,
                truncate_long_prompts=False,
                **options,
            )
            context, _options = compel.build_conditioning_tensor_for_conjunction(parse(text))
            if want_pooled:
                pooled = compel.conditioning_provider.get_pooled_embeddings([text]).float()
        contexts.append(context.float())

    # 3. SDXL: the shorter context padded with zeros, then side by side.
    length = max(c.shape[1] for c in contexts)
    contexts = [
        torch.cat([c, torch.zeros(c.shape[0], length - c.shape[1], c.shape[2])], dim=1)
        if c.shape[1] < length
        else c
        for c in contexts
    ]
    context = torch.cat(contexts, dim=-1)
    return Conditioning(
        context, pooled, "invokeai", tokens, length // 77, used, tuple(missing), tuple(warnings)
    )
