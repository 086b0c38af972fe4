"""ComfyUI graphs: PNG text "prompt" (the API graph that ran) and "workflow" (the editor's graph).

API graph: {"3": {"class_type": "KSampler", "inputs": {"seed": 5, "model": ["4", 0], …}}, …};
an input is a literal or a link [source node id, output slot]. The graph is walked as a graph,
iteratively, each node once (a loop ends a walk with a warning): from the output node (SaveImage,
PreviewImage, or whatever takes a VAEDecode's image) back through VAEDecode to the last sampler,
then along each sampler's latent to the one before it — through latent upscales, pixel upscales
(VAEDecode → ImageScale / ImageUpscaleWithModel → VAEEncode), inpaint masks and batch picks — to
an empty latent (txt2img) or an encoded image (img2img, inpaint). Each sampler on that chain is a
`Stage`: "base", then "refiner" (a KSamplerAdvanced hand-over to another model, or a second pass
with another model), "hires" (after an upscale) or "pass". The recipe's own fields are the base
stage's; from each sampler we follow model → LoRA loaders → checkpoint, positive/negative →
CLIPTextEncode text, clip → CLIPSetLastLayer. The editor graph is used only when "prompt" is
missing: its nodes keep widget values by position, which we name for the common node types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from workstation.analysis.provenance import samplers
from workstation.analysis.provenance.result import LoraRef, ModelRef, PeerSettings, Recipe, Stage
from workstation.analysis.provenance.values import as_text, load_json, to_float, to_int

_MAX_DEPTH = 64  # links followed to a primitive value; real graphs need one or two
_MAX_NODES = 20_000  # nodes visited along one walk
_SAMPLERS = ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced")
_OUTPUTS = ("SaveImage", "PreviewImage", "SaveAnimatedWEBP", "SaveAnimatedPNG")
_LATENT_UPSCALES = ("LatentUpscale", "LatentUpscaleBy")
_PIXEL_UPSCALES = ("ImageUpscaleWithModel",)  # and every ImageScale* node
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
    "LatentUpscale": ["upscale_method", "width", "height", "crop"],
    "LatentUpscaleBy": ["upscale_method", "scale_by"],
    "ImageScale": ["upscale_method", "width", "height", "crop"],
    "ImageScaleBy": ["upscale_method", "scale_by"],
    "UpscaleModelLoader": ["model_name"],
    "VAEEncodeForInpaint": ["grow_mask_by"],
    "InpaintModelConditioning": ["noise_mask"],
    "LoadImageMask": ["image", "channel", "upload"],
    "LatentFromBatch": ["batch_index", "length"],
    "CLIPLoader": ["clip_name", "type"],
    "DualCLIPLoader": ["clip_name1", "clip_name2", "type"],
    "ControlNetLoader": ["control_net_name"],
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
    recipe = _recipe(graph, source, warnings)
    return recipe, list(dict.fromkeys(warnings))  # a path walked for several stages warns once


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
    # KSamplerAdvanced
    start: Any = None
    end: Any = None
    add_noise: Any = None
    leftover: Any = None

    @property
    def label(self) -> str:
        return f"{self.kind} node {self.node_id}"


@dataclass
class _Trace:
    """What lies behind a latent (or image) input, walked back to where it starts."""

    origin: str = "unknown"  # "empty", "image" (an image file), "sampler", "unknown"
    node_id: str = ""
    node: dict | None = None
    encoder: tuple[str, dict] | None = None  # VAEEncode*, InpaintModelConditioning
    upscales: list[tuple[str, dict]] = field(default_factory=list)  # latent or pixel, in run order
    masks: list[tuple[str, dict]] = field(default_factory=list)  # nodes applying an inpaint mask
    batch: list[tuple[str, dict]] = field(default_factory=list)  # LatentFromBatch


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

    def walk(
        self, link: Any, next_link: Callable[[dict], Any], warnings: list[str], what: str
    ) -> Iterator[tuple[str, dict]]:
        """The nodes along one path of links, each once: `next_link(node)` names the next.
        A loop ends the walk with a warning; no recursion, however long the path."""
        seen: set[str] = set()
        while (found := self.linked(link)) is not None:
            node_id, node, _slot = found
            if node_id in seen:
                warnings.append(f"the {what} path loops back to node {node_id}; read up to there")
                return
            if len(seen) >= _MAX_NODES:
                warnings.append(f"the {what} path is over {_MAX_NODES} nodes long; read that far")
                return
            seen.add(node_id)
            yield node_id, node
            link = next_link(node)

    def upstream(self, starts: list[str], warnings: list[str]) -> set[str]:
        """Every node the given nodes depend on, themselves included."""
        seen: set[str] = set()
        stack = [[node_id, 0] for node_id in starts]
        while stack:
            found = self.linked(stack.pop())
            if found is None or found[0] in seen:
                continue
            if len(seen) >= _MAX_NODES:
                warnings.append(f"the graph is over {_MAX_NODES} nodes; read that many")
                break
            seen.add(found[0])
            stack += [v for v in _inputs(found[1]).values() if self.linked(v)]
        return seen


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


def _is_sampler(node: dict) -> bool:
    inputs = _inputs(node)
    looks_like_ksampler = {"sampler_name", "steps", "model"} <= inputs.keys() and (
        "seed" in inputs or "noise_seed" in inputs
    )
    return _kind(node) in _SAMPLERS or looks_like_ksampler


# --- samplers ----------------------------------------------------------------------------------


def _find_samplers(graph: _Graph) -> dict[str, _Sampler]:
    return {
        node_id: _read_sampler(graph, node_id, graph.nodes[node_id])
        for node_id in sorted(graph.nodes, key=_id_order)
        if _is_sampler(graph.nodes[node_id])
    }


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
    if "start_at_step" in inputs or "end_at_step" in inputs:
        sampler.start = graph.value(node, "start_at_step")
        sampler.end = graph.value(node, "end_at_step")
        sampler.leftover = graph.value(node, "return_with_leftover_noise")
    if "add_noise" in inputs:
        sampler.add_noise = graph.value(node, "add_noise")
    return sampler


def _trace(graph: _Graph, link: Any, warnings: list[str]) -> _Trace:
    """Walk back from a latent or image input to its start: an empty latent, an image file or
    an earlier sampler, noting upscales, inpaint masks and batch picks on the way."""
    trace = _Trace()
    names = ("samples", "latent", "latent_image", "pixels", "image", "images")

    def next_link(node: dict) -> Any:
        kind = _kind(node)
        if kind in _PIXEL_UPSCALES or kind.startswith("ImageScale"):
            return _next_link(graph, node, ("image",))
        if kind.startswith("VAEEncode") or kind == "InpaintModelConditioning":
            return _next_link(graph, node, ("pixels",))
        return _next_link(graph, node, names)

    for node_id, node in graph.walk(link, next_link, warnings, "latent"):
        kind, inputs = _kind(node), _inputs(node)
        if _is_sampler(node):
            trace.origin, trace.node_id, trace.node = "sampler", node_id, node
            return trace
        if "width" in inputs and "height" in inputs and "Empty" in kind:
            trace.origin, trace.node_id, trace.node = "empty", node_id, node
            return trace
        if kind in _LATENT_UPSCALES or kind in _PIXEL_UPSCALES or kind.startswith("ImageScale"):
            trace.upscales.insert(0, (node_id, node))
        elif kind.startswith("VAEEncode") or kind == "InpaintModelConditioning":
            trace.encoder = (node_id, node)
        elif kind == "SetLatentNoiseMask":
            trace.masks.insert(0, (node_id, node))
        elif kind == "LatentFromBatch":
            trace.batch.insert(0, (node_id, node))
        elif kind.startswith("LoadImage") or (
            "image" in inputs and not graph.linked(inputs["image"])
        ):
            trace.origin, trace.node_id, trace.node = "image", node_id, node
            return trace
    if trace.encoder is not None:  # an encoded image from a node we do not know
        trace.origin, trace.node_id, trace.node = "image", trace.encoder[0], trace.encoder[1]
    return trace


def _final_sampler(
    graph: _Graph, found: dict[str, _Sampler], warnings: list[str]
) -> tuple[str | None, list[str], _Trace | None]:
    """(the sampler whose result the output node saved, the output node ids, the trace from the
    output back to that sampler). Without an output node: the last sampler no other one feeds."""
    decoders = {i for i, n in graph.nodes.items() if _kind(n) == "VAEDecode"}
    outputs = [i for i in sorted(graph.nodes, key=_id_order) if _kind(graph.nodes[i]) in _OUTPUTS]
    outputs.sort(key=lambda i: _kind(graph.nodes[i]) != "SaveImage")  # saved images first
    if not outputs:
        outputs = [
            node_id
            for node_id in sorted(graph.nodes, key=_id_order)
            if node_id not in decoders
            and any(
                (link := graph.linked(v)) and link[0] in decoders
                for v in _inputs(graph.nodes[node_id]).values()
            )
        ]
    for output in outputs:
        inputs = _inputs(graph.nodes[output])
        start = inputs.get("images", _next_link(graph, graph.nodes[output], ("images", "image")))
        trace = _trace(graph, start, warnings)
        if trace.origin == "sampler":
            others = [o for o in outputs if o != output]
            if others:
                warnings.append(
                    f"{len(outputs)} output nodes; the recipe is for {_kind(graph.nodes[output])} "
                    f"node {output}'s image (the file may be another's: node "
                    f"{', '.join(others)})"
                )
            return trace.node_id, [output], trace
    fed = {
        trace.node_id
        for sampler in found.values()
        if (trace := _trace(graph, sampler.latent, [])).origin == "sampler"
    }
    last = [node_id for node_id in found if node_id not in fed]
    if len(last) > 1:
        warnings.append(
            f"{len(last)} sampler chains and no output node; the recipe is node {last[-1]}'s"
        )
    return (last[-1] if last else next(reversed(found))), [], None


def _chain(
    graph: _Graph, found: dict[str, _Sampler], last: str, warnings: list[str]
) -> list[tuple[_Sampler, _Trace]]:
    """The samplers that made the result, first pass first, each with what fed its latent."""
    chain = []
    seen: set[str] = set()
    current: str | None = last
    while current is not None and current not in seen:
        seen.add(current)
        trace = _trace(graph, found[current].latent, warnings)
        chain.append((found[current], trace))
        current = trace.node_id if trace.origin == "sampler" and trace.node_id in found else None
    if current is not None:
        warnings.append(f"sampler node {current} feeds its own latent in a loop; read up to there")
    return chain[::-1]


# --- model, LoRAs, text ------------------------------------------------------------------------


def _model_chain(
    graph: _Graph, link: Any, warnings: list[str]
) -> tuple[Any, tuple[str, dict] | None, list[tuple]]:
    """(checkpoint or UNet file name, its loader (id, node), [(node id, node) of LoRA loaders
    from the checkpoint out])."""
    loras = []
    next_model = lambda node: _next_link(graph, node, ("model",))  # noqa: E731
    for node_id, node in graph.walk(link, next_model, warnings, "model"):
        inputs = _inputs(node)
        for name in ("ckpt_name", "unet_name"):
            if name in inputs:
                return graph.value(node, name), (node_id, node), loras[::-1]
        if "lora_name" in inputs:
            loras.append((node_id, node))
        elif "lora" in _kind(node).lower():
            warnings.append(f"LoRA node {node_id} ({_kind(node)}) is not understood; not listed")
    return None, None, loras[::-1]


def _clip_chain(graph: _Graph, link: Any, warnings: list[str]) -> tuple[set[str], int | None, bool]:
    """(ids of nodes on a text encoder's CLIP path, clip skip, whether that clip skip is ComfyUI's
    default rather than a CLIPSetLastLayer value)."""
    ids: set[str] = set()
    clip_skip = None
    next_clip = lambda node: _next_link(graph, node, ("clip",))  # noqa: E731
    for node_id, node in graph.walk(link, next_clip, warnings, "CLIP"):
        ids.add(node_id)
        inputs = _inputs(node)
        if "stop_at_clip_layer" in inputs and clip_skip is None:
            layer = to_int(graph.value(node, "stop_at_clip_layer"), "stop_at_clip_layer", [])
            clip_skip = -layer if layer is not None and layer < 0 else None
        if "ckpt_name" in inputs:
            return ids, clip_skip if clip_skip is not None else 1, clip_skip is None
    return ids, clip_skip, False


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


# --- stages ------------------------------------------------------------------------------------


@dataclass
class _Pass:
    """One sampler of the chain as read: its stage and what the recipe needs besides."""

    sampler: _Sampler
    trace: _Trace
    stage: Stage
    model: tuple[str, dict] | None  # the checkpoint/UNet loader
    loras: list[tuple]
    refusal: str | None = None  # what the engine cannot follow, by name


def _passes(
    graph: _Graph, chain: list[tuple[_Sampler, _Trace]], warnings: list[str]
) -> list[_Pass]:
    passes: list[_Pass] = []
    for index, (sampler, trace) in enumerate(chain):
        name, loader, loras = _model_chain(graph, sampler.model, warnings)
        model = as_text(name) if name is not None else None
        settings = [
            (k, as_text(v))
            for k, v in _inputs(graph.nodes[sampler.node_id]).items()
            if not graph.linked(v)
        ]
        settings += _trace_settings(graph, trace, warnings)
        steps = to_int(sampler.steps, "steps", warnings)
        start = to_int(sampler.start, "start_at_step", warnings)
        end = to_int(sampler.end, "end_at_step", warnings)
        if end is not None and steps is not None and end >= steps:
            end = None  # ComfyUI's 10000: to the end
        width = height = None
        if trace.origin == "empty" and not trace.upscales:
            width = to_int(graph.value(trace.node, "width"), "width", warnings)
            height = to_int(graph.value(trace.node, "height"), "height", warnings)
        elif trace.upscales:
            upscale = trace.upscales[-1][1]
            width = to_int(graph.value(upscale, "width"), "width", warnings) or None
            height = to_int(graph.value(upscale, "height"), "height", warnings) or None
        role, mode, refusal = "base", None, None
        if index == 0:
            mode = _mode(trace)
            if mode == "inpaint":
                node_id, node = _inpaint_node(trace)
                refusal = f"inpainting ({_kind(node)} node {node_id})"
        else:
            role, refusal = _role(passes[-1], sampler, trace, model)
        stage = Stage(
            role=role,
            source=sampler.label,
            sampler=as_text(sampler.sampler_name) if sampler.sampler_name is not None else None,
            scheduler=as_text(sampler.scheduler) if sampler.scheduler is not None else None,
            steps=steps,
            start_step=start,
            end_step=end,
            cfg=to_float(sampler.cfg, "cfg", warnings),
            seed=to_int(sampler.seed, "seed", warnings),
            denoise=to_float(sampler.denoise, "denoise", warnings),
            model=model,
            add_noise=_switch(sampler.add_noise),
            return_with_leftover_noise=_switch(sampler.leftover),
            mode=mode,
            width=width,
            height=height,
            settings=tuple(settings),
        )
        passes.append(_Pass(sampler, trace, stage, loader, loras, refusal))
    return passes


def _switch(value: Any) -> bool | None:
    """KSamplerAdvanced's "enable"/"disable" (SamplerCustom: true/false) as a bool."""
    if isinstance(value, bool):
        return value
    return {"enable": True, "disable": False}.get(value) if isinstance(value, str) else None


