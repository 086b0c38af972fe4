"""Where the workstation's bundled resources live. The one place that knows the repo layout."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR.parent / "resources"
SAMPLES_DIR = RESOURCES_DIR / "samples"
CONFIGS_DIR = RESOURCES_DIR / "configs"
MODELS_DIR = RESOURCES_DIR / "models"
FONTS_DIR = RESOURCES_DIR / "fonts"
MODEL_EXAM_DIR = RESOURCES_DIR / "model_exam"  # reference prompts of the memorised-prompt screen
