#!/usr/bin/env bash
# Build the Linux one-folder application dist/evaluator/ with PyInstaller, then smoke-check it.
#
#   installer/build.sh                # build (about 2 to 4 minutes on 2 cores), then the smoke checks
#   installer/build.sh --check-only   # the smoke checks on an existing dist/evaluator/
#
# Needs: the app installed in the current Python (`pip install -e .`) and PyInstaller (installed
# here if missing). Exits non-zero when the build or any smoke check fails, so CI can run it.
# Environment: PYTHON (default python3), EVALUATOR_SMOKE_KEEP=1 keeps the smoke-check folder.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
DIST=$ROOT/dist/evaluator
BIN=$DIST/evaluator
# PyInstaller's spec uses APIs of the 6.x series (collect_*, the _internal/ layout of one-folder).
PYINSTALLER_REQ='pyinstaller>=6.10,<7'

check_only=0
case "${1:-}" in
  --check-only) check_only=1 ;;
  "") ;;
  *) echo "usage: $0 [--check-only]" >&2; exit 2 ;;
esac

if [ "$check_only" -eq 0 ]; then
  # The bundle takes the app from this Python: refuse to build a bundle of nothing.
  "$PYTHON" -c 'import evaluator_app.cli.main' \
    || { echo "build.sh: evaluator_app is not importable by $PYTHON; run: pip install -e ." >&2; exit 1; }
  if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
    echo "build.sh: installing $PYINSTALLER_REQ"
    "$PYTHON" -m pip install --quiet "$PYINSTALLER_REQ"
  fi
  # The resources are committed build outputs (tools/i18n.py makes the .qm); a missing one would
  # only show as an English interface or a PDF without Chinese glyphs, so stop here instead.
  for f in resources/fonts/wqy-microhei.ttc resources/translations/evaluator_zh_CN.qm \
           installer/icon.png installer/icon.svg installer/evaluator.desktop; do
    [ -f "$f" ] || { echo "build.sh: $f is missing" >&2; exit 1; }
  done

  # Qt's xcb platform plugin (the app on an X11 desktop) links libraries that PyInstaller bundles
  # only if this machine has them; without them the bundle starts offscreen but not on a desktop.
  # (captured once: `ldconfig -p | grep -q` can fail under pipefail when grep stops reading early)
  libs=$("$(command -v ldconfig || echo /sbin/ldconfig)" -p)
  for lib in libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-cursor.so.0 libxkbcommon-x11.so.0; do
    if [[ $libs != *"$lib "* ]]; then
      echo "build.sh: $lib is missing here, so the bundle's xcb plugin would not load on a desktop;" >&2
      echo "          install: apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0" >&2
      exit 1
    fi
  done

  echo "build.sh: PyInstaller $("$PYTHON" -m PyInstaller --version), Python $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
  start=$(date +%s)
  # --clean: no stale module graph from an earlier build of another checkout or Python.
  # The work folder lives under build/ (git-ignored) like the bundle under dist/.
  "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" installer/evaluator.spec
  end=$(date +%s)
  echo "build.sh: built $DIST in $((end - start)) s"
fi

[ -x "$BIN" ] || { echo "build.sh: $BIN does not exist; build first" >&2; exit 1; }
echo "build.sh: bundle size $(du -sh "$DIST" | cut -f1) ($(find "$DIST" -type f | wc -l) files)"

# ---------------------------------------------------------------------------------------------
# Smoke checks: each runs the bundled executable (never the source tree) in a scratch folder with
# HOME pointed there too, so nothing is read from or written to the builder's own settings.
SMOKE=$(mktemp -d -t evaluator-smoke.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${EVALUATOR_SMOKE_KEEP:-0}" = 1 ]; then echo "build.sh: smoke folder kept: $SMOKE"; else rm -rf "$SMOKE"; fi
}
trap cleanup EXIT
export HOME=$SMOKE/home XDG_CONFIG_HOME=$SMOKE/home/.config XDG_DATA_HOME=$SMOKE/home/.local/share
mkdir -p "$HOME"
# The source tree must not be what makes the checks pass: run from the scratch folder, no PYTHONPATH.
unset PYTHONPATH
cd "$SMOKE"