def _mode(trace: _Trace) -> str | None:
    inpaint_encoder = trace.encoder is not None and (
        _kind(trace.encoder[1]) in ("VAEEncodeForInpaint", "InpaintModelConditioning")
    )
    if inpaint_encoder or trace.masks:
        return "inpaint"
    return {"empty": "txt2img", "image": "img2img"}.get(trace.origin)


def _inpaint_node(trace: _Trace) -> tuple[str, dict]:
    """The node that made an inpaint pass one: a mask setter, else the inpaint encoder."""
    return trace.masks[0] if trace.masks else trace.encoder


def _role(previous: _Pass, sampler: _Sampler, trace: _Trace, model: str | None) -> tuple[str, str]:
    """A later pass's role and the engine's refusal of it, by name."""
    if trace.upscales:
        return "hires", f"hires pass (node {sampler.node_id})"
    before = previous.stage
    hand_over = (
        before.end_step is not None
        or before.return_with_leftover_noise is True
        or (sampler.kind == "KSamplerAdvanced" and _switch(sampler.add_noise) is False)
    )
    new_model = model is not None and model != before.model
    if hand_over:
        step = before.end_step if before.end_step is not None else sampler.start
        what = "SDXL refiner hand-over" if new_model else "sampling hand-over"
        return (
            "refiner" if new_model else "pass",
            f"{what} at step {as_text(step)} of {as_text(before.steps)} ({sampler.kind})",
        )
    if new_model:
        return "refiner", f"refiner pass with {model} (node {sampler.node_id})"
    return "pass", f"a later sampler pass (node {sampler.node_id} {sampler.kind})"


