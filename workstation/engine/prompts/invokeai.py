"""InvokeAI's prompt syntax (compel): `word+` `word++` `word-`, `(words)1.3`, `(words)+`,
`("a", "b").blend(1, 0.5)`, `("a", "b").and()`.

InvokeAI encodes prompts by calling the `compel` package; this module calls it the same way
(InvokeAI's invocations/compel.py: `Compel(tokenizer, text_encoder, truncate_long_prompts=False)`,
`Compel.parse_prompt_string`, `build_conditioning_tensor_for_conjunction`; for SDXL one compel per
encoder with PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED, the shorter context padded with zeros, the
pooled vector from `get_pooled_embeddings([prompt])` of encoder 2, and all zeros for an empty
prompt). CLIP skip removes the last layers of the encoder while it runs, as InvokeAI's
`ModelPatcher.apply_clip_skip` does. The result therefore equals InvokeAI's when InvokeAI runs the
same compel version (2.5.1 here; InvokeAI requires compel >= 2.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from workstation.core.errors import InputError
from workstation.engine.prompts.embeddings import EmbeddingLibrary


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


def encode(
    text: str, encoders: list[tuple[Any, Any]], clip_skip: int | None, library: EmbeddingLibrary
) -> Any:
    import torch
    from compel import Compel, ReturnedEmbeddingsType

    from workstation.engine.prompts.encode import Conditioning

    warnings: list[str] = []
    if library.names:
        warnings.append("InvokeAI textual-inversion embeddings are not applied by this encoder")
    skip = (clip_skip or 1) - 1
    conjunction = parse(text)
    tokens = sum(
        len(encoders[0][0](fragment.text, add_special_tokens=False)["input_ids"])
        for prompt in conjunction.prompts
        for fragment in getattr(prompt, "children", [])
        if hasattr(fragment, "text")
    )

    if len(encoders) == 1:
        tokenizer, text_encoder = encoders[0]
        with _skipped_layers(text_encoder, skip), torch.no_grad():
            compel = Compel(
                tokenizer=tokenizer, text_encoder=text_encoder, truncate_long_prompts=False
            )
            context, _options = compel.build_conditioning_tensor_for_conjunction(parse(text))
        context = context.float()
        return Conditioning(
            context, None, "invokeai", tokens, context.shape[1] // 77, (), (), tuple(warnings)
        )
    if len(encoders) != 2:
        raise InputError(f"{len(encoders)} text encoders: InvokeAI encoding handles one or two")

    contexts = []
    pooled = None
    for index, (tokenizer, text_encoder) in enumerate(encoders):
        want_pooled = index == 1
        if text == "":  # InvokeAI's zero_on_empty
            config = text_encoder.config
            contexts.append(torch.zeros(1, config.max_position_embeddings, config.hidden_size))
            if want_pooled:
                pooled = torch.zeros(1, config.hidden_size)
            continue
        with _skipped_layers(text_encoder, skip), torch.no_grad():
            compel = Compel(
                tokenizer=tokenizer,
                text_encoder=text_encoder,
                truncate_long_prompts=False,
                returned_embeddings_type=ReturnedEmbeddingsType.PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED,
                requires_pooled=want_pooled,
            )
            context, _options = compel.build_conditioning_tensor_for_conjunction(parse(text))
            if want_pooled:
                pooled = compel.conditioning_provider.get_pooled_embeddings([text]).float()
        contexts.append(context.float())
    length = max(c.shape[1] for c in contexts)
    contexts = [
        torch.cat([c, torch.zeros(c.shape[0], length - c.shape[1], c.shape[2])], dim=1)
        if c.shape[1] < length
        else c
        for c in contexts
    ]
    context = torch.cat(contexts, dim=-1)
    return Conditioning(context, pooled, "invokeai", tokens, length // 77, (), (), tuple(warnings))
