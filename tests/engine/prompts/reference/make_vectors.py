"""Reference data for tests/engine/prompts, made by running the generators' own code.

Run in a scratch venv (torch 2.14.1, transformers < 5.24, lark, open_clip_torch), never the
project's:

    python tests/engine/prompts/reference/make_vectors.py --a1111 A1111_MODULES --comfyui COMFY_GIT

- A1111_MODULES: a folder with A1111's `prompt_parser.py` (parse_prompt_attention,
  get_learned_conditioning_prompt_schedules and its lark grammar, unchanged) and `hijack_clip.py`
  (sd_hijack_clip.py's FrozenCLIPEmbedderWithCustomWords* classes, sd_emphasis.py's classes,
  textual_inversion.py's EmbeddingDatabase.find_embedding_at_position and sd_hijack.py's
  EmbeddingsWithFixes, unchanged except `opts` and `devices` stubbed). A1111 v1.10
  (AUTOMATIC1111/stable-diffusion-webui); the full repository is too big to fetch here.
- COMFY_GIT: a clone of Comfy-Org/ComfyUI (v0.3.64, a125cd84); `comfy/sd1_clip.py`'s tokenizer,
  weight parser, embedding loader and ClipTokenWeightEncoder.encode_token_weights are executed
  from `git show HEAD:comfy/sd1_clip.py`.

The text encoders are the tiny random ones of tiny_encoders.py. Where the peers call their own
CLIP implementations (ldm's FrozenCLIPEmbedder, sgm's OpenCLIP, comfy.clip_model), a short glue
runs the same transformers model and takes the layer that peer takes (stated at each glue).
Writes data/parse.json, data/chunks.json and data/encodings.safetensors (+ embedding files).
"""

from __future__ import annotations

import argparse
import ast
import json
import logging
import subprocess
import sys
import types
from pathlib import Path

import torch
from safetensors.torch import save_file

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
REPO = HERE.parents[3]
sys.path.insert(0, str(REPO))

from tests.engine.prompts.tiny_encoders import sd1_encoders, sd2_encoders, sdxl_encoders  # noqa: E402

A1111_ATTENTION = [
    "normal text",
    "an (important) word",
    "(unbalanced",
    "\\(literal\\]",
    "(unnecessary)(parens)",
    "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
    "[[x]]",
    "((x))",
    "(x:0.5)",
    "(x:-1)",
    "(x:+1.5)",
    "x:1.2)",
    "a:b",
    "(a:b)",
    "(a:b:1.2)",
    "[a:b:0.5]",
    "[a|b]",
    "a BREAK b",
    "BREAK",
    "aBREAK b",
    "a BREAKb",
    "(a BREAK b)",
    "a \\\\ b",
    "a\\b",
    "\\",
    "(a [b (c:2)] d)",
    "",
    "   ",
    "((a:1.2):1.5)",
    "[x:1.2]",
    "(x)]",
    "a)b(c",
    "cat, (dog:1.3), [[bird]], (fish)",
    "masterpiece, best quality, (1girl:1.2), [worst quality:0.8]",
    "\\(x:1.2\\)",
    "(x:1.)",
    "(x:.5)",
    "a ((b) c",
    "日本語 (テスト:1.4)",
    "BREAK BREAK",
    "a\nBREAK\nb",
    "(x: 1.2)",
]

A1111_SCHEDULES = [
    "test",
    "a [b:3]",
    "a [b: 3]",
    "a [[[b]]:2]",
    "[(a:2):3]",
    "a [b : c : 1] d",
    "a[b:[c:d:2]:1]e",
    "a [unbalanced",
    "a [b:.5] c",
    "a [{b|d{:.5] c",
    "((a][:b:c [d:3]",
    "[a|(b:1.1)]",
    "[a|b|c] d",
    "a | b",
    "[a:b:0.25] [c:d:0.75]",
    "fantasy landscape with a [mountain:lake:0.25] and [an oak:a christmas tree:0.75]"
    "[ in foreground::0.6][ in background:0.25] [shoddy:masterful:0.5]",
    "[a::5]",
    "[a:b:1e1]",
    "[a:b:-1]",
    "(x:1.2) [y:z:3]",
    "[a:b]",
    "\\[a:b:2\\]",
    "[a:b:2 ]",
    "[[a|b]:c:3]",
    "a: b",
    "(a:1.2",
    "[x]",
    "[a|]",
    "(a [b:c:2])",
    "[a (b:c:2)]",
    "[a:(b):0.5]",
]


