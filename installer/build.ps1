#Requires -Version 5.1
<#
.SYNOPSIS
  Build the Windows one-folder application dist\evaluator\ with PyInstaller, smoke-check it, and
  make the setup program dist\installer\evaluator-setup-<version>-win64.exe with Inno Setup.

.DESCRIPTION
  The Windows twin of installer/build.sh (same spec, same checks). Needs the app installed in the
  Python it runs (`python -m pip install -e .`); installs PyInstaller if missing. The setup program
  is made when Inno Setup 6.3+ (ISCC.exe) is found, skipped with a warning otherwise, and required
  with -RequireSetup. Exits non-zero when the build or any smoke check fails.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\build.ps1
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\build.ps1 -CheckOnly
#>
[CmdletBinding()]
param(
    [switch]$CheckOnly,       # smoke checks on an existing dist\evaluator\ only
    [switch]$NoSetup,         # do not run Inno Setup
    [switch]$RequireSetup,    # fail when Inno Setup is not installed (release builds)
    [string]$Python = "python"
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Dist = Join-Path $Root "dist\evaluator"
$Bin = Join-Path $Dist "evaluator.exe"
# The spec uses the 6.x series' APIs and one-folder layout (_internal\).
$PyInstallerReq = "pyinstaller>=6.10,<7"

# PowerShell does not stop on a failing native command (before 7.3, and not by default after):
# every external program goes through here so a non-zero exit is an error.
function Invoke-Native {
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @())
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed (exit $LASTEXITCODE)" }
}

# The exit status of a probe whose failure is an answer, not an error. Windows PowerShell 5.1 turns
# a native program's redirected stderr into error records, which "Stop" would make fatal.
function Test-Native {
    param([Parameter(Mandatory)][string]$File, [string[]]$Arguments = @())
    $ErrorActionPreference = "Continue"
    & $File @Arguments *> $null
    return ($LASTEXITCODE -eq 0)
}

if (-not $CheckOnly) {
    if (-not (Test-Native $Python @("-c", "import evaluator_app.cli.main"))) {
        throw "evaluator_app is not importable by ${Python}: run  $Python -m pip install -e ."
    }
    if (-not (Test-Native $Python @("-m", "PyInstaller", "--version"))) {
        Write-Host "build.ps1: installing $PyInstallerReq"
        Invoke-Native $Python @("-m", "pip", "install", "--quiet", $PyInstallerReq)
    }
    foreach ($f in "resources\fonts\wqy-microhei.ttc", "resources\translations\evaluator_zh_CN.qm", "installer\icon.ico") {
        if (-not (Test-Path $f)) { throw "$f is missing" }
    }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    # --clean: no stale module graph from another checkout or Python; work files under build\ (git-ignored).
    Invoke-Native $Python @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", (Join-Path $Root "dist"), "--workpath", (Join-Path $Root "build\pyinstaller"),
        "installer\evaluator.spec")
    Write-Host ("build.ps1: built {0} in {1:n0} s" -f $Dist, $watch.Elapsed.TotalSeconds)
}

if (-not (Test-Path $Bin)) { throw "$Bin does not exist; build first" }
$files = Get-ChildItem $Dist -Recurse -File
Write-Host ("build.ps1: bundle size {0:n0} MB ({1} files)" -f (($files | Measure-Object Length -Sum).Sum / 1MB), $files.Count)

# --- Smoke checks: the bundled executable, in a scratch folder, never the source tree. ---------
$Smoke = Join-Path ([IO.Path]::GetTempPath()) ("evaluator-smoke-" + [guid]::NewGuid().ToString("N").Substring(0, 8))
New-Item -ItemType Directory $Smoke | Out-Null
Push-Location $Smoke
Remove-Item Env:PYTHONPATH -ErrorAction SilentlyContinue
$failures = New-Object System.Collections.Generic.List[string]
$passed = 0

function Test-Step {
    param([string]$Name, [scriptblock]$Body)
    $log = Join-Path $Smoke "$Name.log"
    # Failures are thrown (Invoke-Native, throw); stderr lines in the log must not be (see Test-Native).
    $ErrorActionPreference = "Continue"
    $watch = [Diagnostics.Stopwatch]::StartNew()
    try {
        & $Body *> $log
        Write-Host ("  ok    {0,-14} {1,3:n0} s" -f $Name, $watch.Elapsed.TotalSeconds)
        $script:passed++
    } catch {
        Write-Host "  FAIL  ${Name}: $_"
        if (Test-Path $log) { Get-Content $log -Tail 25 | ForEach-Object { Write-Host "        | $_" } }
        $script:failures.Add($Name)
    }
}

