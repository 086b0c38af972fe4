"""Stable Diffusion 1.x (and the tiny/demo models of the same layout)."""

from workstation.engine.families.base import Architecture, Family, Shapes
from workstation.engine.families.ldm import (
    detect_ldm,
    kohya_unet_key,
    ldm_family_of,
    lora_context_dim,
)

# ComfyUI latent_formats.SD15
SD_LATENT_RGB = (
    (0.3512, 0.2297, 0.3227),
    (0.3250, 0.4974, 0.2350),
    (-0.2829, 0.1762, 0.2721),
    (-0.2120, -0.2616, -0.7177),
)
ARCHITECTURES = (
    Architecture("sd1", "sd1", "SD1.x", "Stable Diffusion 1.x", 512, 768, 320),
    Architecture("tiny-sd", "sd1", "SD1.x", "tiny SD1.x-layout test model", 64, 32, 32),
    # The bundled demo model and the models `workstation train` / the lab make from it.
    Architecture("demo-64", "sd1", "SD1.x", "64 px SD1.x-layout demo model", 64, 64, 32),
)
CONTEXTS = {arch.context_dim for arch in ARCHITECTURES}


def detect(shapes: Shapes):
    return detect_ldm(shapes, "SD1.x", ARCHITECTURES, ldm_family_of(shapes) == "sd1")


def lora_fits(shapes: Shapes) -> bool | None:
    context = lora_context_dim(shapes)
    return None if context is None else context in CONTEXTS


FAMILY = Family(
    name="sd1",
    kind="SD1.x",
    label="Stable Diffusion 1.x",
    latent_channels=4,
    size_multiple=8,
    native_size=512,
    text_encoders=("clip-l",),
    supports_cfg=True,
    supports_negative=True,
    supports_clip_skip=True,
    latent_rgb=SD_LATENT_RGB,
    latent_rgb_bias=(0.0, 0.0, 0.0),
    denoiser_class="UNet2DConditionModel",
    txt2img_pipeline="StableDiffusionPipeline",
    img2img_pipeline="StableDiffusionImg2ImgPipeline",
    sampling="discrete",
    architectures=ARCHITECTURES,
    trainable=True,
    detect=detect,
    folder_pipelines=("StableDiffusionPipeline",),
    pipeline_options={"safety_checker": None, "requires_safety_checker": False},
    lora_fits=lora_fits,
    lora_key=kohya_unet_key,
)
