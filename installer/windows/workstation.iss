; Inno Setup script: the Windows installer of the AIGC Evidence Workstation.
; Recipe (docs/installer.md, "Windows"): build the one-folder bundle with installer/windows/build_windows.ps1
; (it chooses the CUDA or the CPU torch), then compile this script with Inno Setup 6:
;   iscc /DVersion=0.1.0 /DFlavour=cuda installer\windows\workstation.iss
; The installer copies the bundle into Program Files (per machine) or the user's programs folder
; (per user), adds Start-menu entries for the window and the command prompt, and writes nothing
; else: settings and the sample case are made in the user's own folders at first start.
#ifndef Version
  #define Version "0.1.0"
#endif
#ifndef Flavour
  #define Flavour "cuda"
#endif

[Setup]
AppId={{6C1B3E52-8F0B-4E4B-9B0E-5E0D2A7C4F11}
AppName=AIGC Evidence Workstation
AppVersion={#Version}
AppPublisher=AIGC Evidence Workstation
DefaultDirName={autopf}\AIGC Evidence Workstation
DefaultGroupName=AIGC Evidence Workstation
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=aigc-evidence-workstation-{#Version}-windows-x64-{#Flavour}-setup
SetupIconFile=..\..\build\workstation.ico
Compression=lzma2/fast
SolidCompression=no
DiskSpanning=no
WizardStyle=modern
UninstallDisplayIcon={app}\AIGC Evidence Workstation.exe

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\dist\workstation\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\AIGC Evidence Workstation"; Filename: "{app}\AIGC Evidence Workstation.exe"
Name: "{group}\Workstation command prompt"; Filename: "{cmd}"; Parameters: "/k set PATH={app};%PATH% && workstation --help"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\AIGC Evidence Workstation"; Filename: "{app}\AIGC Evidence Workstation.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\AIGC Evidence Workstation.exe"; Description: "{cm:LaunchProgram,AIGC Evidence Workstation}"; Flags: nowait postinstall skipifsilent