# Files the app opens by name at run time. Searched by name: PySide6's Windows wheel lays Qt out
# differently from Linux (PySide6\plugins, PySide6\translations, DLLs beside the modules).
$needed = "wqy-microhei.ttc", "evaluator_zh_CN.qm", "qtbase_zh_CN.qm", "qwindows.dll", "qoffscreen.dll",
          "Qt6Pdf.dll", "Qt6PdfWidgets.dll", "project.json", "openapi.json", "icon.png", "evaluatorw.exe"
Test-Step "files" {
    $names = $files | ForEach-Object Name
    $missing = @($needed | Where-Object { $names -notcontains $_ })
    if (-not ($files | Where-Object { $_.Name -like "_pkcs11*.pyd" })) { $missing += "_pkcs11*.pyd" }
    if (-not ($files | Where-Object { $_.FullName -like "*lotl-certs*" })) { $missing += "pyhanko lotl-certs" }
    if ($missing) { throw "missing: $($missing -join ', ')" }
}
Test-Step "version" { Invoke-Native $Bin @("--version") }
Test-Step "plan-example" { Invoke-Native $Bin @("plan", "example", "--out", "$Smoke\plan") }
Test-Step "plan-evaluate" { Invoke-Native $Bin @("plan", "evaluate", "$Smoke\plan\project.json", "$Smoke\plan\scores.json") }
Test-Step "pki-demo" { Invoke-Native $Bin @("pki", "demo", "--out", "$Smoke\pki") }
Test-Step "app-offscreen" {
    # No screen needed: the app must still be running after 5 s.
    $env:QT_QPA_PLATFORM = "offscreen"
    try {
        $p = Start-Process $Bin -ArgumentList @("app", "--data-dir", "`"$Smoke\app-data`"") -PassThru -NoNewWindow `
            -RedirectStandardError "$Smoke\app-stderr.log"
        Start-Sleep -Seconds 5
        if ($p.HasExited) { throw "the app exited early (status $($p.ExitCode)): $(Get-Content "$Smoke\app-stderr.log" -Raw)" }
        Stop-Process -Id $p.Id
    } finally { Remove-Item Env:QT_QPA_PLATFORM }
}
$demoHelp = (& { $ErrorActionPreference = "Continue"; & $Bin demo --help 2>$null }) -join "`n"
if ($demoHelp -match "--selftest") {
    Test-Step "demo-selftest" { Invoke-Native $Bin @("demo", "--headless", "--selftest", "--dir", "$Smoke\demo") }
} else {
    Write-Host "  skip  demo-selftest (this build's 'evaluator demo' has no --selftest yet)"
}
Pop-Location
Get-Content (Join-Path $Smoke "version.log") -ErrorAction SilentlyContinue
if (Test-Path (Join-Path $Smoke "demo-selftest.log")) { Get-Content (Join-Path $Smoke "demo-selftest.log") -Tail 1 }
Remove-Item $Smoke -Recurse -Force -ErrorAction SilentlyContinue
if ($failures.Count -gt 0) {
    Write-Error "build.ps1: $($failures.Count) smoke check(s) failed: $($failures -join ', ')" -ErrorAction Continue
    exit 1
}
Write-Host "build.ps1: all $passed smoke checks passed"

# --- Setup program ------------------------------------------------------------------------------
if ($NoSetup) { exit 0 }
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $iscc) {
    # The usual places of an Inno Setup 6 install (machine-wide, and winget's per-user one).
    $iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
              "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $iscc) {
    if ($RequireSetup) { throw "Inno Setup 6 (ISCC.exe) not found" }
    Write-Warning "Inno Setup 6 not found: the setup program was not made (install it, e.g. winget install JRSoftware.InnoSetup)"
    exit 0
}
$version = ((& $Bin --version) -split " ")[-1]
Invoke-Native $iscc @("/Q", "/DAppVersion=$version", "installer\evaluator.iss")
Write-Host "build.ps1: setup program in $(Join-Path $Root 'dist\installer')"
