"""The diffusion engine: model library, offline loading, txt2img/img2img with every step kept, LoRA.

No Qt here. Modules import torch/diffusers inside functions where they can, so that scanning a
model folder or reading a LoRA header stays fast.
"""

import os

# Nothing in the engine may reach a model hub. huggingface_hub reads these when first imported, so
# they are set before any engine module can import it. CUBLAS_WORKSPACE_CONFIG lets CUDA use
# deterministic cuBLAS kernels; it must be set before CUDA starts.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
