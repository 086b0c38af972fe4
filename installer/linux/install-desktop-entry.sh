#!/usr/bin/env sh
# Add the AIGC Evidence Workstation to this user's application menu (no root needed):
#   ./install-desktop-entry.sh            from the unpacked application folder
# It writes two files below ~/.local/share and nothing in this folder; delete them to undo.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps"
cp "$here/workstation.png" "$data/icons/hicolor/256x256/apps/aigc-evidence-workstation.png"
sed -e "s|^Exec=workstation |Exec=\"$here/workstation\" |" \
    -e "s|^Icon=workstation|Icon=aigc-evidence-workstation|" \
    "$here/workstation.desktop" > "$data/applications/aigc-evidence-workstation.desktop"
echo "Added to the application menu: $data/applications/aigc-evidence-workstation.desktop"