def _trace_settings(graph: _Graph, trace: _Trace, warnings: list[str]) -> list[tuple[str, str]]:
    """What a stage's latent went through, in the generator's own words."""
    found = []
    if trace.origin == "image":
        found.append(("init image", as_text(_image_name(graph, trace.node))))
    if trace.encoder is not None:
        node_id, node = trace.encoder
        found.append(("encoder", f"{_kind(node)} node {node_id}"))
    for _node_id, node in ([trace.encoder] if trace.encoder else []) + trace.masks:
        if "mask" in _inputs(node):
            found.append(("mask", _mask_source(graph, _inputs(node)["mask"], warnings)))
    for node_id, node in trace.upscales:
        found.append(("upscale", _upscale_text(graph, node_id, node, warnings)))
    for node_id, node in trace.batch:
        index = as_text(graph.value(node, "batch_index"))
        found.append(("batch index", f"{index} (LatentFromBatch node {node_id})"))
    return found


def _upscale_text(graph: _Graph, node_id: str, node: dict, warnings: list[str]) -> str:
    inputs = _inputs(node)
    parts = [
        f"{k} {as_text(graph.value(node, k))}"
        for k in ("upscale_method", "scale_by", "width", "height", "megapixels", "crop")
        if k in inputs
    ]
    model = _upscale_model(graph, node, warnings)
    if model is not None:
        parts.insert(0, f"model {model[1]}")
    return f"{_kind(node)} node {node_id}" + (f": {', '.join(parts)}" if parts else "")


