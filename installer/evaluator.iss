; Inno Setup script: the Windows setup program of 远程异地评标 / Remote Bid Evaluation.
;
; Installs the PyInstaller one-folder bundle dist\evaluator\ (built by installer\build.ps1 first),
; with Start-menu shortcuts, an optional desktop shortcut, and a setup wizard in Simplified Chinese
; (the default) or English. installer\build.ps1 runs it as:
;
;   ISCC.exe /DAppVersion=0.1.0 installer\evaluator.iss
;
; Output: dist\installer\evaluator-setup-<version>-win64.exe
; Needs Inno Setup 6.3 or later (x64compatible) and ChineseSimplified.isl: it is among the
; translations of recent Inno Setup releases; with an older one, pass its path with
; /DChineseIsl=C:\path\to\ChineseSimplified.isl.
; This file is UTF-8 with a byte-order mark: Inno Setup reads it as Unicode only with the BOM.

#if Ver < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or later is needed (x64compatible architecture identifiers)
#endif

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef AppPublisher
  #define AppPublisher "远程异地评标 Remote Bid Evaluation"
#endif
; [Setup] and [Files] paths are relative to installer\, where this script lives; ISPP's FileExists
; is given an absolute path (SourcePath is this script's folder) so it does not depend on the caller's.
#define BundleDir AddBackslash(SourcePath) + "..\dist\evaluator"
#ifndef ChineseIsl
  #define ChineseIsl AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl"
#endif
#if !FileExists(ChineseIsl)
  #error ChineseSimplified.isl not found: install a recent Inno Setup 6 or pass /DChineseIsl=PATH
#endif
#if !FileExists(BundleDir + "\evaluator.exe")
  #error dist\evaluator\evaluator.exe not found: build the bundle first (installer\build.ps1)
#endif

[Setup]
; AppId identifies the product for upgrades and uninstall: never change it. It is required here
; anyway because AppName is language-dependent ({cm:...}).
AppId={{6E0B1C52-6C1D-4B8E-9D0F-3F3A1E7C5B21}
AppName={cm:AppName}
AppVersion={#AppVersion}
AppVerName={cm:AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
; An ASCII folder name: PKCS#11 modules and some older tools mishandle non-ASCII paths.
DefaultDirName={autopf}\Evaluator
DefaultGroupName={cm:AppName}
DisableProgramGroupPage=yes
; Per-machine by default (a trading centre's IT department installs for every user of a seat);
; the wizard lets a user without administrator rights install for themselves instead.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
; The bundle holds 64-bit Python and Qt.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
SetupIconFile=icon.ico
UninstallDisplayIcon={app}\evaluator.exe
UninstallDisplayName={cm:AppName}
OutputDir=..\dist\installer
OutputBaseFilename=evaluator-setup-{#AppVersion}-win64
Compression=lzma2/max
SolidCompression=yes
; The wizard's language follows Windows' display language; the dialog asks only when neither
; Chinese nor English matches it.
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage
; A running app would keep its DLLs locked during an upgrade.
CloseApplications=yes

[Languages]
; Listed first: the default when Windows' language matches neither.
Name: "zh_CN"; MessagesFile: "{#ChineseIsl}"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh_CN.AppName=远程异地评标
en.AppName=Remote Bid Evaluation
zh_CN.DemoName=远程异地评标演示
en.DemoName=Remote Bid Evaluation demo
zh_CN.DemoComment=在本机演示一次完整的异地评标
en.DemoComment=A whole cross-city evaluation on this computer
zh_CN.PromptName=评标命令行
en.PromptName=Evaluator command prompt
zh_CN.PromptComment=打开命令提示符，可运行 evaluator 命令（如 evaluator venue serve）
en.PromptComment=A command prompt where the evaluator command works (e.g. evaluator venue serve)
zh_CN.AppComment=与异地交易中心的专家共同评标
en.AppComment=Evaluate bids with experts at other trading centres

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: a module left over from an older version could be imported
; instead of its successor's, so the old _internal folder goes first.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "icon.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
; evaluatorw.exe is the windowed build of the same program: no console window behind the app.
Name: "{group}\{cm:AppName}"; Filename: "{app}\evaluatorw.exe"; Parameters: "app"; WorkingDir: "{app}"; Comment: "{cm:AppComment}"; IconFilename: "{app}\icon.ico"
; The demo prints its services' addresses and stops on Ctrl+C: it keeps its console.
Name: "{group}\{cm:DemoName}"; Filename: "{app}\evaluator.exe"; Parameters: "demo"; WorkingDir: "{app}"; Comment: "{cm:DemoComment}"; IconFilename: "{app}\icon.ico"
; For venue hosts and centre staff: evaluator venue serve, evaluator verify, ... (PATH is left alone).
Name: "{group}\{cm:PromptName}"; Filename: "{cmd}"; Parameters: "/k set ""PATH={app};%PATH%"" && evaluator --help"; WorkingDir: "{userdocs}"; Comment: "{cm:PromptComment}"
Name: "{group}\{cm:UninstallProgram,{cm:AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{cm:AppName}"; Filename: "{app}\evaluatorw.exe"; Parameters: "app"; WorkingDir: "{app}"; IconFilename: "{app}\icon.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\evaluatorw.exe"; Parameters: "app"; Description: "{cm:LaunchProgram,{cm:AppName}}"; Flags: nowait postinstall skipifsilent

; Uninstalling removes the program only. Each person's settings, draft journal and signed receipts
; (under %LOCALAPPDATA%\evaluator\evaluator-app) stay: they may be needed to prove what was submitted.
