"""Prompts turned into text-encoder conditioning exactly as each generator does it.

`encode_prompt` (encode.py) is the entry point; a1111.py, comfyui.py and invokeai.py hold each
generator's syntax and weighting, embeddings.py the textual-inversion files.
"""

from workstation.engine.prompts.embeddings import (
    Embedding,
    EmbeddingLibrary,
    UsedEmbedding,
    load_embedding,
)
from workstation.engine.prompts.encode import (
    SYNTAXES,
    CfgPair,
    Conditioning,
    encode_prompt,
    encode_prompt_schedule,
    pair_for_cfg,
    sdxl_size_conditioning,
)

__all__ = [
    "SYNTAXES",
    "CfgPair",
    "Conditioning",
    "Embedding",
    "EmbeddingLibrary",
    "UsedEmbedding",
    "encode_prompt",
    "encode_prompt_schedule",
    "load_embedding",
    "pair_for_cfg",
    "sdxl_size_conditioning",
]
