"""Tiny random CLIP text encoders with the real CLIP tokenizer, for the prompt tests and for
reference/make_vectors.py (which runs the peers' code on the same weights)."""

from __future__ import annotations

from functools import cache
from typing import Any

from workstation.engine.architectures import clip_tokenizer
from workstation.paths import CONFIGS_DIR

CONFIGS = CONFIGS_DIR


@cache
def tokenizer(name: str = "sd1") -> Any:
    """ "sd1": pads with the end token; "sdxl2": OpenCLIP's, pads with "!" (id 0)."""
    folder = {"sd1": CONFIGS / "tiny-sd" / "tokenizer", "sdxl2": CONFIGS / "sdxl" / "tokenizer_2"}[
        name
    ]
    return clip_tokenizer(folder)


def _text_config(hidden: int, layers: int, projection: int | None = None) -> Any:
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=49408,
        hidden_size=hidden,
        intermediate_size=37,
        num_hidden_layers=layers,
        num_attention_heads=4,
        max_position_embeddings=77,
        hidden_act="quick_gelu",
        projection_dim=projection or hidden,
        bos_token_id=0,
        eos_token_id=2,
        pad_token_id=1,
    )


def _realistic_norms(model: Any) -> Any:
    """Random layer-norm scales and shifts: fresh ones (1 and 0) give every token a mean of exactly
    0 after the final norm, and A1111's mean-restoring emphasis then divides 0 by 0."""
    import torch

    for module in model.modules():
        if isinstance(module, torch.nn.LayerNorm):
            torch.nn.init.normal_(module.weight, 1.0, 0.2)
            torch.nn.init.normal_(module.bias, 0.1, 0.2)
    return model


def sd1_encoders(seed: int = 0) -> list[tuple[Any, Any]]:
    """One encoder (SD 1.x layout): hidden 32, 3 layers."""
    import torch
    from transformers import CLIPTextModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _realistic_norms(CLIPTextModel(_text_config(32, 3))).eval()
    return [(tokenizer("sd1"), model)]


def sd2_encoders(seed: int = 3) -> list[tuple[Any, Any]]:
    """One encoder (SD 2.x layout: OpenCLIP's tokenizer, padding with id 0): hidden 32, 3 layers."""
    import torch
    from transformers import CLIPTextModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _realistic_norms(CLIPTextModel(_text_config(32, 3))).eval()
    return [(tokenizer("sdxl2"), model)]


def sdxl_encoders(seed: int = 0) -> list[tuple[Any, Any]]:
    """Two encoders (SDXL layout): CLIPTextModel 32 wide, CLIPTextModelWithProjection 48 wide
    with a 24-wide projection, 3 layers each."""
    import torch
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        first = _realistic_norms(CLIPTextModel(_text_config(32, 3))).eval()
        torch.manual_seed(seed + 1)
        second = _realistic_norms(
            CLIPTextModelWithProjection(_text_config(48, 3, projection=24))
        ).eval()
    return [(tokenizer("sd1"), first), (tokenizer("sdxl2"), second)]