def _upscale_model(graph: _Graph, node: dict, warnings: list[str]) -> tuple[str, str] | None:
    """(loader node id, file name) of an ImageUpscaleWithModel node's upscale model."""
    link = _inputs(node).get("upscale_model")
    next_model = lambda n: _next_link(graph, n, ("upscale_model",))  # noqa: E731
    for node_id, loader in graph.walk(link, next_model, warnings, "upscale model"):
        if "model_name" in _inputs(loader):
            return node_id, as_text(graph.value(loader, "model_name"))
    return None


def _mask_source(graph: _Graph, link: Any, warnings: list[str]) -> str:
    next_mask = lambda n: _next_link(graph, n, ("mask", "image"))  # noqa: E731
    last = ""
    for node_id, node in graph.walk(link, next_mask, warnings, "mask"):
        kind, inputs = _kind(node), _inputs(node)
        if kind.startswith("LoadImage") and "image" in inputs:
            channel = graph.value(node, "channel") if "channel" in inputs else "alpha"
            return (
                f"{as_text(graph.value(node, 'image'))} ({channel} channel, {kind} node {node_id})"
            )
        last = last or f"{kind} node {node_id}"
    return last or "not linked"


def _image_name(graph: _Graph, node: dict | None) -> Any:
    inputs = _inputs(node)
    if "image" in inputs and not graph.linked(inputs["image"]):
        return inputs["image"]
    return None


