"""The window's first start: a sample case in the user's own data folder, made once.

Everything is written below `user_dirs.user_data_dir()`, never in the install folder (which may be
read-only, and is shared by every user of the machine). The case is built in a scratch folder and
renamed into place, so a start that is killed half-way leaves no half-made case behind; the next
start simply builds it again. A later start finds it complete and writes nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from workstation.app.sample_case import build_sample_case, compare_sample_pair
from workstation.core.case import Case
from workstation.core.user_dirs import user_data_dir

SAMPLE_CASE_NAME = "Sample case"


@dataclass(frozen=True)
class FirstStart:
    sample_case: Path
    created: bool  # False: an earlier start had made it


def sample_case_path(data_dir: Path | None = None) -> Path:
    return (data_dir or user_data_dir()) / SAMPLE_CASE_NAME


def prepare(data_dir: Path | None = None) -> FirstStart:
    """The sample case, made now unless an earlier start made it."""
    root = sample_case_path(data_dir)
    created = not (root / "case.sqlite").is_file()
    if created:
        scratch = root.with_name(f".{root.name}.partial")
        if scratch.exists():  # an earlier start was stopped while building it
            shutil.rmtree(scratch)
        scratch.parent.mkdir(parents=True, exist_ok=True)
        build_sample_case(scratch).close()
        scratch.rename(root)
    # In place, since the comparison records the paths of the images it read; a start stopped
    # before this point compares on the next one.
    with Case.open(root) as case:
        compare_sample_pair(case)
    return FirstStart(root, created)
