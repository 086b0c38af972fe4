"""ComfyUI graphs: PNG text "prompt" (the API graph that ran) and "workflow" (the editor's graph).

API graph: {"3": {"class_type": "KSampler", "inputs": {"seed": 5, "model": ["4", 0], …}}, …};
an input is a literal or a link [source node id, output slot]. We start at the sampler node and
follow links: model → LoRA loaders → checkpoint; positive/negative → CLIPTextEncode text; clip →
CLIPSetLastLayer; latent → EmptyLatentImage (txt2img), VAEEncode (img2img) or an earlier sampler
(a second, hires pass). The editor graph is used only when "prompt" is missing: its nodes keep
widget values by position, which we name for the common node types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workstation.analysis.provenance import samplers
from workstation.analysis.provenance.result import LoraRef, PeerSettings, Recipe
from workstation.analysis.provenance.values import as_text, load_json, to_float, to_int

_MAX_DEPTH = 64  # links followed along one path; real graphs need a handful
_MAX_NODES = 20_000  # nodes visited gathering the texts behind one conditioning input
_SAMPLERS = ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced")
_CONTROL = {"fixed", "increment", "decrement", "randomize"}
# Editor node type -> its widget names in order; "control" is the seed's control_after_generate.
_WIDGETS = {
    "KSampler": ["seed", "control", "steps", "cfg", "sampler_name", "scheduler", "denoise"],
    "KSamplerAdvanced": [
        "add_noise",
        "noise_seed",
        "control",
        "steps",
        "cfg",
        "sampler_name",
        "scheduler",
        "start_at_step",
        "end_at_step",
        "return_with_leftover_noise",
    ],  # fmt: skip
    "SamplerCustom": ["add_noise", "noise_seed", "control", "cfg"],
    "RandomNoise": ["noise_seed", "control"],
    "KSamplerSelect": ["sampler_name"],
    "BasicScheduler": ["scheduler", "steps", "denoise"],
    "CFGGuider": ["cfg"],
    "CheckpointLoaderSimple": ["ckpt_name"],
    "UNETLoader": ["unet_name", "weight_dtype"],
    "LoraLoader": ["lora_name", "strength_model", "strength_clip"],
    "LoraLoaderModelOnly": ["lora_name", "strength_model"],
    "CLIPTextEncode": ["text"],
    "CLIPSetLastLayer": ["stop_at_clip_layer"],
    "EmptyLatentImage": ["width", "height", "batch_size"],
    "EmptySD3LatentImage": ["width", "height", "batch_size"],
    "VAELoader": ["vae_name"],
    "LoadImage": ["image", "upload"],
    "PrimitiveNode": ["value", "control"],
}


def parse(
    prompt_text: str | None,
    workflow_text: str | None,
    prompt_source: str,
    workflow_source: str,
) -> tuple[Recipe | None, list[str]]:
    """The recipe from the API graph, or from the editor graph when there is no usable API graph."""
    warnings: list[str] = []
    nodes, source = None, prompt_source
    if prompt_text is not None:
        data = load_json(prompt_text, prompt_source, warnings)
        if isinstance(data, dict):
            nodes = data
        elif data is not None:
            warnings.append(f"{prompt_source}: not a JSON object of nodes")
    if nodes is None and workflow_text is not None:
        data = load_json(workflow_text, workflow_source, warnings)
        if isinstance(data, dict):
            nodes, source = _from_workflow(data, warnings), workflow_source
            warnings.append(
                f"{workflow_source}: recipe read from the editor graph; its widget values are "
                "what the editor held and may differ from what ran"
            )
    graph = _Graph({str(k): v for k, v in (nodes or {}).items() if isinstance(v, dict)})
    if not any(isinstance(node.get("class_type"), str) for node in graph.nodes.values()):
        if nodes is not None:
            warnings.append(f"{source}: JSON without ComfyUI nodes (no class_type)")
        return None, warnings
    return _recipe(graph, source, warnings), warnings


@dataclass
class _Sampler:
    node_id: str
    kind: str
    seed: Any = None
    steps: Any = None
    cfg: Any = None
    sampler_name: Any = None
    scheduler: Any = None
    denoise: Any = None
    model: Any = None  # link
    positive: Any = None  # link
    negative: Any = None  # link
    latent: Any = None  # link


class _Graph:
    def __init__(self, nodes: dict[str, dict]) -> None:
        self.nodes = nodes

    def linked(self, value: Any) -> tuple[str, dict, int] | None:
        """(node id, node, output slot) if `value` is a link to a node in the graph."""
        if (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[1], int)
            and not isinstance(value[1], bool)
            and isinstance(self.nodes.get(str(value[0])), dict)
        ):
            return str(value[0]), self.nodes[str(value[0])], value[1]
        return None

    def value(self, node: dict | None, name: str) -> Any:
        """A literal input; a link is followed to the node that holds the value (seed, string…)."""
        raw = _inputs(node).get(name)
        for _ in range(_MAX_DEPTH):
            found = self.linked(raw)
            if found is None:
                return raw
            inputs = _inputs(found[1])
            key = next((k for k in _VALUE_INPUTS if k in inputs), None)
            if key is None and len(inputs) == 1:
                key = next(iter(inputs))
            if key is None:
                return None
            raw = inputs[key]
        return None


_VALUE_INPUTS = ("value", "text", "string", "seed", "noise_seed", "int", "float", "number")


def _inputs(node: dict | None) -> dict:
    inputs = node.get("inputs") if isinstance(node, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def _kind(node: dict) -> str:
    kind = node.get("class_type")
    return kind if isinstance(kind, str) else "?"


def _next_link(graph: _Graph, node: dict, names: tuple[str, ...]) -> Any:
    """The link a pass-through node takes on the first of `names`, or on its only link input."""
    inputs = _inputs(node)
    for name in names:
        if graph.linked(inputs.get(name)):
            return inputs[name]
    links = [value for value in inputs.values() if graph.linked(value)]
    return links[0] if len(links) == 1 else None


# --- samplers ----------------------------------------------------------------------------------


def _find_samplers(graph: _Graph) -> list[_Sampler]:
    found = []
    for node_id in sorted(graph.nodes, key=_id_order):
        node = graph.nodes[node_id]
        inputs = _inputs(node)
        kind = _kind(node)
        looks_like_ksampler = {"sampler_name", "steps", "model"} <= inputs.keys() and (
            "seed" in inputs or "noise_seed" in inputs
        )
        if kind in _SAMPLERS or looks_like_ksampler:
            found.append(_read_sampler(graph, node_id, node))
    return found


def _read_sampler(graph: _Graph, node_id: str, node: dict) -> _Sampler:
    kind, inputs = _kind(node), _inputs(node)
    sampler = _Sampler(node_id, kind, latent=inputs.get("latent_image"))
    if kind == "SamplerCustomAdvanced":
        noise = graph.linked(inputs.get("noise"))
        guider = graph.linked(inputs.get("guider"))
        guider_node = guider[1] if guider else None
        sampler.seed = graph.value(noise[1] if noise else None, "noise_seed")
        sampler.cfg = graph.value(guider_node, "cfg")
        guider_inputs = _inputs(guider_node)
        sampler.model = guider_inputs.get("model")
        sampler.positive = guider_inputs.get("positive", guider_inputs.get("conditioning"))
        sampler.negative = guider_inputs.get("negative")
    else:
        sampler.seed = graph.value(node, "seed" if "seed" in inputs else "noise_seed")
        sampler.cfg = graph.value(node, "cfg")
        sampler.model = inputs.get("model")
        sampler.positive = inputs.get("positive")
        sampler.negative = inputs.get("negative")
    if kind in ("SamplerCustom", "SamplerCustomAdvanced"):
        select = graph.linked(inputs.get("sampler"))
        sigmas = graph.linked(inputs.get("sigmas"))
        sigmas_node = sigmas[1] if sigmas else None
        sampler.sampler_name = graph.value(select[1] if select else None, "sampler_name")
        sampler.steps = graph.value(sigmas_node, "steps")
        sampler.scheduler = graph.value(sigmas_node, "scheduler")
        sampler.denoise = graph.value(sigmas_node, "denoise")
    else:
        sampler.steps = graph.value(node, "steps")
        sampler.sampler_name = graph.value(node, "sampler_name")
        sampler.scheduler = graph.value(node, "scheduler")
        sampler.denoise = graph.value(node, "denoise")
    return sampler


def _latent_origin(graph: _Graph, link: Any) -> tuple[str, str, dict | None]:
    """Where a sampler's latent comes from: ("empty"|"image"|"sampler"|"unknown", id, node)."""
    for _ in range(_MAX_DEPTH):
        found = graph.linked(link)
        if found is None:
            break
        node_id, node, _slot = found
        kind, inputs = _kind(node), _inputs(node)
        if kind in _SAMPLERS or "sampler_name" in inputs:
            return "sampler", node_id, node
        if kind.startswith("VAEEncode"):
            return "image", node_id, node
        if "width" in inputs and "height" in inputs and "Empty" in kind:
            return "empty", node_id, node
        link = _next_link(graph, node, ("samples", "latent", "latent_image", "pixels"))
    return "unknown", "", None