# --- recipe ------------------------------------------------------------------------------------


def _recipe(graph: _Graph, source: str, warnings: list[str]) -> Recipe:
    found = _find_samplers(graph)
    if not found:
        warnings.append("ComfyUI graph has no sampler node we recognise")
        return Recipe(generator="ComfyUI", source=source)
    # 1. The samplers that made the saved image, first pass first; others are listed apart.
    last, outputs, output_trace = _final_sampler(graph, found, warnings)
    passes = _passes(graph, _chain(graph, found, last, warnings), warnings)
    placed = {p.sampler.node_id for p in passes}
    reached = graph.upstream(outputs or [p.sampler.node_id for p in passes], warnings)
    for node_id in found:
        if node_id not in placed:
            warnings.append(
                f"sampler node {node_id} does not feed the saved image; listed, not in the recipe"
            )
    stages = [p.stage for p in passes]
    for node_id, sampler in found.items():
        if node_id not in placed:
            (apart,) = _passes(graph, [(sampler, _Trace())], [])
            stages.append(replace(apart.stage, role="pass", mode=None))
    base = passes[0]
    main, trace = base.sampler, base.trace
    inferred: list[tuple[str, str]] = []

    # 2. The base pass: text, clip skip, LoRAs on the model and CLIP paths.
    positive, encoders = _texts(graph, main.positive, warnings)
    negative, _ = _texts(graph, main.negative, warnings)
    clip_ids, clip_skip, defaulted = set(), None, False
    if encoders:
        clip_ids, clip_skip, defaulted = _clip_chain(
            graph, _inputs(encoders[0]).get("clip"), warnings
        )
    if defaulted:
        inferred.append(
            (
                "clip_skip",
                "no CLIPSetLastLayer before the text encoder: ComfyUI uses the last layer",
            )
        )
    loras = _loras(graph, base.loras, clip_ids if encoders else None, warnings)

    # 3. Sampler name in A1111's words; mode from the graph's shape.
    sampler = None
    name = main.sampler_name
    mapped = samplers.COMFYUI.get(name) if isinstance(name, str) else None
    if mapped is None:
        warnings.append(f"ComfyUI sampler {name!r} has no A1111 equivalent")
    else:
        schedule = main.scheduler if isinstance(main.scheduler, str) else None
        sampler = samplers.join(
            mapped, samplers.COMFYUI_SCHEDULES.get(schedule, schedule), warnings
        )
    recorded = f"{as_text(name)} + {as_text(main.scheduler)}"
    if sampler is not None:
        inferred.append(("sampler", f"mapped from ComfyUI {recorded}"))
    mode = base.stage.mode
    if mode is not None:
        node_id, node = _inpaint_node(trace) if mode == "inpaint" else (trace.node_id, trace.node)
        inferred.append(
            ("mode", f"from the graph: {_kind(node)} node {node_id} feeds the first pass")
        )

    # 4. What ran after the base pass, and after sampling (an upscale of the decoded image).
    settings = [("sampler node", f"{main.node_id} {main.kind}"), *base.stage.settings]
    after = output_trace.upscales if output_trace is not None else []
    refused = [p.refusal for p in passes if p.refusal]
    for node_id, node in after:
        settings.append(("output upscale", _upscale_text(graph, node_id, node, warnings)))
        refused.append(f"upscale after sampling ({_kind(node)} node {node_id})")
    hires: list[tuple[str, str]] = []
    refiner: list[tuple[str, str]] = []
    for p in passes[1:]:
        s = p.sampler
        if p.stage.role == "hires":
            hires.append(
                (
                    f"node {s.node_id} {s.kind}",
                    f"{as_text(s.sampler_name)} + {as_text(s.scheduler)}, "
                    f"steps {as_text(s.steps)}, cfg {as_text(s.cfg)}, denoise {as_text(s.denoise)}",
                )
            )
            hires += [(f"node {s.node_id} {k}", v) for k, v in p.stage.settings if k == "upscale"]
        elif p.stage.role == "refiner":
            refiner.append(("Refiner", p.stage.model or "?"))
            if p.stage.start_step:
                refiner.append(
                    ("Refiner switch at", f"step {p.stage.start_step} of {as_text(p.stage.steps)}")
                )
            elif p.stage.denoise is not None:
                refiner.append(("Refiner denoise", as_text(p.stage.denoise)))
            refiner.append(
                (
                    "Refiner sampler",
                    f"{s.label}: {as_text(s.sampler_name)} + {as_text(s.scheduler)}",
                )
            )

    models = _models(graph, passes, reached, warnings)
    width, height = (
        (base.stage.width, base.stage.height) if trace.origin == "empty" else (None, None)
    )
    return Recipe(
        generator="ComfyUI",
        source=source,
        prompt=_joined(positive, "positive", warnings),
        negative=_joined(negative, "negative", warnings),
        seed=base.stage.seed,
        steps=base.stage.steps,
        cfg=base.stage.cfg,
        sampler=sampler,
        sampler_recorded=recorded,
        schedule=as_text(main.scheduler) if main.scheduler is not None else None,
        width=width,
        height=height,
        model_name=base.stage.model,
        vae=next((m.name for m in models if m.role == "vae"), None),
        loras=loras,
        clip_skip=clip_skip,
        denoising_strength=base.stage.denoise,
        mode=mode,
        hires=tuple(hires),
        refiner=tuple(refiner),
        settings=tuple(settings),
        peer=_peer(graph, base, refused, len(passes) > 1, warnings),
        stages=tuple(stages),
        models=models,
        inferred=tuple(inferred),
    )