def fuzzed_schedule_prompts(count: int = 400) -> list[str]:
    """Random strings of brackets, colons, bars, numbers and words (seeded): the corner cases."""
    import random  # noqa: PLC0415

    rng = random.Random(1)
    pieces = [
        "[",
        "]",
        "(",
        ")",
        ":",
        "|",
        "a",
        "b",
        " ",
        "0.5",
        "3",
        "\\",
        "c:",
        ":2]",
        "[x:",
        "1.2)",
        "e1",
        "-1",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)]


COMFY_WEIGHTS = [
    "a cat",
    "(a cat)",
    "((a cat))",
    "(a cat:1.3)",
    "((a cat:1.5))",
    "(a (b:0.5) c)",
    "[a cat]",
    "(a:b)",
    "(a:1.2:1.3)",
    "\\(x\\)",
    "(x\\))",
    "a (b",
    "a) b",
    "((x)",
    "(x:abc)",
    "(:1.5)",
    "embedding:foo",
    "a embedding:foo, b",
    "(embedding:foo:1.2)",
    "",
    "(x:1e1)",
    "(x: 1.2)",
    "(x:1.2 )",
    "(x:-0.5)",
    "a, (b:1.1), c",
    "(a)(b)",
    "( a )",
    "((a) (b:1.3))",
    "a (b) BREAK c",
    "(x:1.2)(y:0.8)",
]

_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
LONG_PLAIN = " ".join(_WORDS[i % 10] for i in range(100))
LONG_COMMAS = "word, " * 80
NEAR_COMMA = (
    " ".join(_WORDS[i % 10] for i in range(70)) + ", alpha beta gamma delta epsilon zeta eta theta"
)
GROUP_7 = " ".join(_WORDS[i % 10] for i in range(72)) + " (a b c d e f g:1.2) end"
GROUP_9 = " ".join(_WORDS[i % 10] for i in range(72)) + " (a b c d e f g h i:1.2) end"
CHUNK_PROMPTS = [
    "",
    "a cat",
    LONG_PLAIN,
    LONG_COMMAS,
    NEAR_COMMA,
    GROUP_7,
    GROUP_9,
    "a (red:1.3) cat BREAK a [blue] dog",
    "x BREAK BREAK y",
    "BREAK",
    "a (b) BREAK c",
]


def fuzzed_chunk_prompts(count: int = 15) -> list[str]:
    """Random long prompts of words, commas, weights, BREAK and a missing embedding (seeded)."""
    import random  # noqa: PLC0415

    rng = random.Random(2)
    words = [
        "cat",
        "dog",
        ",",
        "(red:1.3)",
        "[blue]",
        "BREAK",
        "a b c d e f g h i",
        "(x y z:0.8)",
        "long",
        "sky,",
    ]
    words += ["((big))", "embedding:zz"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 120))) for _ in range(count)]


ENCODE_SD1 = [
    "a (red:1.3) cat, [blue] sky",
    LONG_PLAIN + " (gold:1.4)",
    "x BREAK y",
    "",
    "plain words only",
]
ENCODE_SDXL = ["a (red:1.3) cat, [blue] sky", LONG_PLAIN + " (gold:0.7)", ""]
COMFY_SD1 = [
    "a (red:1.3) cat, [blue] sky",
    LONG_PLAIN + " (gold:1.4)",
    "(a cat:0.5) (dog)",
    "",
    "plain words only",
]
COMFY_SDXL = ["a (red:1.3) cat, [blue] sky", GROUP_9, ""]


# --- A1111 --------------------------------------------------------------------------------------


def a1111_modules(folder: Path):
    sys.path.insert(0, str(folder))
    import hijack_clip  # noqa: PLC0415
    import prompt_parser  # noqa: PLC0415

    return prompt_parser, hijack_clip


class _TransformerShim:
    """A1111's `wrapped.transformer`: a transformers 4 CLIPTextModel, with `.text_model`."""

    def __init__(self, model):
        self.model = model
        self.text_model = model  # transformers 5 keeps final_layer_norm on the model itself

    def __call__(self, input_ids, output_hidden_states=False):
        return self.model(input_ids=input_ids, output_hidden_states=bool(output_hidden_states))


