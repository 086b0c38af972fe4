"""Stable Diffusion 2.x (512 px epsilon "base" and 768 px v-prediction models)."""

from workstation.engine.families.base import Architecture, Family, Shapes
from workstation.engine.families.ldm import (
    detect_ldm,
    kohya_unet_key,
    ldm_family_of,
    lora_context_dim,
)
from workstation.engine.families.sd1 import SD_LATENT_RGB

ARCHITECTURES = (Architecture("sd2", "sd2", "SD2.x", "Stable Diffusion 2.x", 768, 1024, 320),)


def detect(shapes: Shapes):
    return detect_ldm(shapes, "SD2.x", ARCHITECTURES, ldm_family_of(shapes) == "sd2")


def lora_fits(shapes: Shapes) -> bool | None:
    context = lora_context_dim(shapes)
    return None if context is None else context == 1024


FAMILY = Family(
    name="sd2",
    kind="SD2.x",
    label="Stable Diffusion 2.x",
    latent_channels=4,
    size_multiple=8,
    native_size=768,
    text_encoders=("open-clip-h",),
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