def _peer(
    graph: _Graph, base: _Pass, refused: list[str], later: bool, warnings: list[str]
) -> PeerSettings | None:
    """How ComfyUI itself ran the base sampler node; what the engine cannot follow is refused
    by name."""
    main, trace, stage = base.sampler, base.trace, base.stage
    if not isinstance(main.sampler_name, str) or not isinstance(main.scheduler, str):
        return None
    if main.kind not in ("KSampler", "KSamplerAdvanced"):
        refused.append(f"sampler node type {main.kind}")
    elif not later and (stage.start_step or stage.end_step is not None or stage.add_noise is False):
        refused.append("KSamplerAdvanced with a partial step range or without noise")
    if trace.origin == "empty" and stage.denoise not in (None, 1.0):
        refused.append(f"denoise {stage.denoise} on an empty latent")
    batch = 1
    if trace.origin == "empty":
        batch = to_int(graph.value(trace.node, "batch_size"), "batch_size", warnings) or 1
    return PeerSettings(
        convention="comfyui",
        sampler=main.sampler_name,
        scheduler=main.scheduler,
        prompt_syntax="comfyui",
        noise="cpu",  # comfy.sample.prepare_noise draws on the CPU whatever the device
        batch_size=batch,
        refused=tuple(refused),
    )


