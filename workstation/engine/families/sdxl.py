"""Stable Diffusion XL base, and its derivatives of the same layout (Pony, Illustrious)."""

from workstation.engine.families.base import Architecture, Family, Shapes
from workstation.engine.families.ldm import (
    detect_ldm,
    kohya_unet_key,
    ldm_family_of,
    lora_context_dim,
)

# ComfyUI latent_formats.SDXL
SDXL_LATENT_RGB = (
    (0.3651, 0.4232, 0.4341),
    (-0.2533, -0.0042, 0.1068),
    (0.1076, 0.1111, -0.0362),
    (-0.3165, -0.2492, -0.2188),
)
ARCHITECTURES = (
    Architecture("sdxl", "sdxl", "SDXL", "Stable Diffusion XL base", 1024, 2048, 320),
    # The test base a tiny refiner hands over from (diffusers folders only).
    Architecture("tiny-sdxl", "sdxl", "SDXL", "tiny SDXL-layout test model", 64, 80, 32),
)


def detect(shapes: Shapes):
    return detect_ldm(shapes, "SDXL", ARCHITECTURES, ldm_family_of(shapes) == "sdxl")


def lora_fits(shapes: Shapes) -> bool | None:
    context = lora_context_dim(shapes)
    return None if context is None else context == 2048


FAMILY = Family(
    name="sdxl",
    kind="SDXL",
    label="Stable Diffusion XL",
    latent_channels=4,
    size_multiple=8,
    native_size=1024,
    text_encoders=("clip-l", "clip-g"),
    supports_cfg=True,
    supports_negative=True,
    supports_clip_skip=True,
    latent_rgb=SDXL_LATENT_RGB,
    latent_rgb_bias=(0.1084, -0.0175, -0.0011),
    denoiser_class="UNet2DConditionModel",
    txt2img_pipeline="StableDiffusionXLPipeline",
    img2img_pipeline="StableDiffusionXLImg2ImgPipeline",
    sampling="discrete",
    architectures=ARCHITECTURES,
    detect=detect,
    folder_pipelines=("StableDiffusionXLPipeline",),
    pipeline_options={"add_watermarker": False},
    lora_fits=lora_fits,
    lora_key=kohya_unet_key,
)
