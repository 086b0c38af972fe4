"""Make reference PNGs with ComfyUI itself (run here on the CPU) for the reproduction benchmark.

    python benchmarks/reference/comfyui_make.py [--server http://127.0.0.1:8188]
                                                [--comfy /tmp/comfy]
                                                [--only CASE ...] [--out benchmarks/data/comfyui]

Needs a running ComfyUI (`python main.py --cpu --listen 127.0.0.1 --port 8188
--disable-auto-launch`) with build_sd15.py's checkpoint in models/checkpoints and build_lora.py's
LoRA in models/loras (names CHECKPOINT and LORA below); see README.md. Standard library only.

Every case is an API-format prompt POSTed to /prompt with `extra_pnginfo.workflow` (a UI-format
workflow made from the same graph), so the saved PNG carries `prompt` and `workflow` text chunks
as users' files do. The PNGs are copied byte for byte from ComfyUI's output folder to OUT/<case>.png
(a batch: <case>-<index>.png); OUT/manifest.json lists each case with its file, SHA-256, settings,
what it tests and its time, plus the ComfyUI commit and the checkpoint's and LoRA's SHA-256. A case
that ComfyUI refuses or fails is recorded with its error instead of a file. Cases already in the
manifest with their file present are skipped, so an interrupted run resumes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHECKPOINT = "sd15-random.safetensors"
LORA = "sd15-random-lora.safetensors"
INPUT = "img2img-input.png"
PROMPT = "a red house on a green hill under a blue sky, photograph"
NEGATIVE = "blurry, lowres, watermark"
LONG_PROMPT = (
    "a highly detailed photograph of an old red brick farmhouse standing alone on a gentle green "
    "hill, tall oak trees on both sides, a winding gravel path leading to a white wooden door, "
    "flower boxes with yellow and purple flowers under every window, a weathered copper weather "
    "vane on the roof, soft golden evening light, long shadows across the grass, a few sheep "
    "grazing in the distance, low clouds over distant blue mountains, a small stream with a "
    "stone bridge in the foreground, shot on a medium format film camera, sharp focus, rich colour"
)
WEIGHTED_PROMPT = "(red:1.4) house, [blue] sky, (tree)"
SEED = 42
STEPS = 8
CFG = 7.0
SIZE = 64

SAMPLERS = [
    "euler",
    "euler_ancestral",
    "heun",
    "dpm_2",
    "dpm_2_ancestral",
    "lms",
    "dpmpp_2s_ancestral",
    "dpmpp_sde",
    "dpmpp_2m",
    "dpmpp_2m_sde",
    "dpmpp_3m_sde",
    "ddim",
    "uni_pc",
    "lcm",
]
SCHEDULERS = [
    "normal",
    "karras",
    "exponential",
    "sgm_uniform",
    "simple",
    "ddim_uniform",
    "beta",
    "kl_optimal",
]
ANCESTRAL_OR_SDE = {
    "euler_ancestral",
    "dpm_2_ancestral",
    "dpmpp_2s_ancestral",
    "dpmpp_sde",
    "dpmpp_2m_sde",
    "dpmpp_3m_sde",
    "lcm",
}

# UI-format facts for the nodes used: output types, linked inputs (name, type), widget names.
NODES = {
    "CheckpointLoaderSimple": (["MODEL", "CLIP", "VAE"], [], ["ckpt_name"]),
    "LoraLoader": (
        ["MODEL", "CLIP"],
        [("model", "MODEL"), ("clip", "CLIP")],
        ["lora_name", "strength_model", "strength_clip"],
    ),
    "CLIPSetLastLayer": (["CLIP"], [("clip", "CLIP")], ["stop_at_clip_layer"]),
    "CLIPTextEncode": (["CONDITIONING"], [("clip", "CLIP")], ["text"]),
    "EmptyLatentImage": (["LATENT"], [], ["width", "height", "batch_size"]),
    "LoadImage": (["IMAGE", "MASK"], [], ["image", "upload"]),
    "VAEEncode": (["LATENT"], [("pixels", "IMAGE"), ("vae", "VAE")], []),
    "KSampler": (
        ["LATENT"],
        [
            ("model", "MODEL"),
            ("positive", "CONDITIONING"),
            ("negative", "CONDITIONING"),
            ("latent_image", "LATENT"),
        ],
        ["seed", "control_after_generate", "steps", "cfg", "sampler_name", "scheduler", "denoise"],
    ),
    "VAEDecode": (["IMAGE"], [("samples", "LATENT"), ("vae", "VAE")], []),
    "SaveImage": ([], [("images", "IMAGE")], ["filename_prefix"]),
}


def graph(
    case: str,
    *,
    sampler: str = "euler",
    scheduler: str = "normal",
    prompt: str = PROMPT,
    denoise: float = 1.0,
    batch: int = 1,
    lora: float | None = None,
    clip_skip: int | None = None,
    img2img: bool = False,
) -> dict:
    """The API-format prompt of one case: checkpoint, LoRA, clip skip, encode, KSampler, save."""
    nodes: dict[str, dict] = {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CHECKPOINT}}
    }
    model, clip = ["4", 0], ["4", 1]
    if lora is not None:
        nodes["10"] = {
            "class_type": "LoraLoader",
            "inputs": {
                "lora_name": LORA,
                "strength_model": lora,
                "strength_clip": lora,
                "model": model,
                "clip": clip,
            },
        }
        model, clip = ["10", 0], ["10", 1]
    if clip_skip is not None:
        nodes["11"] = {
            "class_type": "CLIPSetLastLayer",
            "inputs": {"stop_at_clip_layer": clip_skip, "clip": clip},
        }
        clip = ["11", 0]
    nodes["6"] = {"class_type": "CLIPTextEncode", "inputs": {"text": prompt, "clip": clip}}
    nodes["7"] = {"class_type": "CLIPTextEncode", "inputs": {"text": NEGATIVE, "clip": clip}}
    if img2img:
        nodes["12"] = {"class_type": "LoadImage", "inputs": {"image": INPUT, "upload": "image"}}
        nodes["5"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["12", 0], "vae": ["4", 2]}}
    else:
        nodes["5"] = {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": SIZE, "height": SIZE, "batch_size": batch},
        }
    nodes["3"] = {
        "class_type": "KSampler",
        "inputs": {
            "seed": SEED,
            "steps": STEPS,
            "cfg": CFG,
            "sampler_name": sampler,
            "scheduler": scheduler,
            "denoise": denoise,
            "model": model,
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    }
    nodes["8"] = {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}}
    nodes["9"] = {
        "class_type": "SaveImage",
        "inputs": {"filename_prefix": case, "images": ["8", 0]},
    }
    return nodes


def ui_workflow(api: dict) -> dict:
    """A UI-format workflow (nodes, links, widgets_values) for an API-format prompt."""
    links, nodes = [], []
    out_links: dict[tuple[int, int], list[int]] = {}
    for node_id, node in api.items():
        _, inputs, _ = NODES[node["class_type"]]
        for slot, (name, _type) in enumerate(inputs):
            source, source_slot = node["inputs"][name]
            link_id = len(links) + 1
            links.append([link_id, int(source), source_slot, int(node_id), slot, _type])
            out_links.setdefault((int(source), source_slot), []).append(link_id)
    link_of = {(link[3], link[4]): link[0] for link in links}
    for order, (node_id, node) in enumerate(sorted(api.items(), key=lambda item: int(item[0]))):
        kind = node["class_type"]
        outputs, inputs, widgets = NODES[kind]
        values = [node["inputs"].get(name) for name in widgets]
        if kind == "KSampler":
            values[1] = "fixed"
        if kind == "LoadImage":
            values[1] = "image"
        nid = int(node_id)
        nodes.append(
            {
                "id": nid,
                "type": kind,
                "pos": [100 + 300 * order, 100],
                "size": [300, 100],
                "flags": {},
                "order": order,
                "mode": 0,
                "inputs": [
                    {"name": name, "type": _type, "link": link_of[(nid, slot)]}
                    for slot, (name, _type) in enumerate(inputs)
                ],
                "outputs": [
                    {
                        "name": _type,
                        "type": _type,
                        "links": out_links.get((nid, slot), []),
                        "slot_index": slot,
                    }
                    for slot, _type in enumerate(outputs)
                ],
                "properties": {"Node name for S&R": kind},
                "widgets_values": values,
            }
        )
    last_node = max(int(node_id) for node_id in api)
    return {
        "last_node_id": last_node,
        "last_link_id": len(links),
        "nodes": nodes,
        "links": links,
        "groups": [],
        "config": {},
        "extra": {},
        "version": 0.4,
    }


def cases() -> list[dict]:
    """Every case: name, what it tests, graph keywords. Ordered so the baseline comes first."""
    found = [
        {"case": "txt2img-euler-normal", "tests": "baseline: euler, scheduler normal", "args": {}}
    ]
    for sampler in SAMPLERS[1:]:
        kind = (
            "ancestral/SDE: step noise from the seed"
            if sampler in ANCESTRAL_OR_SDE
            else "deterministic"
        )
        found.append(
            {
                "case": f"txt2img-{sampler}-normal",
                "tests": f"sampler {sampler} ({kind}), scheduler normal",
                "args": {"sampler": sampler},
            }
        )
    found += [
        {
            "case": "img2img-euler-d050",
            "tests": "img2img: LoadImage → VAEEncode → KSampler denoise 0.5",
            "args": {"img2img": True, "denoise": 0.5},
        },
        {
            "case": "img2img-euler-d075",
            "tests": "img2img: LoadImage → VAEEncode → KSampler denoise 0.75",
            "args": {"img2img": True, "denoise": 0.75},
        },
        {
            "case": "lora-euler-s080",
            "tests": "LoraLoader kohya LoRA, strength 0.8 model and clip",
            "args": {"lora": 0.8},
        },
        {
            "case": "weighting-euler",
            "tests": f"ComfyUI prompt weighting: {WEIGHTED_PROMPT!r}",
            "args": {"prompt": WEIGHTED_PROMPT},
        },
        {
            "case": "clipskip2-euler",
            "tests": "CLIPSetLastLayer -2 (clip skip 2)",
            "args": {"clip_skip": -2},
        },
        {
            "case": "batch3-euler",
            "tests": "EmptyLatentImage batch_size 3: one noise tensor for the batch; "
            "the three files share one prompt chunk and differ only by batch index",
            "args": {"batch": 3},
        },
        {
            "case": "long-prompt-euler",
            "tests": "prompt over 75 tokens (ComfyUI encodes 77-token chunks)",
            "args": {"prompt": LONG_PROMPT},
        },
    ]
    for sampler in ("euler_ancestral", "dpmpp_2m_sde"):
        found.append(
            {
                "case": f"batch3-{sampler}",
                "tests": f"batch_size 3 with {sampler}: step noise drawn for the whole batch",
                "args": {"sampler": sampler, "batch": 3},
            }
        )
    for sampler in ("dpmpp_2m", "euler"):
        for scheduler in SCHEDULERS[1:]:
            found.append(
                {
                    "case": f"txt2img-{sampler}-{scheduler}",
                    "tests": f"scheduler {scheduler} with {sampler}",
                    "args": {"sampler": sampler, "scheduler": scheduler},
                }
            )
    return found


def write_input_png(path: Path) -> None:
    """A deterministic 64x64 RGB test picture (gradients, a disc, a bar), standard library only."""
    rows = []
    for y in range(SIZE):
        row = bytearray([0])  # PNG filter type: none
        for x in range(SIZE):
            inside = (x - 40) ** 2 + (y - 24) ** 2 < 14**2
            bar = 44 <= y < 54 and 8 <= x < 56
            red, green, blue = 4 * x, 4 * y, 255 - 2 * (x + y)
            if inside:
                red, green, blue = 240, 200, 40
            if bar:
                red, green, blue = 30, 60, 160
            row += bytes([red & 255, green & 255, max(blue, 0) & 255])
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = SIZE.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    )
    path.write_bytes(png + chunk(b"IEND", b""))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def call(server: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        server + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def run_case(server: str, comfy: Path, out: Path, case: dict) -> dict:
    api = graph(case["case"], **case["args"])
    body = {
        "prompt": api,
        "client_id": "comfyui_make",
        "extra_data": {"extra_pnginfo": {"workflow": ui_workflow(api)}},
    }
    entry = {"case": case["case"], "tests": case["tests"], "graph": case["args"]}
    start = time.perf_counter()
    try:
        prompt_id = call(server, "/prompt", body)["prompt_id"]
    except urllib.error.HTTPError as error:
        entry["error"] = f"refused: {error.read().decode(errors='replace')[:500]}"
        return entry
    history = None
    while not history:  # ComfyUI adds the history entry when the prompt has finished or failed
        time.sleep(2)
        history = call(server, f"/history/{prompt_id}").get(prompt_id)
    entry["seconds"] = round(time.perf_counter() - start, 1)
    if history["status"]["status_str"] != "success":
        errors = [
            message for message in history["status"]["messages"] if message[0] == "execution_error"
        ]
        detail = errors[0][1] if errors else {}
        kind, message = detail.get("exception_type", "error"), detail.get("exception_message", "")
        entry["error"] = f"{kind}: {message}".strip()
        return entry
    images = history["outputs"]["9"]["images"]
    files = []
    for index, image in enumerate(images):
        name = f"{case['case']}.png" if len(images) == 1 else f"{case['case']}-{index}.png"
        shutil.copyfile(comfy / "output" / image["subfolder"] / image["filename"], out / name)
        files.append(
            {
                "file": name,
                "sha256": sha256(out / name),
                "batch_index": index,
                "comfyui_output": image["filename"],
            }
        )
    entry["files"] = files
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="http://127.0.0.1:8188")
    parser.add_argument("--comfy", type=Path, default=Path("/tmp/comfy"))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "data" / "comfyui")
    parser.add_argument("--only", nargs="*", help="case names to (re)make")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"

    # 1. The input picture for img2img, also where LoadImage finds it.
    write_input_png(args.out / INPUT)
    shutil.copyfile(args.out / INPUT, args.comfy / "input" / INPUT)

    # 2. What made the references.
    commit = subprocess.run(
        ["git", "-C", str(args.comfy), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    header = {
        "generator": "ComfyUI, run here on the CPU (python main.py --cpu)",
        "comfyui_commit": commit,
        "checkpoint": {
            "name": CHECKPOINT,
            "sha256": sha256(args.comfy / "models" / "checkpoints" / CHECKPOINT),
            "build": "benchmarks/reference/build_sd15.py OUT/sd15-random.safetensors (seed 0)",
        },
        "lora": {
            "name": LORA,
            "sha256": sha256(args.comfy / "models" / "loras" / LORA),
            "build": "benchmarks/reference/build_lora.py OUT/sd15-random-lora.safetensors (seed 7)",
        },
        "make": "python benchmarks/reference/comfyui_make.py (see benchmarks/reference/README.md)",
        "settings": {
            "prompt": PROMPT,
            "negative": NEGATIVE,
            "seed": SEED,
            "steps": STEPS,
            "cfg": CFG,
            "width": SIZE,
            "height": SIZE,
            "sampler": "euler",
            "scheduler": "normal",
            "denoise": 1.0,
            "note": "each case's graph lists what it changes from these",
        },
        "input_image": {"file": INPUT, "sha256": sha256(args.out / INPUT)},
        "comfyui_runtime": "--cpu: UNet and VAE float32; text encoder weights float16 (ComfyUI's "
        "default on the CPU), computed in float32 (manual cast), so a LoRA merged into it is "
        "rounded to float16; "
        "initial noise and sampler noise on the CPU; PNG 8-bit by clip(255*x) and truncation",
    }
    done = {entry["case"]: entry for entry in manifest.get("cases", [])}
    if done and manifest.get("checkpoint", {}).get("sha256") != header["checkpoint"]["sha256"]:
        sys.exit("manifest was made with another checkpoint; remove it to start again")

    # 3. The cases, in order; the manifest is rewritten after each (and at the end: the header).
    def write_manifest() -> None:
        ordered = [done[c["case"]] for c in cases() if c["case"] in done]
        manifest_path.write_text(json.dumps({**header, "cases": ordered}, indent=1) + "\n")

    for case in cases():
        previous = done.get(case["case"])
        if args.only and case["case"] not in args.only:
            continue
        made = (
            previous
            and "files" in previous
            and all((args.out / f["file"]).exists() for f in previous["files"])
        )
        if made and not args.only:
            continue
        entry = run_case(args.server, args.comfy, args.out, case)
        done[case["case"]] = entry
        print(case["case"], entry.get("seconds"), entry.get("error", "ok"), flush=True)
        write_manifest()
    write_manifest()


if __name__ == "__main__":
    main()
