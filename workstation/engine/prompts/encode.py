"""A prompt turned into text-encoder conditioning exactly as the generator that made an image did.

`encode_prompt(text, syntax=..., encoders=[(tokenizer, text_encoder), ...])` with one encoder
(SD 1.x/2.x) or two (SDXL: CLIP ViT-L, then OpenCLIP bigG with projection), taken from a loaded
diffusers pipeline. Syntaxes: "a1111" (also Forge), "comfyui", "invokeai" (compel), "plain"
(diffusers' own encoding: no weighting, 77 tokens, the rest dropped with a warning).

`clip_skip` counts as A1111 does (1 = the last layer, 2 = the one before); None is the
generator's default. What each generator makes of it:

| syntax   | one encoder (SD 1.x/2.x)            | SDXL (both encoders, no final norm) |
| -------- | ----------------------------------- | -------------------------------------- |
| a1111    | hidden[-n] + final norm (1 = last)  | always hidden[-2]; CLIP skip ignored (warning) |
| comfyui  | CLIPSetLastLayer(-n): same as a1111 | CLIPSetLastLayer(-n): hidden[-n]; None = -2 |
| invokeai | n-1 layers removed: same as a1111   | n-1 layers removed, then hidden[-2] |
| plain    | same as a1111                       | hidden[-(n+1)] (diffusers' clip_skip = n-1) |

SD 2.x: diffusers' converted encoder lacks OpenCLIP's last layer, so its last layer is what the
generators use by default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from workstation.core.errors import InputError
from workstation.engine.prompts import a1111, comfyui
from workstation.engine.prompts.embeddings import Embedding, EmbeddingLibrary, UsedEmbedding

SYNTAXES = ("a1111", "comfyui", "invokeai", "plain")
SDXL_KEYS = ("clip_l", "clip_g")


@dataclass(frozen=True)
class Conditioning:
    """What the UNet receives from the text encoders, and what the record states about it."""

    context: Any  # [1, T, dim], T a multiple of 77
    pooled: Any | None  # [1, dim] for SDXL (text_encoder_2's projection), else None
    syntax: str
    tokens: int  # the prompt's tokens as the generator counts them (without start/end/padding)
    chunks: int
    embeddings: tuple[UsedEmbedding, ...] = ()
    missing_embeddings: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CfgPair:
    """Conditional and unconditional context as the generator hands them to the UNet. When the
    lengths still differ (`same_length` False), the generator runs the two in separate UNet calls
    (A1111's default); masks are InvokeAI's attention masks over padded tokens (1 = attend)."""

    cond: Any
    uncond: Any
    same_length: bool
    cond_mask: Any | None = None
    uncond_mask: Any | None = None


# --- running a text encoder -----------------------------------------------------------------


@dataclass
class _Layer:
    """Which output of the encoder is the context: last_hidden_state, or hidden_states[-from_end]
    with or without the final layer norm."""

    from_end: int = 1
    normalize: bool = True


def _final_layer_norm(text_encoder: Any) -> Any:
    inner = getattr(text_encoder, "text_model", text_encoder)
    return inner.final_layer_norm


def _encoder_dim(text_encoder: Any) -> int:
    return text_encoder.get_input_embeddings().embedding_dim


def run_encoder(
    text_encoder: Any,
    ids: list[list[int]],
    layer: _Layer,
    inserts: list[list[tuple[int, Any]]] | None = None,
) -> tuple[Any, Any | None]:
    """Encode a batch of 77-token id lists; `inserts[b]` puts vectors [n, dim] into the token
    embeddings of row b at a position (textual inversion). Returns (z [B, 77, dim], pooled)."""
    import torch

    embedding_layer = text_encoder.get_input_embeddings()
    device = embedding_layer.weight.device

    def put_vectors(_module: Any, _args: Any, output: Any) -> Any:
        output = output.clone()
        for row, row_inserts in enumerate(inserts or []):
            for position, vectors in row_inserts:
                count = min(output.shape[1] - position, vectors.shape[0])
                output[row, position : position + count] = vectors[:count].to(output.dtype)
        return output

    last = layer.from_end == 1 and layer.normalize  # last_hidden_state: the last layer, normalized
    hook = embedding_layer.register_forward_hook(put_vectors) if inserts and any(inserts) else None
    try:
        with torch.no_grad():
            output = text_encoder(
                torch.tensor(ids, dtype=torch.long, device=device),
                output_hidden_states=not last,
            )
    finally:
        if hook is not None:
            hook.remove()
    if last:
        z = output.last_hidden_state
    else:
        z = output.hidden_states[-layer.from_end]
        if layer.normalize:
            with torch.no_grad():
                z = _final_layer_norm(text_encoder)(z)
    pooled = getattr(output, "text_embeds", None)
    if pooled is None:
        pooled = getattr(output, "pooler_output", None)
    return z.float(), (pooled.float() if pooled is not None else None)


def _layers(syntax: str, count: int, clip_skip: int | None) -> tuple[list[_Layer], list[str]]:
    warnings = []
    if clip_skip is not None and clip_skip < 1:
        raise InputError(f"CLIP skip {clip_skip}: use 1 (the last layer) or more")
    if count == 1:
        skip = clip_skip or 1
        return [_Layer(skip, True)], warnings
    if count != 2:
        raise InputError(
            f"{count} text encoders: prompt encoding handles one (SD 1.x/2.x) or two (SDXL)"
        )
    if syntax == "a1111":
        if clip_skip not in (None, 1, 2):
            warnings.append(
                f"A1111 ignores CLIP skip {clip_skip} for SDXL (it uses the penultimate layer)"
            )
        return [_Layer(2, False), _Layer(2, False)], warnings
    if syntax == "comfyui":
        skip = clip_skip or 2  # CLIPSetLastLayer(-n); without the node ComfyUI's SDXL default is -2
        return [_Layer(skip, False), _Layer(skip, False)], warnings
    skip = clip_skip or 1  # InvokeAI (skipped layers + 1) and diffusers: penultimate below the skip
    return [_Layer(skip + 1, False), _Layer(skip + 1, False)], warnings


def _encoder_keys(count: int) -> tuple[str, ...]:
    return SDXL_KEYS if count == 2 else ("",)


# --- the entry points -------------------------------------------------------------------------


def encode_prompt(
    text: str,
    *,
    syntax: str,
    encoders: list[tuple[Any, Any]],
    clip_skip: int | None = None,
    embeddings: EmbeddingLibrary | None = None,
    expected_embeddings: Iterable[str] = (),
    emphasis: str = "Original",
    negative: bool = False,
) -> Conditioning:
    """Encode one prompt as `syntax`'s generator does (see the module docstring).

    `expected_embeddings` are names the image's metadata says were used (A1111's "TI hashes");
    those without a file are reported as missing. `negative` marks the negative prompt: A1111,
    InvokeAI and diffusers give SDXL an all-zero conditioning for an empty one."""
    if syntax not in SYNTAXES:
        raise InputError(f"unknown prompt syntax {syntax!r}; use one of {', '.join(SYNTAXES)}")
    if not encoders:
        raise InputError("no text encoder to encode the prompt with")
    if emphasis != "Original" and syntax != "a1111":
        raise InputError(
            f"emphasis {emphasis!r} is an A1111 setting; {syntax} has its own weighting"
        )
    library = embeddings or EmbeddingLibrary()
    if syntax == "a1111":
        a1111.check_static(text)
        result = _encode_a1111(text, encoders, clip_skip, library, emphasis, negative)
    elif syntax == "comfyui":
        result = _encode_comfyui(text, encoders, clip_skip, library)
    elif syntax == "invokeai":
        from workstation.engine.prompts import invokeai

        result = invokeai.encode(text, encoders, clip_skip, library)
    else:
        result = _encode_plain(text, encoders, clip_skip, negative)
    missing = [name for name in expected_embeddings if library.path_of(name) is None]
    if missing:
        notes = [f"embedding {name!r} not found, used as text" for name in missing]
        result = replace(
            result,
            missing_embeddings=tuple(dict.fromkeys([*result.missing_embeddings, *missing])),
            warnings=(*result.warnings, *notes),
        )
    return result


def encode_prompt_schedule(
    text: str,
    steps: int,
    *,
    encoders: list[tuple[Any, Any]],
    clip_skip: int | None = None,
    embeddings: EmbeddingLibrary | None = None,
    emphasis: str = "Original",
    negative: bool = False,
) -> list[tuple[int, Conditioning]]:
    """A1111 prompt editing and alternation: [(last step, conditioning)] over steps 1..steps, as
    A1111's get_learned_conditioning (at step s the first entry whose last step is >= s applies)."""
    if a1111._AND_WORD.search(text):
        raise InputError("A1111 prompt: 'AND' (composable diffusion) is not supported")
    library = embeddings or EmbeddingLibrary()
    return [
        (end, _encode_a1111(step_text, encoders, clip_skip, library, emphasis, negative))
        for end, step_text in a1111.prompt_schedule(text, steps)
    ]


