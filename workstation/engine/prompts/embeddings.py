"""Textual-inversion embeddings from a local folder, named in prompts by their file stem.

Formats read: safetensors with A1111's `emb_params`, diffusers' `<name>` key, SDXL's `clip_l` and
`clip_g`, or a single tensor; `.pt`/`.bin` files (A1111's `string_to_param` dictionaries or a single
tensor) are read only with `torch.load(weights_only=True)`, so no pickled code ever runs. A file
that cannot be read that way is refused with a one-line ModelError.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.core.errors import InputError, ModelError

EXTENSIONS = (".safetensors", ".pt", ".bin")


@dataclass(frozen=True)
class Embedding:
    """One file's vectors: "clip_l"/"clip_g" (SDXL files) or "" (one tensor) -> [n, dim]."""

    name: str
    path: Path
    sha256: str
    vectors: dict[str, Any]

    @property
    def rows(self) -> int:
        return next(iter(self.vectors.values())).shape[0]

    def for_encoder(self, key: str, dim: int, *, single_fits_any_key: bool = True) -> Any | None:
        """The vectors for the encoder called `key` ("clip_l", "clip_g") of width `dim`, or None."""
        if key in self.vectors:
            found = self.vectors[key]
        elif "" in self.vectors and single_fits_any_key:
            found = self.vectors[""]
        else:
            return None
        return found if found.shape[-1] == dim else None


@dataclass(frozen=True)
class UsedEmbedding:
    """What a generation record states about an embedding a prompt used."""

    name: str
    sha256: str
    path: str
    rows: int


def load_embedding(path: str | Path) -> Embedding:
    """Read one embedding file; ModelError when it is not an embedding we can read safely."""
    import torch

    path = Path(path)
    data = path.read_bytes()
    try:
        if path.suffix.lower() == ".safetensors":
            from safetensors.torch import load as load_safetensors

            state = load_safetensors(data)
        else:
            import io
            import warnings

            with warnings.catch_warnings():  # torch's notes on pickle protocols; the result decides
                warnings.simplefilter("ignore")
                state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - any failure means the file is refused
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelError(f"{path.name}: not a readable embedding file ({reason[:200]})") from None
    return Embedding(path.stem, path, hashlib.sha256(data).hexdigest(), _vectors(path, state))


def _vectors(path: Path, state: Any) -> dict[str, Any]:
    import torch

    if isinstance(state, torch.Tensor):
        return {"": _rows(state)}
    if not isinstance(state, dict):
        raise ModelError(f"{path.name}: not an embedding (a {type(state).__name__}, not tensors)")
    if "string_to_param" in state:  # A1111 / original textual-inversion training
        params = state["string_to_param"]
        tensors = (
            [v for v in params.values() if isinstance(v, torch.Tensor)]
            if isinstance(params, dict)
            else []
        )
        if len(tensors) != 1:
            raise ModelError(
                f"{path.name}: string_to_param holds {len(tensors)} tensors, expected 1"
            )
        return {"": _rows(tensors[0])}
    if "clip_l" in state and "clip_g" in state:  # SDXL
        return {"clip_l": _rows(state["clip_l"]), "clip_g": _rows(state["clip_g"])}
    tensors = {key: value for key, value in state.items() if isinstance(value, torch.Tensor)}
    if len(tensors) == 1:  # "emb_params", diffusers "<name>", or any single tensor
        return {"": _rows(next(iter(tensors.values())))}
    raise ModelError(
        f"{path.name}: not an embedding (keys: {', '.join(sorted(map(str, state))[:6])})"
    )


def _rows(tensor: Any) -> Any:
    tensor = tensor.detach().float()
    return tensor.unsqueeze(0) if tensor.ndim == 1 else tensor.reshape(-1, tensor.shape[-1])


class EmbeddingLibrary:
    """The embedding files of a folder and its subfolders, by file stem; loaded when named."""

    def __init__(self, folder: str | Path | None = None, files: list[str | Path] | None = None):
        self._paths: dict[str, Path] = {}
        self._loaded: dict[str, Embedding] = {}
        if folder is not None:
            folder = Path(folder)
            if not folder.is_dir():
                raise InputError(f"{folder}: embeddings folder not found")
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() in EXTENSIONS and path.is_file():
                    self._paths.setdefault(path.stem, path)
        for path in files or []:
            self._paths[Path(path).stem] = Path(path)

    @property
    def names(self) -> list[str]:
        return sorted(self._paths)

    def path_of(self, name: str) -> Path | None:
        return self._paths.get(name)

    def get(self, name: str) -> Embedding | None:
        """The named embedding, or None when no file has that stem."""
        if name not in self._paths:
            return None
        if name not in self._loaded:
            self._loaded[name] = load_embedding(self._paths[name])
        return self._loaded[name]
