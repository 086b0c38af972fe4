"""Models: what the files in a model folder are (kind, architecture, A1111 hashes), and what a
LoRA says about its training.

    front end → app.models.scan_models → engine.library.scan (hashes from the per-user listing
              cache: for finding files, never written into a case)
    front end → app.models.lora_report → engine.lora.lora_info (the header: kohya ss_* keys,
              dataset folders, tags, target modules and ranks)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.requests import option

if TYPE_CHECKING:
    from workstation.engine.library import ModelInfo
    from workstation.engine.lora import LoraReport


@dataclass(frozen=True, kw_only=True)
class ScanRequest:
    dir: Path = option(positional=True, metavar="DIR", help="the model folder")


@dataclass(frozen=True, kw_only=True)
class LoraInfoRequest:
    file: Path = option(positional=True, metavar="FILE", help="a LoRA (.safetensors)")


def scan_models(request: ScanRequest) -> list[ModelInfo]:
    """Every model under the folder; unusable files are listed with their problem."""
    from workstation.engine.library import scan

    return scan(request.dir)


def lora_report(request: LoraInfoRequest) -> LoraReport:
    from workstation.engine.lora import lora_info

    return lora_info(request.file)