def _used(embedding: Embedding, rows: int) -> UsedEmbedding:
    return UsedEmbedding(embedding.name, embedding.sha256, str(embedding.path), rows)


def _zeros_for_empty_negative(encoders: list[tuple[Any, Any]], syntax: str) -> Conditioning:
    import torch

    width = sum(_encoder_dim(encoder) for _, encoder in encoders)
    pooled_dim = encoders[1][1].config.projection_dim
    return Conditioning(
        torch.zeros(1, 77, width),
        torch.zeros(1, pooled_dim),
        syntax,
        0,
        1,
        warnings=("empty SDXL negative prompt: all-zero conditioning, as the generator does",),
    )


# --- A1111 --------------------------------------------------------------------------------------


def _encode_a1111(
    text: str,
    encoders: list[tuple[Any, Any]],
    clip_skip: int | None,
    library: EmbeddingLibrary,
    emphasis: str,
    negative: bool,
) -> Conditioning:
    import torch

    if len(encoders) == 2 and negative and text == "":
        return _zeros_for_empty_negative(encoders, "a1111")
    layers, warnings = _layers("a1111", len(encoders), clip_skip)
    keys = _encoder_keys(len(encoders))
    dims = [_encoder_dim(encoder) for _, encoder in encoders]

    # 1. Embeddings A1111 would have loaded: its shape check keeps only files with vectors for
    #    every encoder of this model; the others are "skipped" and their names stay text.
    first_tokenizer = encoders[0][0]
    lowered = text.lower()
    usable: dict[str, Embedding] = {}
    for name in library.names:
        if name.lower() not in lowered:
            continue
        embedding = library.get(name)
        single_ok = len(encoders) == 1
        if all(
            embedding.for_encoder(k, d, single_fits_any_key=single_ok) is not None
            for k, d in zip(keys, dims, strict=True)
        ):
            usable[name] = embedding
        else:
            warnings.append(
                f"embedding {name!r} does not fit this model, A1111 skips it (name used as text)"
            )
    name_ids = {
        name: (
            first_tokenizer([name], truncation=False, add_special_tokens=False)["input_ids"][0],
            emb.rows,
        )
        for name, emb in usable.items()
    }

    # 2. Chunks, the same token positions for every encoder.
    chunks, count = a1111.tokenize_chunks(
        text, first_tokenizer, emphasis=emphasis, embeddings=name_ids
    )

    # 3. Each chunk through each encoder (one chunk per call, as A1111), emphasis per encoder,
    #    chunks concatenated along the tokens, encoders along the features.
    per_encoder = []
    pooled = None
    for index, ((tokenizer, encoder), layer, key, dim) in enumerate(
        zip(encoders, layers, keys, dims, strict=True)
    ):
        pad = tokenizer.pad_token_id
        outputs = []
        for chunk_index, chunk in enumerate(chunks):
            ids = list(chunk.tokens)
            if (
                pad != tokenizer.eos_token_id
            ):  # OpenCLIP encoders: padding after the first end token
                first_end = ids.index(tokenizer.eos_token_id)
                ids[first_end + 1 :] = [pad] * (len(ids) - first_end - 1)
            inserts = [
                (
                    position,
                    usable[name].for_encoder(key, dim, single_fits_any_key=len(encoders) == 1),
                )
                for position, name, _rows in chunk.fixes
            ]
            z, chunk_pooled = run_encoder(encoder, [ids], layer, [inserts])
            if index == 1 and chunk_index == 0:
                pooled = chunk_pooled
            weights = torch.tensor([chunk.weights], dtype=z.dtype)
            outputs.append(a1111.apply_emphasis(z, weights, emphasis))
        per_encoder.append(torch.cat(outputs, dim=1))
    context = torch.cat(per_encoder, dim=-1)
    used_names = dict.fromkeys(name for chunk in chunks for _, name, _ in chunk.fixes)
    used = tuple(_used(usable[name], usable[name].rows) for name in used_names)
    return Conditioning(context, pooled, "a1111", count, len(chunks), used, (), tuple(warnings))