failures=()
passed=0
# run NAME CMD...: runs CMD with its output in $SMOKE/NAME.log; shows the log's tail on failure.
run() {
  local name=$1 status=0 t0=$SECONDS; shift
  "$@" >"$SMOKE/$name.log" 2>&1 || status=$?
  if [ "$status" -eq 0 ]; then
    printf '  ok    %-14s %3d s\n' "$name" $((SECONDS - t0)); passed=$((passed + 1))
  else
    echo "  FAIL  $name (exit $status): $*"; sed 's/^/        | /' "$SMOKE/$name.log" | tail -n 25
    failures+=("$name")
  fi
}

# Files the app opens by path at run time, which PyInstaller's analysis cannot prove it needs.
check_files() {
  local missing=0 pattern
  for pattern in \
    _internal/resources/fonts/wqy-microhei.ttc \
    _internal/resources/fonts/LICENSE-Apache-2.0.txt \
    _internal/resources/translations/evaluator_zh_CN.qm \
    _internal/resources/icons/icon.png \
    _internal/evaluator_app/examples/project.json \
    _internal/evaluator_app/venue/api/openapi.json \
    '_internal/pyhanko/sign/validation/qualified/lotl-certs/*.pem' \
    '_internal/pkcs11/_pkcs11*.so' \
    '_internal/pypdfium2_raw/libpdfium*' \
    '_internal/numpy/_core/_multiarray_umath*.so' \
    '_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so' \
    '_internal/PySide6/Qt/plugins/platforms/libqxcb.so' \
    '_internal/PySide6/Qt/lib/libQt6Pdf.so*' \
    '_internal/PySide6/Qt/lib/libQt6PdfWidgets.so*' \
    '_internal/PySide6/Qt/translations/qtbase_zh_CN.qm' \
    _internal/share/applications/evaluator.desktop; do
    # shellcheck disable=SC2086  # the pattern is meant to glob
    if ! compgen -G "$DIST/$pattern" >/dev/null; then echo "missing: $pattern"; missing=1; fi
  done
  return "$missing"
}

# QtPdf, Qt's own Chinese translation and the CJK font, loaded by the bundle (installer/launcher.py's
# --bundle-check) on a one-page PDF made here with the builder's reportlab.
check_qt_pdf() {
  "$PYTHON" - "$SMOKE/check.pdf" <<'EOF' || return 1
import sys
from reportlab.pdfgen import canvas
c = canvas.Canvas(sys.argv[1]); c.drawString(72, 720, "evaluator bundle check"); c.showPage(); c.save()
EOF
  QT_QPA_PLATFORM=offscreen "$BIN" --bundle-check "$SMOKE/check.pdf"
}

# The X11 libraries of the xcb plugin must be inside the bundle: a desktop machine may lack the
# small xcb-util ones (icccm, keysyms, cursor...). Only libxcb.so.1 itself is left to the system, as
# PyInstaller does on purpose (it must match the machine's X server libraries).
check_xcb_libs() {
  local internal=$DIST/_internal bad
  bad=$(LD_LIBRARY_PATH=$internal:$internal/PySide6/Qt/lib \
        ldd "$internal/PySide6/Qt/plugins/platforms/libqxcb.so" "$internal/PySide6/Qt/lib/libQt6XcbQpa.so.6" \
        | awk '$1 ~ /^lib(xcb-|xkbcommon|X11-xcb)/ && $3 !~ "^'"$internal"'/" {print $1, $2, $3}' | sort -u)
  [ -z "$bad" ] || { echo "not in the bundle:"; echo "$bad"; return 1; }
}

