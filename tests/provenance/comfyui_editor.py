"""ComfyUI's editor graph ("workflow") built from an API graph, as the frontend serialises it:
the tests write both forms into PNGs the way ComfyUI saves them."""

from __future__ import annotations

# Editor widget order per node type, as the ComfyUI frontend serialises widgets_values.
WIDGETS = {
    "CheckpointLoaderSimple": ["ckpt_name"],
    "LoraLoader": ["lora_name", "strength_model", "strength_clip"],
    "CLIPTextEncode": ["text"],
    "EmptyLatentImage": ["width", "height", "batch_size"],
    "KSampler": [
        "seed",
        "control_after_generate",
        "steps",
        "cfg",
        "sampler_name",
        "scheduler",
        "denoise",
    ],
    "KSamplerAdvanced": [
        "add_noise",
        "noise_seed",
        "control_after_generate",
        "steps",
        "cfg",
        "sampler_name",
        "scheduler",
        "start_at_step",
        "end_at_step",
        "return_with_leftover_noise",
    ],
    "LatentUpscale": ["upscale_method", "width", "height", "crop"],
    "UpscaleModelLoader": ["model_name"],
    "ImageUpscaleWithModel": [],
    "ImageScale": ["upscale_method", "width", "height", "crop"],
    "VAEEncode": [],
    "VAEDecode": [],
    "VAELoader": ["vae_name"],
    "SaveImage": ["filename_prefix"],
    "CLIPSetLastLayer": ["stop_at_clip_layer"],
}


def editor_workflow(graph: dict) -> dict:
    """The graph in the editor's layout: nodes with widgets_values, and a links table."""
    nodes, links = [], []
    for node_id, node in graph.items():
        widgets, inputs = [], []
        for name in WIDGETS[node["class_type"]]:
            widgets.append("fixed" if name == "control_after_generate" else node["inputs"][name])
        for name, value in node["inputs"].items():
            if isinstance(value, list):
                links.append(
                    [len(links) + 1, int(value[0]), value[1], int(node_id), len(inputs), "*"]
                )
                inputs.append({"name": name, "type": "*", "link": len(links)})
        nodes.append(
            {
                "id": int(node_id),
                "type": node["class_type"],
                "mode": 0,
                "inputs": inputs,
                "widgets_values": widgets,
            }
        )
    return {
        "last_node_id": max(int(i) for i in graph),
        "last_link_id": len(links),
        "nodes": nodes,
        "links": links,
    }
