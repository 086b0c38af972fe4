"""The hash LyCORIS writes into a file's header as `sshs_model_hash`, recomputed from the file.

kohya's sd-scripts store the SHA-256 of the file's tensor data (the "AddNet" hash, 64 hex).
LyCORIS's kohya network stores "0x" + SHA-256 of its tensors' raw bytes concatenated in its
state-dict order (`lycoris.utils.precalculate_safetensors_hashes`), not in the file's order: the
network's modules in the order it found them in the model (text encoders first, then the UNet),
each module's parts in its `custom_state_dict` order. That order is rebuilt from a model's
module order when one is at hand; the file's own order and the sorted names are tried too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from workstation.engine.lora_formats.keys import split_key

KIND = "LyCORIS"
# custom_state_dict order of LyCORIS's modules, by the raw part names in the file.
_LOCON_ORDER = ("dora_scale", "alpha", "lora_up.weight", "lora_down.weight", "lora_mid.weight")
_OTHER_ORDER = (
    "alpha", "dora_scale",
    "hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "hada_t1", "hada_t2",
    "lokr_w1", "lokr_w1_a", "lokr_w1_b", "lokr_w2", "lokr_w2_a", "lokr_w2_b", "lokr_t2",
    "diff", "diff_b", "w_norm", "b_norm",
)  # fmt: skip


def is_lycoris_hash(value: str | None) -> bool:
    return bool(value and re.fullmatch(r"0x[0-9a-fA-F]{64}", value))


def verify(
    path: str | Path,
    header: Any,
    stored: str,
    module_orders: Iterable[Callable[[str], tuple[int, ...] | None]] = (),
) -> bool | None:
    """True when one of the candidate tensor orders gives the stored hash; None when none does
    (the order it was made in cannot be rebuilt: no evidence either way). `module_orders` is
    consumed lazily, so a costly order is only built when the cheap ones failed."""
    stems: dict[str, list[str]] = {}
    for key in header.tensors:  # the file's order
        split = split_key(key)
        stems.setdefault(split[0] if split else key, []).append(key)

    def candidates() -> Iterator[list[str]]:
        yield list(stems)
        yield sorted(stems)
        for order in module_orders:
            ranks = [order(stem) for stem in stems]
            if all(rank is not None for rank in ranks):
                yield [stem for _, stem in sorted(zip(ranks, stems, strict=True))]

    with open(path, "rb") as handle:
        for candidate in candidates():
            keys = [key for stem in candidate for key in _part_order(stem, stems[stem])]
            if _hash(handle, header, keys) == stored.lower():
                return True
    return None


def _part_order(stem: str, keys: list[str]) -> list[str]:
    parts = {key[len(stem) + 1 :]: key for key in keys}
    order = _LOCON_ORDER if "lora_down.weight" in parts else _OTHER_ORDER
    known = [parts[name] for name in order if name in parts]
    return known + sorted(set(keys) - set(known))


def _hash(handle: Any, header: Any, keys: list[str]) -> str:
    digest = hashlib.sha256()
    for key in keys:
        info = header.tensors[key]
        handle.seek(header.data_offset + info.begin)
        digest.update(handle.read(info.end - info.begin))
    return "0x" + digest.hexdigest()