# The app must keep running: started on the platform plugin $1 (offscreen: no screen at all),
# still alive after 5 s.
check_app_alive() {
  local platform=${1:-offscreen}
  QT_QPA_PLATFORM=$platform "$BIN" app --data-dir "$SMOKE/app-data-$platform" &
  local pid=$!
  pids+=("$pid")
  sleep 5
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"; echo "the app exited early (status $?)"; return 1
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "alive after 5 s, stopped"
}

# The same on X11 (the xcb plugin a Linux desktop uses), on a private virtual screen, if Xvfb is here.
check_app_on_xvfb() {
  local display_file=$SMOKE/xvfb.display i
  # -displayfd: Xvfb picks a free display number and writes it to fd 9 once it accepts clients.
  Xvfb -displayfd 9 -screen 0 1280x800x24 -nolisten tcp 9>"$display_file" 2>"$SMOKE/xvfb.log" &
  pids+=("$!")
  for i in $(seq 1 50); do [ -s "$display_file" ] && break; sleep 0.1; done
  [ -s "$display_file" ] || { echo "Xvfb did not start"; cat "$SMOKE/xvfb.log"; return 1; }
  DISPLAY=:$(tr -d '[:space:]' <"$display_file") check_app_alive xcb
}

# A venue from the bundled code: demo PKI, venue init, HTTPS serve, then fetch its OpenAPI document
# (exercises aiohttp, ssl, sqlite3 and package data in the bundle).
check_venue_serves() {
  local port
  port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1
  # (set -e does not apply inside a function run as `cmd || status=$?`: every step returns on failure)
  "$BIN" venue init "$SMOKE/venue" --demo-pki "$SMOKE/pki" --port "$port" || return 1
  "$BIN" venue serve --config "$SMOKE/venue/venue.toml" >"$SMOKE/venue-server.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local ok=1 i
  for i in $(seq 1 40); do
    if "$PYTHON" - "$port" <<'EOF'
import json, ssl, sys, urllib.request
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
url = f"https://127.0.0.1:{sys.argv[1]}/api/v1/openapi.json"
spec = json.load(urllib.request.urlopen(url, context=ctx, timeout=2))
print("served", spec["openapi"], spec["info"]["title"])
EOF
    then ok=0; break; fi 2>/dev/null  # refused while the venue starts: only its own log matters
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  [ "$ok" -eq 0 ] || { echo "the venue did not answer; its output:"; tail -n 20 "$SMOKE/venue-server.log"; }
  return "$ok"
}

echo "build.sh: smoke checks of $BIN"
run files          check_files
run version        "$BIN" --version
run help           "$BIN" --help
run plan-example   "$BIN" plan example --out "$SMOKE/plan"
run plan-evaluate  "$BIN" plan evaluate "$SMOKE/plan/project.json" "$SMOKE/plan/scores.json"
run pki-demo       "$BIN" pki demo --out "$SMOKE/pki"
run venue-serve    check_venue_serves
run qt-pdf-i18n    check_qt_pdf
run xcb-libs       check_xcb_libs
run app-offscreen  check_app_alive offscreen
if command -v Xvfb >/dev/null; then
  run app-xcb      check_app_on_xvfb
else
  echo "  skip  app-xcb (no Xvfb here: apt-get install xvfb)"
fi
# The headless self-test drives a whole session; it exists once issue 7's demo has landed.
demo_help=$("$BIN" demo --help 2>/dev/null || true)
if [[ $demo_help == *--selftest* ]]; then
  run demo-selftest timeout 900 "$BIN" demo --headless --selftest --dir "$SMOKE/demo"
else
  echo "  skip  demo-selftest (this build's 'evaluator demo' has no --selftest yet)"
fi
# What was checked, in the bundle's own words: its version and the self-test's summary line.
tail -n 1 "$SMOKE/version.log" "$SMOKE/demo-selftest.log" 2>/dev/null || true

if [ "${#failures[@]}" -gt 0 ]; then
  echo "build.sh: ${#failures[@]} smoke check(s) failed: ${failures[*]}" >&2
  exit 1
fi
echo "build.sh: all $passed smoke checks passed"