# --- model, LoRAs, text ------------------------------------------------------------------------


def _model_chain(graph: _Graph, link: Any, warnings: list[str]) -> tuple[Any, list[tuple]]:
    """(checkpoint or UNet file name, [(node id, node) of LoRA loaders from the checkpoint out])."""
    loras = []
    visited: set[str] = set()
    for _ in range(_MAX_DEPTH):
        found = graph.linked(link)
        if found is None:
            break
        node_id, node, _slot = found
        if node_id in visited:
            warnings.append(f"the model path loops back to node {node_id}; read up to there")
            break
        visited.add(node_id)
        inputs = _inputs(node)
        for name in ("ckpt_name", "unet_name"):
            if name in inputs:
                return graph.value(node, name), loras[::-1]
        if "lora_name" in inputs:
            loras.append((node_id, node))
        elif "lora" in _kind(node).lower():
            warnings.append(f"LoRA node {node_id} ({_kind(node)}) is not understood; not listed")
        link = _next_link(graph, node, ("model",))
    return None, loras[::-1]


def _clip_chain(graph: _Graph, link: Any) -> tuple[set[str], int | None]:
    """(ids of nodes on a text encoder's CLIP path, clip skip from CLIPSetLastLayer if any)."""
    ids: set[str] = set()
    clip_skip = None
    for _ in range(_MAX_DEPTH):
        found = graph.linked(link)
        if found is None:
            break
        node_id, node, _slot = found
        if node_id in ids:  # a loop: every node on it has been read
            break
        ids.add(node_id)
        inputs = _inputs(node)
        if "stop_at_clip_layer" in inputs and clip_skip is None:
            layer = to_int(graph.value(node, "stop_at_clip_layer"), "stop_at_clip_layer", [])
            clip_skip = -layer if layer is not None and layer < 0 else None
        if "ckpt_name" in inputs:
            return ids, clip_skip if clip_skip is not None else 1
        link = _next_link(graph, node, ("clip",))
    return ids, clip_skip


