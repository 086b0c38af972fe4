#!/usr/bin/env bash
# Build the installed application for Linux from a checkout, then smoke-test the built program.
#
#   bash installer/build_linux.sh              build, package and smoke-test
#   bash installer/build_linux.sh --no-smoke   build and package only
#
# Output in dist/:
#   aigc-evidence-workstation-VERSION-linux-x86_64/          the application folder: `workstation`,
#       its _internal/ folder, workstation.desktop, workstation.png, install-desktop-entry.sh
#   aigc-evidence-workstation-VERSION-linux-x86_64.tar.gz    that folder, to hand to a user
#   bundle-report.txt                                        size, contents and start-up times
# The torch in the build environment decides the flavour: a CUDA torch (the pinned default) makes a
# bundle that uses an NVIDIA GPU when there is one and the CPU otherwise; a CPU-only torch (install
# it from https://download.pytorch.org/whl/cpu first) makes one without CUDA libraries.
set -euo pipefail
smoke=1
[ "${1:-}" = "--no-smoke" ] && smoke=0
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VENV="${WORKSTATION_VENV:-$ROOT/.venv}"

# 1. The same environment as the checkout's (installer/setup.sh), plus PyInstaller.
bash installer/setup.sh install
PY="$VENV/bin/python"
"$VENV/bin/pip" install -q --disable-pip-version-check -c installer/constraints.txt -e ".[bundle]"
VERSION="$("$PY" -c 'import workstation; print(workstation.__version__)')"
NAME="aigc-evidence-workstation-$VERSION-linux-$(uname -m)"
APP="dist/$NAME"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1

# 2. The translation, compiled here (the bundle has no lrelease); named by its source's hash.
rm -rf build/qm && mkdir -p build/qm
"$PY" -c 'import sys; from pathlib import Path; from workstation.gui import i18n
print(i18n.compiled("zh_CN", Path(sys.argv[1])))' build/qm
export WORKSTATION_QM_DIR="$ROOT/build/qm"

# 3. The one-folder bundle.
echo "Building $APP (PyInstaller: about 5 minutes on 2 cores; its log: build/pyinstaller.log)"
rm -rf "$APP" dist/workstation
if ! "$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath dist \
    --workpath build/pyinstaller installer/workstation.spec > build/pyinstaller.log 2>&1; then
  tail -n 40 build/pyinstaller.log
  echo "error: PyInstaller failed (whole log: build/pyinstaller.log)" >&2
  exit 1
fi
mv dist/workstation "$APP"

# 4. Desktop integration: the menu entry, its icon, and a script that installs both for the user.
cp resources/icons/workstation.png "$APP/workstation.png"
cp installer/linux/workstation.desktop "$APP/workstation.desktop"
cp installer/linux/install-desktop-entry.sh "$APP/install-desktop-entry.sh"
chmod +x "$APP/install-desktop-entry.sh"

# 5. The smoke test runs the built program (tests/installer/test_bundle.py).
if [ "$smoke" = 1 ]; then
  echo "Smoke test of $APP"
  WORKSTATION_BUNDLE="$ROOT/$APP" QT_QPA_PLATFORM=offscreen \
    "$PY" -m pytest -p no:cacheprovider -m bundle tests/installer -q
fi

# 6. Size and start-up times, then the tarball.
"$PY" benchmarks/bundle_startup.py "$APP" | tee dist/bundle-report.txt
echo "Packing $APP.tar.gz"
tar -C dist -cf - "$NAME" | gzip -1 > "$APP.tar.gz.part"
mv "$APP.tar.gz.part" "$APP.tar.gz"
du -h "$APP.tar.gz" | tee -a dist/bundle-report.txt
echo "Built: $APP (run $APP/workstation), $APP.tar.gz"
