"""Make the noise reference data by running the generators' own code (not ours).

Runs in a scratch venv with numpy and torch (not the workstation's venv):

    python3 -m venv /tmp/noise-ref/venv && /tmp/noise-ref/venv/bin/pip install numpy torch==2.14.1
    /tmp/noise-ref/venv/bin/python tests/engine/noise/reference/make_vectors.py \
        --a1111 /tmp/noise-ref/a1111 --comfyui /tmp/noise-ref/ComfyUI

--a1111: a folder holding A1111's ``modules/rng.py`` and ``modules/rng_philox.py`` (the rest of
A1111 is not needed: ``modules.devices`` and ``modules.shared`` are stubbed with the CPU device
and the two settings rng.py reads). --comfyui: a ComfyUI checkout; ``prepare_noise`` and
``default_noise_sampler`` are taken from its source and executed on their own, because importing
``comfy.sample`` pulls in the whole model stack.

Writes philox.npz, a1111.npz, comfyui.npz and provenance.json into tests/engine/noise/data/.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import torch

DATA = Path(__file__).resolve().parent.parent / "data"

SEEDS = [0, 1, 2**32 - 1, 2**40 + 123]  # the last: a 64-bit seed (its high word matters to NV)
SHAPES = [(1, 4, 8, 8), (2, 4, 9, 7)]
LATENT = (4, 8, 8)  # one image's latent for the A1111 cases
COMFY_SHAPES = [(3, 4, 8, 8), (2, 4, 9, 7), (3, 4, 9, 7)]  # batch 3: image 1 of 3, odd H×W
NEXT_DRAWS = 3


def load_a1111(root: Path, source: str, ensd: int):
    """A1111's modules.rng with its settings stubbed: opts.randn_source and eta_noise_seed_delta."""
    for name in [n for n in sys.modules if n == "modules" or n.startswith("modules.")]:
        del sys.modules[name]
    package = types.ModuleType("modules")
    package.__path__ = [str(root / "modules")]
    sys.modules["modules"] = package
    cpu = torch.device("cpu")
    devices = types.ModuleType("modules.devices")
    devices.cpu = devices.device = cpu
    shared = types.ModuleType("modules.shared")
    shared.opts = types.SimpleNamespace(randn_source=source, eta_noise_seed_delta=ensd)
    shared.device = cpu
    sys.modules["modules.devices"], sys.modules["modules.shared"] = devices, shared
    package.devices, package.shared = devices, shared
    for name in ("rng_philox", "rng"):
        spec = importlib.util.spec_from_file_location(
            f"modules.{name}", root / "modules" / f"{name}.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"modules.{name}"] = module
        setattr(package, name, module)
        spec.loader.exec_module(module)
    return sys.modules["modules.rng"], sys.modules["modules.rng_philox"]


def comfy_function(path: Path, name: str, namespace: dict):
    """One top-level function of a ComfyUI source file, executed in ``namespace``."""
    tree = ast.parse(path.read_text())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    exec(compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec"), namespace)
    return namespace[name]


def git_head(path: Path) -> str | None:
    try:
        return subprocess.check_output(
            ["git", "-C", str(path), "rev-parse", "HEAD"], text=True
        ).strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def philox_vectors(root: Path) -> dict[str, np.ndarray]:
    _, rng_philox = load_a1111(root, "NV", 0)
    out = {
        # The docstring of rng_philox.py: what the reference documents for seed 0, shape (3, 4).
        "docstring_seed0": rng_philox.Generator(0).randn((3, 4)),
    }
    for seed in SEEDS:
        for shape in SHAPES:
            gen = rng_philox.Generator(seed)
            for draw in range(NEXT_DRAWS):  # draw k is at offset k
                out[f"seed{seed}_{'x'.join(map(str, shape))}_draw{draw}"] = gen.randn(shape)
    # The bare Philox4x32-10 block function: counters and keys chosen to exercise every word.
    counter = np.array(
        [
            [0, 1, 0xFFFFFFFF, 7],
            [0, 0, 0xFFFFFFFF, 0],
            [0, 5, 0xFFFFFFFF, 123456],
            [0, 0, 0xFFFFFFFF, 9],
        ],
        dtype=np.uint32,
    )
    for key_lo, key_hi in [(0, 0), (0xFFFFFFFF, 0xFFFFFFFF), (123, 256)]:
        key = np.array([[key_lo] * 4, [key_hi] * 4], dtype=np.uint32)
        out[f"block_key{key_lo}_{key_hi}"] = rng_philox.philox4_32(counter.copy(), key)
    out["block_counter"] = counter
    return out


def a1111_cases() -> list[dict]:
    """The ImageRNG settings tested; each case becomes arrays '<name>_first', '<name>_next<k>'."""
    cases = []
    for source in ("NV", "CPU"):
        for seed in SEEDS:
            for ensd in (0, 31337):
                cases.append(dict(source=source, seeds=[seed, seed + 1], ensd=ensd))
            cases.append(dict(source=source, seeds=[seed, seed], subseeds=[77, 78], strength=0.3))
        cases.append(dict(source=source, seeds=[5], subseeds=[9], strength=1.0, ensd=31337))
        cases.append(dict(source=source, seeds=[5], subseeds=[5], strength=0.5))  # dot > 0.9995
        cases.append(dict(source=source, seeds=[11, 12], resize=(48, 80)))  # h smaller, w larger
        cases.append(dict(source=source, seeds=[11], subseeds=[3], strength=0.25, resize=(96, 40)))
    for i, case in enumerate(cases):
        case["name"] = f"case{i}"
    return cases


def a1111_vectors(root: Path, cases: list[dict]) -> dict[str, np.ndarray]:
    out = {}
    for case in cases:
        rng, _ = load_a1111(root, case["source"], case.get("ensd", 0))
        resize_h, resize_w = case.get("resize", (0, 0))
        image_rng = rng.ImageRNG(
            LATENT,
            case["seeds"],
            subseeds=case.get("subseeds"),
            subseed_strength=case.get("strength", 0.0),
            seed_resize_from_h=resize_h,
            seed_resize_from_w=resize_w,
        )
        out[f"{case['name']}_first"] = image_rng.next().numpy()  # the first next() is first()
        for k in range(NEXT_DRAWS):
            out[f"{case['name']}_next{k}"] = image_rng.next().numpy()
    # slerp on its own, on a batch-free (C, H, W) pair.
    low = torch.randn(LATENT, generator=torch.Generator().manual_seed(100))
    high = torch.randn(LATENT, generator=torch.Generator().manual_seed(200))
    rng, _ = load_a1111(root, "CPU", 0)
    out["slerp_low"], out["slerp_high"] = low.numpy(), high.numpy()
    for val in (0.0, 0.1, 0.5, 0.9):
        out[f"slerp_{val}"] = rng.slerp(val, low, high).numpy()
    return out


def comfy_vectors(root: Path) -> dict[str, np.ndarray]:
    namespace = {"torch": torch, "np": np}
    prepare_noise = comfy_function(root / "comfy" / "sample.py", "prepare_noise", namespace)
    default_noise_sampler = comfy_function(
        root / "comfy" / "k_diffusion" / "sampling.py", "default_noise_sampler", namespace
    )
    out = {}
    for seed in SEEDS:
        for shape in COMFY_SHAPES:
            tag = f"seed{seed}_{'x'.join(map(str, shape))}"
            latent = torch.zeros(shape)
            out[f"{tag}_full"] = prepare_noise(latent, seed).numpy()
            # "Latent From Batch" (index 1, length 1) leaves batch_index [1] on a 1-image latent.
            out[f"{tag}_inds1"] = prepare_noise(torch.zeros((1, *shape[1:])), seed, [1]).numpy()
            out[f"{tag}_inds2_0_2"] = prepare_noise(
                torch.zeros((3, *shape[1:])), seed, [2, 0, 2]
            ).numpy()
            sampler = default_noise_sampler(latent, seed=seed)
            for k in range(NEXT_DRAWS):
                out[f"{tag}_step{k}"] = sampler(None, None).numpy()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a1111", type=Path, required=True)
    parser.add_argument("--comfyui", type=Path, required=True)
    args = parser.parse_args()

    DATA.mkdir(exist_ok=True)
    cases = a1111_cases()
    np.savez_compressed(DATA / "philox.npz", **philox_vectors(args.a1111))
    np.savez_compressed(DATA / "a1111.npz", **a1111_vectors(args.a1111, cases))
    np.savez_compressed(DATA / "comfyui.npz", **comfy_vectors(args.comfyui))
    provenance = {
        "a1111_files": {
            "modules/rng_philox.py": "ef1698fd6dbd6387341a1eeeded068ff1476ee50",
            "modules/rng.py": "598aef823083397a58257be58bcfea01f1c8849a",
        },
        "comfyui_commit": git_head(args.comfyui),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "seeds": SEEDS,
        "shapes": SHAPES,
        "a1111_latent": LATENT,
        "a1111_cases": cases,
        "comfy_shapes": COMFY_SHAPES,
        "next_draws": NEXT_DRAWS,
    }
    (DATA / "provenance.json").write_text(json.dumps(provenance, indent=1) + "\n")


if __name__ == "__main__":
    main()