def _texts(graph: _Graph, link: Any, warnings: list[str]) -> tuple[list, list[dict]]:
    """(texts, text-encoder nodes) feeding a conditioning input, depth first in input order; each
    node is visited once, iteratively (a chain of thousands of nodes needs no recursion)."""
    texts: list[Any] = []
    encoders: list[dict] = []
    seen: set[str] = set()
    stack = [link]
    while stack and len(seen) <= _MAX_NODES:
        found = graph.linked(stack.pop())
        if found is None or found[0] in seen:
            continue
        node_id, node, slot = found
        seen.add(node_id)
        inputs = _inputs(node)
        if _kind(node) == "ConditioningZeroOut":
            texts.append("")
            continue
        if "text" in inputs or "text_g" in inputs:
            own = []
            for name in ("text", "text_g", "text_l"):
                if name in inputs and (value := graph.value(node, name)) not in own:
                    own.append(value)
            texts += own
            encoders.append(node)
            continue
        names = [
            k
            for k, v in inputs.items()
            if graph.linked(v) and ("conditioning" in k or k in _POLARITY)
        ]
        if set(_POLARITY) <= set(names):  # e.g. ControlNetApplyAdvanced: output 0 +, output 1 −
            names = [_POLARITY[min(slot, 1)]]
        if not names:
            names = [k for k, v in inputs.items() if graph.linked(v)][:1]
        stack += [inputs[name] for name in reversed(names)]  # the first input is read first
    if stack and len(seen) > _MAX_NODES:
        warnings.append(f"a conditioning input is fed by over {_MAX_NODES} nodes; read that many")
    return texts, encoders


_POLARITY = ("positive", "negative")


def _joined(texts: list[Any], what: str, warnings: list[str]) -> str | None:
    strings = [text for text in texts if isinstance(text, str)]
    if len(strings) < len(texts):
        warnings.append(f"part of the {what} text comes from nodes that could not be followed")
    if len(strings) > 1:
        warnings.append(f"{len(strings)} texts feed the {what} conditioning; joined by newlines")
    return "\n".join(strings) if strings else None


# --- recipe ------------------------------------------------------------------------------------


