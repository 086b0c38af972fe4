# Build the Windows application (one folder) and its installer. Run in PowerShell from a checkout:
#   powershell -ExecutionPolicy Bypass -File installer\windows\build_windows.ps1 -Flavour cuda
#   powershell -ExecutionPolicy Bypass -File installer\windows\build_windows.ps1 -Flavour cpu
# Needs Python 3.11 (python.org, "py" launcher) and Inno Setup 6 (iscc on PATH). docs/installer.md.
param([ValidateSet("cuda", "cpu")] [string] $Flavour = "cuda")
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
py -3.11 -m venv .venv-build
$py = ".venv-build\Scripts\python.exe"
# torch first: the CUDA build uses an NVIDIA GPU when there is one (and the CPU otherwise); the CPU
# build is a third of the size and never looks for a GPU.
$index = @{ cuda = "https://download.pytorch.org/whl/cu130"; cpu = "https://download.pytorch.org/whl/cpu" }[$Flavour]
& $py -m pip install torch==2.14.1 torchvision==0.29.1 --index-url $index
& $py -m pip install -c installer\constraints.txt -e ".[bundle]"
New-Item -ItemType Directory -Force build\qm | Out-Null
# The translation, compiled here: the bundle has no lrelease.
& $py -c "import sys; from pathlib import Path; from workstation.gui import i18n; i18n.compiled('zh_CN', Path(sys.argv[1]))" build\qm
$env:WORKSTATION_QM_DIR = (Resolve-Path build\qm).Path
& $py -c "from PIL import Image; Image.open('resources/icons/workstation.png').save('build/workstation.ico', sizes=[(16,16),(32,32),(48,48),(256,256)])"
& ".venv-build\Scripts\pyinstaller.exe" --noconfirm --distpath dist --workpath build\pyinstaller installer\workstation.spec
$version = & $py -c "import workstation; print(workstation.__version__)"
iscc "/DVersion=$version" "/DFlavour=$Flavour" installer\windows\workstation.iss
