from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from workstation.core.case import Case


@pytest.fixture
def case(tmp_path: Path) -> Case:
    with Case.create(tmp_path / "case", title="Test case", examiner="Ann Examiner") as opened:
        yield opened


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "inputs" / "picture.png"
    path.parent.mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), (200, 10, 10)).save(path)
    return path
