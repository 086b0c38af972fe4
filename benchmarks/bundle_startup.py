"""Size and start-up of the installed application, against the checkout it was built from.

    python benchmarks/bundle_startup.py dist/aigc-evidence-workstation-VERSION-linux-x86_64

Measures, for the built program and (baseline, same process) for `python -m workstation` in the
checkout's environment:
- `--version`, cold (every file of the program evicted from the page cache first, with
  posix_fadvise(DONTNEED): as after a reboot, without needing root) and warm (median of 5);
- the window: `gui CASE --screenshot` offscreen on a copy of the sample case, cold and warm. This is
  from the command to the saved picture: Python and Qt start, the case opens, the start-up model
  scan ends, the first paint (a fixed 0.3 s wait) and the PNG written.
- a new user's first start of the window (no case named: it makes the sample case in the user's
  data folder and opens on it), then the second start (which finds it).
And the bundle's size, with its largest parts. The installer's build script writes the output to
dist/bundle-report.txt.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM_RUNS = 5


def evict(folders: list[Path]) -> None:
    """Drop these files' pages from the page cache (clean pages; nothing is written)."""
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.strip()[-500:]}")
    return elapsed


def cold_and_warm(
    command: list[str], env: dict[str, str], files: list[Path]
) -> tuple[float, float]:
    evict(files)
    cold = timed(command, env)
    warm = statistics.median(timed(command, env) for _ in range(WARM_RUNS))
    return cold, warm


def size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(internal: Path, count: int = 8) -> list[tuple[str, int]]:
    parts = [(p.name, size(p) if p.is_dir() else p.lstat().st_size) for p in internal.iterdir()]
    return sorted(parts, key=lambda part: -part[1])[:count]


def main() -> None:
    bundle = Path(sys.argv[1]).resolve()
    program = str(bundle / "workstation")
    home = Path(tempfile.mkdtemp(prefix="bundle-startup-"))
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY",)}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    try:
        sys.path.insert(0, str(ROOT))
        from workstation.app.first_start import prepare

        case = str(prepare(home / "data" / "AIGC Evidence Workstation").sample_case)
        checkout = [sys.executable, "-m", "workstation"]
        venv = Path(sys.prefix)
        rows = []
        for what, words in (
            ("--version", ["--version"]),
            ("window", ["gui", case, "--screenshot", str(home / "window.png")]),
        ):
            built = cold_and_warm([program, *words], env, [bundle])
            baseline = cold_and_warm([*checkout, *words], env, [venv, ROOT / "workstation"])
            rows.append((what, built, baseline))
        # A new user: the first start makes the sample case; the second finds it.
        first_home = {**env, "XDG_DATA_HOME": str(home / "new-user"), "XDG_CONFIG_HOME":
                      str(home / "new-user-config")}  # fmt: skip
        window = [program, "gui", "--screenshot", str(home / "first.png")]
        first, second = timed(window, first_home), timed(window, first_home)
        total = size(bundle)
        print(f"Bundle: {bundle.name}")
        print(f"  size on disk: {total / 2**30:.2f} GiB ({total:,} bytes)")
        for name, part in largest_parts(bundle / "_internal"):
            print(f"    {name:<28} {part / 2**20:8.0f} MiB")
        print("Start-up (seconds; cold = page cache emptied first; warm = median of 5):")
        print(f"  {'':<10} {'bundle cold':>11} {'warm':>6}   {'checkout cold':>13} {'warm':>6}")
        for what, (cold, warm), (base_cold, base_warm) in rows:
            print(f"  {what:<10} {cold:11.2f} {warm:6.2f}   {base_cold:13.2f} {base_warm:6.2f}")
        print(f"  new user, first start (makes the sample case): {first:.2f}; second: {second:.2f}")
        for what, (_, warm), (_, base_warm) in rows:
            print(f"  ratio bundle/checkout, warm {what}: {warm / base_warm:.2f}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
