"""Write a deterministic kohya-format LoRA (rank 4) for the random SD 1.5 of build_sd15.py.

    .venv/bin/python benchmarks/reference/build_lora.py OUT.safetensors [--seed 7]

The modules are those kohya sd-scripts' networks.lora trains by default: every Linear and 1x1
Conv2d inside the UNet's transformer blocks (attn1/attn2 to_q/to_k/to_v/to_out.0, ff.net.0.proj,
ff.net.2, proj_in and proj_out, the latter two 1x1 convolutions in SD 1.x) and inside the text
encoder's attention and MLP (q/k/v/out_proj, fc1, fc2). Keys and dtype are as kohya saves them:
`lora_unet_<module>.lora_down.weight` / `.lora_up.weight` / `.alpha`, `lora_te_text_model_…`,
float16, alpha 2 for rank 4 (scale 0.5). The factors are drawn from one seeded generator in module
order, sized so that the merged delta (std 0.2/sqrt(fan_in)) is about a third of the spread of
torch's default init (0.58/sqrt(fan_in)) at strength 1: the image changes visibly at strength 0.8.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from workstation.engine.architectures import BY_NAME  # noqa: E402

CONFIG = BY_NAME["sd1"].config_dir
RANK = 4
ALPHA = 2.0
UP_STD = 0.2


def target_modules() -> list[tuple[str, torch.nn.Module]]:
    """(kohya key stem, module) for every module the LoRA patches, in a fixed order; shapes only."""
    from diffusers import UNet2DConditionModel
    from diffusers.models.transformers.transformer_2d import Transformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel

    with torch.device("meta"):
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(CONFIG / "unet"))
        text_encoder = CLIPTextModel(CLIPTextConfig.from_pretrained(CONFIG / "text_encoder"))
    targets = []
    for block_name, block in unet.named_modules():
        if isinstance(block, Transformer2DModel):
            for name, module in block.named_modules():
                linear = isinstance(module, torch.nn.Linear)
                pointwise = isinstance(module, torch.nn.Conv2d) and module.kernel_size == (1, 1)
                if linear or pointwise:
                    stem = f"lora_unet_{block_name}.{name}".replace(".", "_")
                    targets.append((stem, module))
    for name, module in text_encoder.named_modules():
        if isinstance(module, torch.nn.Linear) and ".layers." in f".{name}":
            stem = "lora_te_text_model_" + name.removeprefix("text_model.").replace(".", "_")
            targets.append((stem, module))
    return targets


def lora_state_dict(seed: int = 7) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for stem, module in target_modules():
        conv = isinstance(module, torch.nn.Conv2d)
        fan_in = module.in_channels if conv else module.in_features
        fan_out = module.out_channels if conv else module.out_features
        down = torch.randn(RANK, fan_in, generator=generator) / fan_in**0.5
        up = torch.randn(fan_out, RANK, generator=generator) * UP_STD
        if conv:
            down, up = down[:, :, None, None], up[:, :, None, None]
        state[f"{stem}.lora_down.weight"] = down.to(torch.float16)
        state[f"{stem}.lora_up.weight"] = up.to(torch.float16)
        state[f"{stem}.alpha"] = torch.tensor(ALPHA, dtype=torch.float16)
    return dict(sorted(state.items()))


def sort_metadata(path: Path) -> None:
    """Rewrite the header with `__metadata__` in key order, in place (same length).

    safetensors writes the metadata from a hash map, in a different order in every process; the
    file's bytes (and so its SHA-256) would change from run to run although nothing else does.
    """
    with path.open("r+b") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        text = json.dumps(header, separators=(",", ":")).encode()
        assert len(text) <= size, "the sorted header must fit the original one"
        handle.seek(8)
        handle.write(text.ljust(size))


def main() -> None:
    from safetensors.torch import save_file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    state = lora_state_dict(args.seed)
    metadata = {
        "ss_base_model_version": "sd_v1",
        "ss_network_module": "networks.lora",
        "ss_network_dim": str(RANK),
        "ss_network_alpha": str(ALPHA),
        "ss_output_name": "sd15-random-lora",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, args.out, metadata=metadata)
    sort_metadata(args.out)
    modules = len(state) // 3
    print(f"{args.out}: {modules} modules, {args.out.stat().st_size / 1e6:.1f} MB")
    print(f"sha256 {hashlib.sha256(args.out.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