def a1111_embedder(hc, tokenizer, model, *, sdxl_layer=None):
    wrapped = types.SimpleNamespace(tokenizer=tokenizer, transformer=_TransformerShim(model))
    if sdxl_layer is None:
        return hc.FrozenCLIPEmbedderWithCustomWords(wrapped, hc.Hijack())
    wrapped.layer, wrapped.layer_idx = "hidden", -2  # sgm config: layer hidden, layer_idx 11 of 12
    return hc.FrozenCLIPEmbedderForSDXLWithCustomWords(wrapped, hc.Hijack())


def a1111_open_clip_h(hc, tokenizer, model):
    """sd_hijack_open_clip.FrozenOpenCLIPEmbedderWithCustomWords (SD 2.x) on ldm's
    FrozenOpenCLIPEmbedder (layer "penultimate", then ln_final): glue for the ldm call. diffusers'
    SD 2.x text encoder is converted without OpenCLIP's last layer, so that is its
    last_hidden_state."""

    class OpenClipH(hc.FrozenCLIPEmbedderWithCustomWordsBase):
        def __init__(self, wrapped, hijack):
            super().__init__(wrapped, hijack)
            self.comma_token = tokenizer.get_vocab()[",</w>"]
            self.id_start = tokenizer.bos_token_id
            self.id_end = tokenizer.eos_token_id
            self.id_pad = 0

        def tokenize(self, texts):
            return tokenizer(texts, truncation=False, add_special_tokens=False)["input_ids"]

        def encode_with_transformers(self, tokens):
            return model(input_ids=tokens).last_hidden_state

    return OpenClipH(types.SimpleNamespace(tokenizer=tokenizer), hc.Hijack())


def a1111_open_clip_g(hc, tokenizer, model):
    """sd_hijack_open_clip.FrozenOpenCLIPEmbedder2WithCustomWords on sgm's FrozenOpenCLIPEmbedder2
    (layer "penultimate", pooled = ln_final(last)[eot] @ projection): glue for the sgm call."""

    class OpenClipG(hc.FrozenCLIPEmbedderWithCustomWordsBase):
        def __init__(self, wrapped, hijack):
            super().__init__(wrapped, hijack)
            self.comma_token = tokenizer.get_vocab()[",</w>"]
            self.id_start = tokenizer.bos_token_id
            self.id_end = tokenizer.eos_token_id
            self.id_pad = 0

        def tokenize(self, texts):
            return tokenizer(texts, truncation=False, add_special_tokens=False)["input_ids"]

        def encode_with_transformers(self, tokens):
            out = model(input_ids=tokens, output_hidden_states=True)
            z = out.hidden_states[-2]
            z.pooled = out.text_embeds
            return z

    wrapped = types.SimpleNamespace(tokenizer=tokenizer, return_pooled=True)
    return OpenClipG(wrapped, hc.Hijack())


def a1111_schedule(pp, prompt, steps):
    """The schedule, or {"error": ...} where A1111 itself fails on the prompt."""
    try:
        return pp.get_learned_conditioning_prompt_schedules([prompt], steps)[0]
    except Exception as error:  # noqa: BLE001
        return {"error": type(error).__name__}


def a1111_chunks(hc, prompt):
    tokenizer, model = sd1_encoders()[0]
    embedder = a1111_embedder(hc, tokenizer, model)
    chunks, count = embedder.tokenize_line(prompt)
    return {
        "tokens": [c.tokens for c in chunks],
        "weights": [c.multipliers for c in chunks],
        "count": count,
    }


def with_embeddings(hc, embedders_and_models, names_and_vectors, key_per_embedder):
    """Register embeddings in each embedder's database and wrap its token embedding with A1111's
    EmbeddingsWithFixes, as sd_hijack does."""
    for embedder, model, key in zip(  # noqa: B905
        embedders_and_models[0], embedders_and_models[1], key_per_embedder, strict=False
    ):
        for name, vec in names_and_vectors.items():
            embedding = hc.Embedding(vec, name)
            embedder.hijack.embedding_db.register_embedding_by_name(
                embedding, lambda texts, e=embedder: e.tokenize(texts), name
            )
        model.embeddings.token_embedding = hc.EmbeddingsWithFixes(
            model.embeddings.token_embedding, embedder.hijack, key
        )