def _recipe(graph: _Graph, source: str, warnings: list[str]) -> Recipe:
    found = _find_samplers(graph)
    if not found:
        warnings.append("ComfyUI graph has no sampler node we recognise")
        return Recipe(generator="ComfyUI", source=source)
    origins = [_latent_origin(graph, s.latent) for s in found]
    first = next((i for i, o in enumerate(origins) if o[0] in ("empty", "image")), 0)
    main, (origin, _, origin_node) = found[first], origins[first]
    # Later passes (hires fix, SDXL refiner) are listed, not merged into the recipe.
    hires = tuple(
        (
            f"node {s.node_id} {s.kind}",
            f"{s.sampler_name} + {s.scheduler}, steps {s.steps}, cfg {s.cfg}, denoise {s.denoise}",
        )
        for i, s in enumerate(found)
        if i != first
    )
    if hires:
        warnings.append(f"{len(found)} sampler nodes; the recipe is node {main.node_id}'s")

    # Model, LoRAs on the model path and on the text encoder's CLIP path, clip skip.
    model_name, model_loras = _model_chain(graph, main.model, warnings)
    positive, encoders = _texts(graph, main.positive, warnings)
    negative, _ = _texts(graph, main.negative, warnings)
    clip_ids, clip_skip = set(), None
    if encoders:
        clip_ids, clip_skip = _clip_chain(graph, _inputs(encoders[0]).get("clip"))
    loras = _loras(graph, model_loras, clip_ids if encoders else None, warnings)

    # Sampler name, size, mode.
    sampler = None
    base = samplers.COMFYUI.get(main.sampler_name) if isinstance(main.sampler_name, str) else None
    if base is None:
        warnings.append(f"ComfyUI sampler {main.sampler_name!r} has no A1111 equivalent")
    else:
        schedule = main.scheduler if isinstance(main.scheduler, str) else None
        sampler = samplers.join(base, samplers.COMFYUI_SCHEDULES.get(schedule, schedule), warnings)
    width = height = None
    if origin == "empty":
        width = to_int(graph.value(origin_node, "width"), "width", warnings)
        height = to_int(graph.value(origin_node, "height"), "height", warnings)
    settings = [("sampler node", f"{main.node_id} {main.kind}")]
    settings += [
        (k, as_text(v))
        for k, v in _inputs(graph.nodes[main.node_id]).items()
        if not graph.linked(v)
    ]
    if origin == "image":
        image = _image_source(graph, origin_node)
        settings.append(("init image", as_text(image)))
    return Recipe(
        generator="ComfyUI",
        source=source,
        prompt=_joined(positive, "positive", warnings),
        negative=_joined(negative, "negative", warnings),
        seed=to_int(main.seed, "seed", warnings),
        steps=to_int(main.steps, "steps", warnings),
        cfg=to_float(main.cfg, "cfg", warnings),
        sampler=sampler,
        sampler_recorded=f"{as_text(main.sampler_name)} + {as_text(main.scheduler)}",
        schedule=as_text(main.scheduler) if main.scheduler is not None else None,
        width=width,
        height=height,
        model_name=as_text(model_name) if model_name is not None else None,
        loras=loras,
        clip_skip=clip_skip,
        denoising_strength=to_float(main.denoise, "denoise", warnings),
        mode={"empty": "txt2img", "image": "img2img"}.get(origin),
        hires=hires,
        settings=tuple(settings),
        peer=_peer(graph, main, origin, origin_node, hires, warnings),
    )


def _peer(
    graph: _Graph,
    main: _Sampler,
    origin: str,
    origin_node: dict | None,
    passes: tuple,
    warnings: list[str],
) -> PeerSettings | None:
    """How ComfyUI itself ran the main sampler node; what the engine cannot follow is refused
    by name."""
    if not isinstance(main.sampler_name, str) or not isinstance(main.scheduler, str):
        return None
    refused = [f"a later sampler pass ({label})" for label, _ in passes]
    node_inputs = _inputs(graph.nodes[main.node_id])
    if main.kind not in ("KSampler", "KSamplerAdvanced"):
        refused.append(f"sampler node type {main.kind}")
    elif main.kind == "KSamplerAdvanced":
        start = graph.value(graph.nodes[main.node_id], "start_at_step")
        end = graph.value(graph.nodes[main.node_id], "end_at_step")
        if (
            start not in (0, None)
            or (isinstance(end, int) and end < (main.steps or 0))
            or node_inputs.get("add_noise") == "disable"
        ):
            refused.append("KSamplerAdvanced with a partial step range or without noise")
    denoise = to_float(main.denoise, "denoise", warnings)
    if origin == "empty" and denoise not in (None, 1.0):
        refused.append(f"denoise {denoise} on an empty latent")
    batch = 1
    if origin == "empty":
        batch = to_int(graph.value(origin_node, "batch_size"), "batch_size", warnings) or 1
    return PeerSettings(
        convention="comfyui",
        sampler=main.sampler_name,
        scheduler=main.scheduler,
        prompt_syntax="comfyui",
        noise="cpu",  # comfy.sample.prepare_noise draws on the CPU whatever the device
        batch_size=batch,
        refused=tuple(refused),
    )


