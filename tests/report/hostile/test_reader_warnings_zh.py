"""The readers' warnings about hostile metadata read in the Chinese report as Chinese."""

from __future__ import annotations

import json

from PIL import Image, PngImagePlugin

from workstation.analysis.provenance.reader import read_metadata
from workstation.report.recorded import recorded
from workstation.report.strings import Strings


def test_hostile_metadata_warnings_are_translated(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_itxt(
        "XML:com.adobe.xmp",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x:xmpmeta xmlns:x="adobe:ns:meta/"/>',
    )
    invoke = {"positive_prompt": "a cat", "seed": 10**150, "steps": 20, "cfg_scale": 7}
    info.add_text("invokeai_metadata", json.dumps(invoke))
    path = tmp_path / "hostile.png"
    Image.new("RGB", (16, 16)).save(path, pnginfo=info)
    warnings = read_metadata(path).warnings
    hostile = [w for w in warnings if "DOCTYPE" in w or "digits" in w]
    assert len(hostile) == 2, warnings
    zh = Strings("zh")
    shown = [recorded(zh, warning) for warning in hostile]
    assert any("XMP 声明了 DOCTYPE 或实体；未解析" in text for text in shown), shown
    assert any(text == "seed：整数超过 100 位" for text in shown), shown
