#!/usr/bin/env bash
# One-command set-up for Linux (Debian/Ubuntu) and macOS, then run the workstation or its tests.
#
#   bash installer/setup.sh          install everything, then run the main job (the demo)
#   bash installer/setup.sh test     install everything, then run lint, layering check and tests
#   bash installer/setup.sh install  install everything only (installer/build_linux.sh uses it)
#
# Re-running is cheap: packages are only installed when something is missing or changed.
set -euo pipefail
mode="${1:-run}"
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VENV="${WORKSTATION_VENV:-$ROOT/.venv}"

# 1. System packages: a virtual display and Qt's X11 libraries, PDF rendering, a CJK font, strace.
DEBS=(xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
      libxkbcommon-x11-0 libxcb-xinerama0 libxcb-cursor0 libegl1 libgl1 libfontconfig1
      poppler-utils fonts-wqy-microhei strace)
if [ "$(uname -s)" = Linux ] && command -v dpkg-query >/dev/null; then
  missing=()
  for deb in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "ok installed" || missing+=("$deb")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "Note: missing Debian packages (run as root to install): ${missing[*]}"
    fi
  fi
fi

# 2. Python environment with the measured pins (installer/constraints.txt).
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
stamp="$VENV/.installed-$(cat pyproject.toml installer/constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages into $VENV (first time: a few minutes)"
  "$VENV/bin/pip" install -q --disable-pip-version-check -c installer/constraints.txt -e ".[dev]"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1

# 3. Run.
case "$mode" in
  install)
    ;;
  run)
    shift || true
    workstation demo --out demo-output "$@"
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname -s)" = Darwin ]; then
      exec workstation gui demo-output/sample-case
    fi
    echo
    echo "No display found (DISPLAY is not set): showing the same window headless instead."
    QT_QPA_PLATFORM=offscreen workstation gui demo-output/sample-case \
      --screenshot demo-output/window.png
    echo "Results: demo-output/sample-case (the case), demo-output/sample-report.pdf (the report),"
    echo "         demo-output/window.png (the window as it opens on the case)."
    ;;
  test)
    shift || true
    dirs=(workstation tests resources); [ -d benchmarks ] && dirs+=(benchmarks)
    # invisible-watermark is the watermark tests' reference encoder only; --no-deps, since it
    # asks for opencv-python, which would clash with our opencv-python-headless
    python -c "import imwatermark" 2>/dev/null ||
      pip install -q --disable-pip-version-check --no-deps invisible-watermark==0.2.0
    echo "== ruff"; ruff check "${dirs[@]}"; ruff format --check "${dirs[@]}"
    echo "== layering"; lint-imports
    echo "== pytest"; QT_QPA_PLATFORM=offscreen exec python -m pytest "$@"
    ;;
  *)
    echo "usage: bash installer/setup.sh [run|test|install]" >&2
    exit 2
    ;;
esac
