"""peft alpha_pattern keys are regular expressions matched against every module path: a key that
could backtrack catastrophically is refused before it is ever matched; a module name or a plain
pattern still scales its modules."""

from __future__ import annotations

import json

import pytest

from workstation.core.errors import ModelError
from workstation.engine.lora_formats import peft_configs


def _metadata(pattern: str) -> dict[str, str]:
    config = {"unet.r": 4, "unet.lora_alpha": 8, "unet.alpha_pattern": {pattern: 2}}
    return {"lora_adapter_metadata": json.dumps(config)}


@pytest.mark.parametrize("pattern", ["(a+)+b", "(.*)*attn", ".*.*.*.*to_q", "a?b?c?d?e"])
def test_a_pattern_that_could_backtrack_is_refused(pattern):
    with pytest.raises(ModelError) as refused:
        peft_configs(_metadata(pattern))
    assert "alpha_pattern" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "pattern", ["down_blocks.0.attentions.0.proj_in", r"down_blocks\.\d+\.attn1", ".*to_q"]
)
def test_module_patterns_are_kept(pattern):
    assert peft_configs(_metadata(pattern))["unet"]["alpha_pattern"] == {pattern: 2}