# --- ComfyUI ------------------------------------------------------------------------------------

_COMFY_NAMES = {
    "gen_empty_tokens",
    "ClipTokenWeightEncoder",
    "parse_parentheses",
    "token_weights",
    "escape_important",
    "unescape_important",
    "safe_load_embed_zip",
    "expand_directory_list",
    "bundled_embed",
    "load_embed",
    "SDTokenizer",
}


def comfy_namespace(git_dir: Path) -> dict:
    source = subprocess.run(
        ["git", "-C", str(git_dir), "show", "HEAD:comfy/sd1_clip.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tree = ast.parse(source)
    keep = [node for node in tree.body if getattr(node, "name", None) in _COMFY_NAMES]
    module = ast.Module(body=keep, type_ignores=[])
    import numbers  # noqa: PLC0415
    import os  # noqa: PLC0415
    import re  # noqa: PLC0415
    import traceback  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    from transformers import CLIPTokenizer  # noqa: PLC0415

    stub = types.SimpleNamespace(intermediate_device=lambda: torch.device("cpu"))
    namespace = {
        "torch": torch,
        "os": os,
        "re": re,
        "logging": logging,
        "numbers": numbers,
        "zipfile": zipfile,
        "traceback": traceback,
        "CLIPTokenizer": CLIPTokenizer,
        "model_management": stub,
    }
    exec(compile(module, "comfy/sd1_clip.py", "exec"), namespace)  # noqa: S102 - the peer's own code
    return namespace


def comfy_tokenizer(
    ns, name: str, tmp: Path, embedding_dir: Path | None, embedding_size: int, key: str
):
    from tests.engine.prompts.tiny_encoders import tokenizer as tiny_tokenizer  # noqa: PLC0415

    folder = tmp / f"tokenizer-{name}"
    if not folder.exists():
        tiny_tokenizer(name).save_pretrained(folder)
    return ns["SDTokenizer"](
        str(folder),
        pad_with_end=(name == "sd1"),
        embedding_directory=str(embedding_dir) if embedding_dir else None,
        embedding_size=embedding_size,
        embedding_key=key,
    )


def comfy_glue(ns, model, special_tokens, layer_idx=None, normalize=True):
    """ComfyUI's ClipTokenWeightEncoder (its encode_token_weights runs unchanged) over a glue
    `encode` standing in for comfy's SDClipModel.encode: token lists (ints, or tensors for
    embeddings) → (z, pooled), with the layer ComfyUI takes: "last", or hidden layer `layer_idx`
    (from the end) with the final layer norm when `normalize`; pooled = the (projected) state at
    the first end token; embedding vectors replace the token embeddings at their positions."""

    class Glue(ns["ClipTokenWeightEncoder"]):
        def encode(self, token_lists):
            embedding_layer = model.get_input_embeddings()
            rows = []
            ids_batch = []
            for tokens in token_lists:
                ids_batch.append([int(t) if isinstance(t, int) else 0 for t in tokens])
                rows.append([(i, t) for i, t in enumerate(tokens) if not isinstance(t, int)])

            def hook(_module, _args, out):
                out = out.clone()
                for b, row in enumerate(rows):
                    for i, vec in row:
                        out[b, i] = vec
                return out

            handle = embedding_layer.register_forward_hook(hook)
            try:
                out = model(input_ids=torch.tensor(ids_batch), output_hidden_states=True)
            finally:
                handle.remove()
            if layer_idx is None:
                z = out.last_hidden_state
            else:
                z = out.hidden_states[layer_idx]
                if normalize:
                    z = getattr(model, "text_model", model).final_layer_norm(z)
            pooled = out.text_embeds if hasattr(out, "text_embeds") else out.pooler_output
            return z.float(), pooled.float()

    glue = Glue()
    glue.special_tokens = special_tokens
    return glue


def comfy_weights(ns, prompt):
    return [
        [ns["unescape_important"](text), weight]
        for text, weight in ns["token_weights"](ns["escape_important"](prompt), 1.0)
    ]


# --- main ---------------------------------------------------------------------------------------


def make_embedding_files(folder: Path) -> dict[str, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(7)
    sd1 = torch.randn(2, 32, generator=generator)
    xl_l = torch.randn(2, 32, generator=generator)
    xl_g = torch.randn(2, 48, generator=generator)
    save_file({"emb_params": sd1}, folder / "myemb.safetensors")
    save_file({"clip_l": xl_l, "clip_g": xl_g}, folder / "xlemb.safetensors")
    return {"myemb": {"": sd1}, "xlemb": {"clip_l": xl_l, "clip_g": xl_g}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--a1111", type=Path, required=True)
    parser.add_argument("--comfyui", type=Path, required=True)
    parser.add_argument("--tmp", type=Path, default=Path("/tmp/prompts-ref/work"))
    args = parser.parse_args()
    args.tmp.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(exist_ok=True)
    pp, hc = a1111_modules(args.a1111)
    ns = comfy_namespace(args.comfyui)
    vectors = make_embedding_files(DATA / "embeddings")
    torch.set_grad_enabled(False)

    # 1. Parsing.
    parse = {
        "a1111_attention": {p: pp.parse_prompt_attention(p) for p in A1111_ATTENTION},
        "a1111_schedules": {
            str(steps): {p: a1111_schedule(pp, p, steps) for p in A1111_SCHEDULES}
            for steps in (10, 20)
        },
        "a1111_fuzzed": {p: a1111_schedule(pp, p, 10) for p in fuzzed_schedule_prompts()},
        "comfyui_weights": {p: comfy_weights(ns, p) for p in COMFY_WEIGHTS},
    }
    (DATA / "parse.json").write_text(
        json.dumps(parse, ensure_ascii=False, indent=1), encoding="utf-8"
    )

    # 2. Chunking: A1111's tokenize_line and ComfyUI's tokenize_with_weights.
    comfy_sd1 = comfy_tokenizer(ns, "sd1", args.tmp, DATA / "embeddings", 32, "clip_l")
    comfy_g = comfy_tokenizer(ns, "sdxl2", args.tmp, DATA / "embeddings", 48, "clip_g")
    chunks = {
        "a1111": {p: a1111_chunks(hc, p) for p in CHUNK_PROMPTS + fuzzed_chunk_prompts()},
        "comfyui_sd1": {
            p: comfy_sd1.tokenize_with_weights(p) for p in CHUNK_PROMPTS + fuzzed_chunk_prompts()
        },
        "comfyui_g": {
            p: comfy_g.tokenize_with_weights(p) for p in CHUNK_PROMPTS + fuzzed_chunk_prompts()
        },
    }
    (DATA / "chunks.json").write_text(json.dumps(chunks, ensure_ascii=False), encoding="utf-8")

    # 3. Encodings on the tiny encoders.
    tensors: dict[str, torch.Tensor] = {}
    for skip in (1, 2):
        for emphasis in ("Original", "No norm"):
            hc.opts.CLIP_stop_at_last_layers = skip
            hc.opts.emphasis = emphasis
            tokenizer, model = sd1_encoders()[0]
            embedder = a1111_embedder(hc, tokenizer, model)
            for i, prompt in enumerate(ENCODE_SD1):
                tensors[f"a1111/sd1/skip{skip}/{emphasis}/{i}"] = embedder([prompt])
    hc.opts.CLIP_stop_at_last_layers, hc.opts.emphasis = 1, "Original"

    tok_h, model_h = sd2_encoders()[0]
    embedder_h = a1111_open_clip_h(hc, tok_h, model_h)
    for i, prompt in enumerate(ENCODE_SD1):
        tensors[f"a1111/sd2/{i}"] = embedder_h([prompt])

    (tok_l, model_l), (tok_g, model_g) = sdxl_encoders()
    embedder_l = a1111_embedder(hc, tok_l, model_l, sdxl_layer=True)
    embedder_g = a1111_open_clip_g(hc, tok_g, model_g)
    for i, prompt in enumerate(ENCODE_SDXL):
        z_l = embedder_l([prompt])
        z_g, pooled = embedder_g([prompt])
        tensors[f"a1111/sdxl/{i}"] = torch.cat([z_l, z_g], dim=2)  # sgm GeneralConditioner: concat
        tensors[f"a1111/sdxl/{i}/pooled"] = pooled

    # A1111 embeddings, SD1 and SDXL.
    tokenizer, model = sd1_encoders()[0]
    embedder = a1111_embedder(hc, tokenizer, model)
    with_embeddings(hc, ([embedder], [model]), {"myemb": vectors["myemb"][""]}, ["clip_l"])
    tensors["a1111/sd1/embedding"] = embedder(["a photo of myemb, (myemb:1.2) cat"])
    (tok_l, model_l), (tok_g, model_g) = sdxl_encoders()
    embedder_l = a1111_embedder(hc, tok_l, model_l, sdxl_layer=True)
    embedder_g = a1111_open_clip_g(hc, tok_g, model_g)
    with_embeddings(
        hc,
        ([embedder_l, embedder_g], [model_l, model_g.text_model]),
        {"xlemb": vectors["xlemb"]},
        ["clip_l", "clip_g"],
    )
    prompt = "xlemb a photo, (xlemb:1.3)"
    z_g, pooled = embedder_g([prompt])
    tensors["a1111/sdxl/embedding"] = torch.cat([embedder_l([prompt]), z_g], dim=2)
    tensors["a1111/sdxl/embedding/pooled"] = pooled

    # ComfyUI: SD1 "last" (no CLIPSetLastLayer) and CLIPSetLastLayer -2 (hidden + final norm).
    sd1_special = {"start": 49406, "end": 49407, "pad": 49407}
    for skip, layer_idx in ((1, None), (2, -2)):
        tokenizer, model = sd1_encoders()[0]
        glue = comfy_glue(ns, model, sd1_special, layer_idx=layer_idx, normalize=True)
        for i, prompt in enumerate(
            COMFY_SD1 + ["a photo of embedding:myemb, (embedding:myemb:1.2) cat"]
        ):
            z, _ = glue.encode_token_weights(comfy_sd1.tokenize_with_weights(prompt))
            tensors[f"comfyui/sd1/skip{skip}/{i}"] = z
    # ComfyUI SD 2.x: SD2Tokenizer pads with 0; SD2ClipModel's "penultimate" layer with the final
    # norm is diffusers' converted encoder's last_hidden_state (see a1111_open_clip_h).
    tok_h, model_h = sd2_encoders()[0]
    comfy_h = comfy_tokenizer(ns, "sdxl2", args.tmp, DATA / "embeddings", 32, "clip_h")
    glue_h = comfy_glue(ns, model_h, {"start": 49406, "end": 49407, "pad": 0})
    for i, prompt in enumerate(COMFY_SD1):
        tensors[f"comfyui/sd2/{i}"], _ = glue_h.encode_token_weights(
            comfy_h.tokenize_with_weights(prompt)
        )

    # ComfyUI SDXL: both encoders hidden -2 without the final norm; clip_g pads with 0; pooled
    # from clip_g's first section; contexts cut to the shorter and concatenated (SDXLClipModel).
    (tok_l, model_l), (tok_g, model_g) = sdxl_encoders()
    glue_l = comfy_glue(ns, model_l, sd1_special, layer_idx=-2, normalize=False)
    glue_g = comfy_glue(
        ns, model_g, {"start": 49406, "end": 49407, "pad": 0}, layer_idx=-2, normalize=False
    )
    for i, prompt in enumerate(COMFY_SDXL + ["embedding:xlemb a photo, (embedding:xlemb:1.3)"]):
        l_out, _ = glue_l.encode_token_weights(comfy_sd1.tokenize_with_weights(prompt))
        g_out, g_pooled = glue_g.encode_token_weights(comfy_g.tokenize_with_weights(prompt))
        cut = min(l_out.shape[1], g_out.shape[1])
        tensors[f"comfyui/sdxl/{i}"] = torch.cat([l_out[:, :cut], g_out[:, :cut]], dim=-1)
        tensors[f"comfyui/sdxl/{i}/pooled"] = g_pooled

    save_file({k: v.contiguous() for k, v in tensors.items()}, DATA / "encodings.safetensors")
    prompts = {
        "ENCODE_SD1": ENCODE_SD1,
        "ENCODE_SDXL": ENCODE_SDXL,
        "COMFY_SD1": COMFY_SD1,
        "COMFY_SDXL": COMFY_SDXL,
    }
    (DATA / "encode_prompts.json").write_text(
        json.dumps(prompts, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"wrote {len(tensors)} tensors, {sum(len(v) for v in parse.values())} parse groups")


if __name__ == "__main__":
    main()
