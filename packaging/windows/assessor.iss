; Inno Setup 6 script for Assessor on Windows. NOT BUILT HERE (CI runs on Linux); see
; packaging/windows/README.md for the steps. Input: dist\assessor\ from
;   py -m PyInstaller --noconfirm packaging\assessor.spec
; Output: dist\assessor-{#AppVersion}-windows-x64-setup.exe
; A per-user install (no administrator rights), like the Linux bundle's install-menu.sh.

#ifndef AppVersion
  #define AppVersion "0.1.0"  ; pass /DAppVersion=... from assessor.__version__
#endif

[Setup]
AppId={{6F1C3F7E-2B8A-4C55-9E0D-5A3C1B7D9E42}
AppName=Assessor
AppVersion={#AppVersion}
AppPublisher=The Assessor authors
DefaultDirName={localappdata}\Programs\Assessor
DefaultGroupName=Assessor
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=assessor-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\dist\assessor\_internal\assessor\resources\icons\app\assessor.ico
UninstallDisplayIcon={app}\assessor.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
LicenseFile=..\..\dist\assessor\_internal\assessor\resources\icons\LICENSE-CC0-1.0.txt

[Files]
Source: "..\..\dist\assessor\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Assessor"; Filename: "{app}\assessor.exe"
Name: "{userdesktop}\Assessor"; Filename: "{app}\assessor.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked
Name: "addtopath"; Description: "Add assessor-cli and issuer to my PATH"; Flags: unchecked

[Registry]
; The user's PATH only; removed again on uninstall.
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; \
  ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\assessor.exe"; Description: "Start Assessor"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Current) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;
