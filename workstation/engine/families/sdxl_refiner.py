"""Stable Diffusion XL refiner: a UNet that takes over an SDXL base's denoising at a step.

It is never a text-to-image base on its own: its one text encoder is OpenCLIP bigG
("conditioner.embedders.0.model." in the original layout), its UNet's cross-attention is 1280
wide, and its size conditioning is (height, width, crop top, crop left, aesthetic score): five
time ids of 256 features beside the 1280-wide pooled text (2560 in all).
"""

from workstation.engine.families.base import Architecture, Family, Shapes
from workstation.engine.families.ldm import detect_ldm, kohya_unet_key, ldm_family_of
from workstation.engine.families.sdxl import SDXL_LATENT_RGB

ARCHITECTURES = (
    Architecture(
        "sdxl-refiner",
        "sdxl_refiner",
        "SDXL refiner",
        "Stable Diffusion XL refiner",
        1024,
        1280,
        384,
    ),
    Architecture(
        "tiny-sdxl-refiner",
        "sdxl_refiner",
        "SDXL refiner",
        "tiny SDXL refiner test model",
        64,
        48,
        32,
    ),
)
# A1111's defaults (shared options sdxl_refiner_high/low_aesthetic_score).
POSITIVE_AESTHETIC_SCORE = 6.0
NEGATIVE_AESTHETIC_SCORE = 2.5


def detect(shapes: Shapes):
    return detect_ldm(
        shapes, "SDXL refiner", ARCHITECTURES, ldm_family_of(shapes) == "sdxl_refiner"
    )


FAMILY = Family(
    name="sdxl_refiner",
    kind="SDXL refiner",
    label="Stable Diffusion XL refiner",
    latent_channels=4,
    size_multiple=8,
    native_size=1024,
    text_encoders=("clip-g",),
    supports_cfg=True,
    supports_negative=True,
    supports_clip_skip=False,
    latent_rgb=SDXL_LATENT_RGB,
    latent_rgb_bias=(0.1084, -0.0175, -0.0011),
    denoiser_class="UNet2DConditionModel",
    # only ever an img2img continuation: a single file is built as this pipeline too
    txt2img_pipeline="StableDiffusionXLImg2ImgPipeline",
    img2img_pipeline="StableDiffusionXLImg2ImgPipeline",
    sampling="discrete",
    architectures=ARCHITECTURES,
    detect=detect,
    folder_pipelines=("StableDiffusionXLImg2ImgPipeline",),
    pipeline_options={"add_watermarker": False, "requires_aesthetics_score": True},
    lora_fits=lambda shapes: None,
    lora_key=kohya_unet_key,
    refiner=True,
)