# --- ComfyUI ------------------------------------------------------------------------------------


def _encode_comfyui(
    text: str, encoders: list[tuple[Any, Any]], clip_skip: int | None, library: EmbeddingLibrary
) -> Conditioning:
    import torch

    layers, warnings = _layers("comfyui", len(encoders), clip_skip)
    keys = _encoder_keys(len(encoders))
    outputs = []
    pooled = None
    used: dict[str, UsedEmbedding] = {}
    missing: list[str] = []
    counts = []
    chunk_counts = []
    for index, ((tokenizer, encoder), layer, key) in enumerate(
        zip(encoders, layers, keys, strict=True)
    ):
        dim = _encoder_dim(encoder)
        pad = tokenizer.pad_token_id
        comfy_key = key or "clip_l"

        def vectors_for(name: str, comfy_key: str = comfy_key) -> Any | None:
            embedding = library.get(_strip_extension(name))
            if embedding is None:
                return None
            return embedding.vectors.get(comfy_key, next(iter(embedding.vectors.values())))

        def rows_of(name: str) -> int | None:
            vectors = vectors_for(name)
            return None if vectors is None else vectors.shape[0]

        tokens = comfyui.tokenize_with_weights(
            text, tokenizer, pad_token=pad, embedding_rows=rows_of
        )
        counts.append(tokens.tokens)
        chunk_counts.append(len(tokens.chunks))
        missing += tokens.missing
        # 1. Token ids and embedding vectors; vectors of the wrong width are dropped and the chunk
        #    is refilled with padding at its end (ComfyUI's process_tokens).
        batch_ids, batch_inserts = [], []
        for chunk in tokens.chunks:
            ids, inserts, dropped = [], [], 0
            for entry in chunk.entries:
                if isinstance(entry, int):
                    ids.append(entry)
                    continue
                _, name, row = entry
                vectors = vectors_for(name)
                if vectors.shape[-1] != dim:
                    dropped += 1
                    continue
                inserts.append((len(ids), vectors[row : row + 1]))
                ids.append(0)
                embedding = library.get(_strip_extension(name))
                used[embedding.name] = _used(embedding, embedding.rows)
            if dropped:
                warnings.append(
                    f"embedding vectors not {dim} wide ignored (encoder {index + 1}), as in ComfyUI"
                )
            ids += [pad] * dropped
            batch_ids.append(ids)
            batch_inserts.append(inserts)
        # 2. One batch: every chunk, plus the empty prompt when any weight is not 1.
        weighted = any(weight != 1.0 for chunk in tokens.chunks for weight in chunk.weights)
        if weighted:
            batch_ids.append(
                comfyui.gen_empty_tokens(tokenizer.bos_token_id, tokenizer.eos_token_id, pad)
            )
            batch_inserts.append([])
        z, chunk_pooled = run_encoder(encoder, batch_ids, layer, batch_inserts)
        if index == len(encoders) - 1 and len(encoders) == 2:
            pooled = chunk_pooled[0:1]
        sections = []
        for section, chunk in enumerate(tokens.chunks):
            section_z = z[section]
            if weighted:
                section_z = comfyui.apply_weights(section_z, z[-1], chunk.weights)
            sections.append(section_z)
        outputs.append(torch.cat(sections, dim=0).unsqueeze(0))
    cut = min(output.shape[1] for output in outputs)
    context = torch.cat([output[:, :cut] for output in outputs], dim=-1)
    warnings += [
        f"embedding:{name} not found; ComfyUI drops it from the prompt"
        for name in dict.fromkeys(missing)
    ]
    return Conditioning(
        context,
        pooled,
        "comfyui",
        counts[0],
        cut // 77,
        tuple(used.values()),
        tuple(dict.fromkeys(missing)),
        tuple(warnings),
    )


