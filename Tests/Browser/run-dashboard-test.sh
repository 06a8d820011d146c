#!/usr/bin/env bash
# Runs the dashboard's browser test (dashboard_test.py) against the API in GANTRY_API_URL. Installs what it
# needs when missing: Debian's chromium and chromium-driver (through ops/lib-apt.sh, as ops/test installs the
# servers) and Selenium, pinned, in a venv kept under ~/.cache (GANTRY_BROWSER_VENV to move it). Started by the
# Swift test DashboardBrowserTests, which prepares the servers and passes the rest of the environment.
set -euo pipefail
cd "$(dirname "$0")/../.."
source ops/lib-apt.sh

SELENIUM_VERSION=4.27.1
VENV=${GANTRY_BROWSER_VENV:-$HOME/.cache/gantry-browser-venv}

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  gantry_install_packages chromium chromium-driver || { echo "could not install chromium and chromium-driver" >&2; exit 1; }
fi
if ! "$VENV/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
  echo "==> installing selenium $SELENIUM_VERSION (PyPI) into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "selenium==$SELENIUM_VERSION"
fi
export GANTRY_CHROMIUM=${GANTRY_CHROMIUM:-$(command -v chromium)}
export GANTRY_CHROMEDRIVER=${GANTRY_CHROMEDRIVER:-$(command -v chromedriver)}
# Selenium Manager must not go looking for a browser or driver online: both are given.
export SE_OFFLINE=true
exec "$VENV/bin/python" Tests/Browser/dashboard_test.py