def _models(
    graph: _Graph, passes: list[_Pass], reached: set[str], warnings: list[str]
) -> tuple[ModelRef, ...]:
    """Every model file the result depends on, with its role: each pass's checkpoint (or UNet)
    and LoRAs in run order, then the other loaders (VAE, CLIP, upscaler, ControlNet, …)."""
    found: list[ModelRef] = []
    listed: set[str] = set()

    def add(role: str, node_id: str, node: dict, key: str) -> None:
        if (node_id + "/" + key) in listed:
            return
        listed.add(node_id + "/" + key)
        found.append(
            ModelRef(role, as_text(graph.value(node, key)), source=f"{_kind(node)} node {node_id}")
        )

    for p in passes:
        if p.model is not None:
            node_id, node = p.model
            key = "ckpt_name" if "ckpt_name" in _inputs(node) else "unet_name"
            role = (
                "refiner"
                if p.stage.role == "refiner"
                else "checkpoint"
                if key == "ckpt_name"
                else "unet"
            )
            add(role, node_id, node, key)
        for node_id, node in p.loras:
            add("lora", node_id, node, "lora_name")
    for node_id in sorted(reached, key=_id_order):
        node = graph.nodes[node_id]
        for key, role in _MODEL_INPUTS:
            if key in _inputs(node) and not (key == "model_name" and "Upscale" not in _kind(node)):
                add(role, node_id, node, key)
    return tuple(found)


_MODEL_INPUTS = (
    ("ckpt_name", "checkpoint"),
    ("unet_name", "unet"),
    ("vae_name", "vae"),
    ("clip_name", "clip"),
    ("clip_name1", "clip"),
    ("clip_name2", "clip"),
    ("clip_name3", "clip"),
    ("lora_name", "lora"),
    ("model_name", "upscaler"),  # UpscaleModelLoader
    ("control_net_name", "controlnet"),
    ("style_model_name", "style model"),
    ("clip_vision_name", "clip vision"),
    ("ipadapter_file", "ipadapter"),
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


def _id_order(node_id: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order (compared by length, then digits: no int() of a
    5,000-digit id, nor of "²", which isdigit() accepts), then the others."""
    if node_id.isascii() and node_id.isdigit():
        digits = node_id.lstrip("0") or "0"
        return (0, len(digits), digits)
    return (1, 0, node_id)


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
        slots = node.get("inputs")
        for slot in slots if isinstance(slots, list) else []:
            if (
                isinstance(slot, dict)
                and isinstance(slot.get("link"), int)
                and slot["link"] in origin
            ):
                inputs[str(slot.get("name", ""))] = origin[slot["link"]]
        api[str(node.get("id"))] = {"class_type": kind, "inputs": inputs}
    return api