def _strip_extension(name: str) -> str:
    for extension in (".safetensors", ".pt", ".bin"):
        if name.lower().endswith(extension):
            return name[: -len(extension)]
    return name


# --- diffusers ("plain") ------------------------------------------------------------------------


def _encode_plain(
    text: str, encoders: list[tuple[Any, Any]], clip_skip: int | None, negative: bool
) -> Conditioning:
    import torch

    if len(encoders) == 2 and negative and text == "":
        return _zeros_for_empty_negative(encoders, "plain")
    layers, warnings = _layers("plain", len(encoders), clip_skip)
    outputs, pooled, count = [], None, 0
    for index, ((tokenizer, encoder), layer) in enumerate(zip(encoders, layers, strict=True)):
        full = tokenizer(text, truncation=False, add_special_tokens=False)["input_ids"]
        count = len(full)
        ids = tokenizer(text, padding="max_length", max_length=77, truncation=True)["input_ids"]
        z, encoder_pooled = run_encoder(encoder, [ids], layer)
        outputs.append(z)
        if index == 1:
            pooled = encoder_pooled
    if count > 75:
        warnings.append(
            f"{count - 75} tokens beyond the first 75 were dropped (diffusers truncates at 77)"
        )
    return Conditioning(
        torch.cat(outputs, dim=-1), pooled, "plain", count, 1, (), (), tuple(warnings)
    )


# --- SDXL size conditioning -------------------------------------------------------------------


