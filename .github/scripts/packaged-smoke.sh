#!/usr/bin/env bash
# Runs the packaged-app smoke test (e2e/packaged-app.spec.ts, `npm run test:packaged`) against one
# unpacked app in dist/, and fails unless it really ran: the spec skips itself when it cannot
# launch the app, which is right on a developer's machine but would hide a broken package here.
# Usage: packaged-smoke.sh <path to the packaged executable>
set -euo pipefail

app="${1:?usage: packaged-smoke.sh <packaged executable>}"
if [ ! -e "$app" ]; then
  echo "::error::packaged app not found at $app; dist/ holds:"
  ls dist || true
  exit 1
fi
export PARLEY_PACKAGED_APP="$PWD/$app"

log="$(mktemp)"
status=0
if [ "$(uname -s)" = Linux ]; then
  # Electron needs a display; xvfb-run gives it one (-a: pick a free display number).
  xvfb-run -a npm run test:packaged 2>&1 | tee "$log" || status=$?
else
  npm run test:packaged 2>&1 | tee "$log" || status=$?
fi
[ "$status" -eq 0 ] || exit "$status"

# The suite's closing `N passed, N failed[, N skipped]` line (e2e/support/summary-reporter.ts).
line="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1 || true)"
case "$line" in
  "" | "0 passed"* | *skipped*)
    echo "::error::the packaged smoke test did not run in full (${line:-no summary line}); see the skip reasons above"
    exit 1
    ;;
esac
echo "packaged smoke test: $line"