def _loras(
    graph: _Graph, model_loras: list[tuple], clip_ids: set[str] | None, warnings: list[str]
) -> tuple[LoraRef, ...]:
    """LoRAs on the model path, then those only on the CLIP path; a loader that one path skips
    has scale 0 there. `clip_ids` is None when the CLIP path is unknown."""
    model_ids = {node_id for node_id, _ in model_loras}
    clip_only = sorted((clip_ids or set()) - model_ids, key=_id_order)
    clip_loras = [(i, graph.nodes[i]) for i in clip_only if "lora_name" in _inputs(graph.nodes[i])]
    found = []
    for node_id, node in model_loras + clip_loras:
        model_scale = to_float(graph.value(node, "strength_model"), "strength_model", warnings)
        clip_scale = to_float(graph.value(node, "strength_clip"), "strength_clip", warnings)
        if clip_ids is None:
            clip_scale = None
        elif node_id not in clip_ids:
            clip_scale = 0.0
        found.append(
            LoraRef(
                name=as_text(graph.value(node, "lora_name")),
                scale=model_scale if node_id in model_ids else 0.0,
                text_encoder_scale=clip_scale,
                source=f"{_kind(node)} node {node_id}",
            )
        )
    return tuple(found)


def _image_source(graph: _Graph, vae_encode: dict | None) -> Any:
    link = _inputs(vae_encode).get("pixels")
    for _ in range(_MAX_DEPTH):
        found = graph.linked(link)
        if found is None:
            return None
        node = found[1]
        if "image" in _inputs(node) and not graph.linked(_inputs(node)["image"]):
            return _inputs(node)["image"]
        link = _next_link(graph, node, ("image", "pixels"))
    return None


def _id_order(node_id: str) -> tuple[int, int | str]:
    return (0, int(node_id)) if node_id.isdigit() else (1, node_id)


# --- editor workflow -----------------------------------------------------------------------------


def _from_workflow(data: dict, warnings: list[str]) -> dict[str, dict] | None:
    """The editor graph turned into API form for the node types in `_WIDGETS`."""
    nodes, links = data.get("nodes"), data.get("links")
    if not isinstance(nodes, list) or not isinstance(links, list):
        warnings.append('ComfyUI "workflow" has no list of nodes and links')
        return None
    origin: dict[int, list] = {}
    for link in links:
        if isinstance(link, list) and len(link) >= 3 and isinstance(link[0], int):
            origin[link[0]] = [str(link[1]), link[2]]
        elif isinstance(link, dict) and isinstance(link.get("id"), int):
            origin[link["id"]] = [str(link.get("origin_id")), link.get("origin_slot")]
    api: dict[str, dict] = {}
    for node in nodes:
        if not isinstance(node, dict) or node.get("mode") == 2:  # 2 = muted: did not run
            continue
        kind = str(node.get("type"))
        inputs: dict[str, Any] = {}
        names = list(_WIDGETS.get(kind, ()))
        widgets = node.get("widgets_values")
        if node.get("mode") == 4:  # bypassed: passes its inputs through
            kind, names = f"{kind} (bypassed)", []
        if names and isinstance(widgets, list):
            if "control" in names:
                at = names.index("control")
                if not (at < len(widgets) and str(widgets[at]) in _CONTROL):
                    names.remove("control")
            inputs.update((n, v) for n, v in zip(names, widgets, strict=False) if n != "control")
        for slot in node.get("inputs") or []:
            if (
                isinstance(slot, dict)
                and isinstance(slot.get("link"), int)
                and slot["link"] in origin
            ):
                inputs[str(slot.get("name", ""))] = origin[slot["link"]]
        api[str(node.get("id"))] = {"class_type": kind, "inputs": inputs}
    return api