def sdxl_size_conditioning(
    width: int,
    height: int,
    *,
    crop: tuple[int, int] = (0, 0),
    original: tuple[int, int] | None = None,
    target: tuple[int, int] | None = None,
) -> list[int]:
    """SDXL's six size numbers, UNet order: original (h, w), crop (top, left), target (h, w).

    `original` and `target` are (width, height) and default to the image size, which is what
    A1111 (crop from its settings sdxl_crop_top/left, default 0), diffusers and ComfyUI's plain
    CLIPTextEncode (the latent size × 8) use; ComfyUI's CLIPTextEncodeSDXL and InvokeAI's SDXL
    prompt node record their own values (InvokeAI's node defaults to 1024 × 1024)."""
    original_w, original_h = original or (width, height)
    target_w, target_h = target or (width, height)
    return [original_h, original_w, crop[0], crop[1], target_h, target_w]


# --- classifier-free guidance pairs -------------------------------------------------------------


PAD_MODES = ("off", "pad", "v0")


def pair_for_cfg(
    cond: Conditioning,
    uncond: Conditioning,
    syntax: str,
    *,
    pad: str = "off",
    empty: Conditioning | None = None,
) -> CfgPair:
    """Make conditional and unconditional context fit one UNet batch the way the generator does.

    - a1111: by default ("Pad conds" off) nothing is padded: when the lengths differ A1111 runs the
      two in separate UNet calls. `pad="pad"` (infotext "Pad conds: True") appends encoded empty
      chunks (`empty` = the encoding of "") to the shorter; `pad="v0"` ("Pad conds v0") repeats the
      uncond's last vector, or cuts the uncond, to the cond's length.
    - comfyui: both repeated along the tokens to their least common multiple (its CONDCrossAttn
      concat), unless that would be more than 4 times the shorter; then separate calls.
    - invokeai: the shorter padded with zeros and an attention mask that hides the padding.
    - plain: diffusers' contexts are always 77 tokens.
    """
    import torch

    c, u = cond.context, uncond.context
    if c.shape[1] == u.shape[1]:
        return CfgPair(c, u, True)
    if syntax == "a1111":
        if pad not in PAD_MODES:
            raise InputError(f"unknown A1111 pad mode {pad!r}; use one of {', '.join(PAD_MODES)}")
        if pad == "off":
            return CfgPair(c, u, False)
        if pad == "v0":
            if u.shape[1] < c.shape[1]:
                u = torch.cat([u, u[:, -1:].repeat(1, c.shape[1] - u.shape[1], 1)], dim=1)
            else:
                u = u[:, : c.shape[1]]
            return CfgPair(c, u, True)
        if empty is None:
            raise InputError("A1111 'Pad conds' needs the encoding of the empty prompt")
        chunk = empty.context[:, :77]
        repeats = (c.shape[1] - u.shape[1]) // chunk.shape[1]
        if repeats < 0:
            c = torch.cat([c, chunk.repeat(c.shape[0], -repeats, 1)], dim=1)
        elif repeats > 0:
            u = torch.cat([u, chunk.repeat(u.shape[0], repeats, 1)], dim=1)
        return CfgPair(c, u, c.shape[1] == u.shape[1])
    if syntax == "comfyui":
        common = math.lcm(c.shape[1], u.shape[1])
        if common // min(c.shape[1], u.shape[1]) > 4:
            return CfgPair(c, u, False)
        return CfgPair(
            c.repeat(1, common // c.shape[1], 1), u.repeat(1, common // u.shape[1], 1), True
        )
    if syntax == "invokeai":
        length = max(c.shape[1], u.shape[1])
        masks = []
        padded = []
        for tensor in (c, u):
            mask = torch.ones(tensor.shape[0], tensor.shape[1], dtype=tensor.dtype)
            extra = length - tensor.shape[1]
            if extra:
                mask = torch.cat(
                    [mask, torch.zeros(tensor.shape[0], extra, dtype=tensor.dtype)], dim=1
                )
                tensor = torch.cat(
                    [
                        tensor,
                        torch.zeros(tensor.shape[0], extra, tensor.shape[2], dtype=tensor.dtype),
                    ],
                    dim=1,
                )
            masks.append(mask)
            padded.append(tensor)
        return CfgPair(padded[0], padded[1], True, masks[0], masks[1])
    raise InputError(f"{syntax}: contexts of {c.shape[1]} and {u.shape[1]} tokens cannot be paired")


__all__ = [
    "SYNTAXES",
    "CfgPair",
    "Conditioning",
    "encode_prompt",
    "encode_prompt_schedule",
    "pair_for_cfg",
    "run_encoder",
    "sdxl_size_conditioning",
]
