#!/usr/bin/env bash
# The drift report's integration test renders its page in Debian's headless Chromium. When the
# browser is missing, install it from apt if this runs as root on a machine with apt-get (CI);
# otherwise say how, and let the test fail with the same advice. Nothing happens when it is there.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "install_chromium.sh: Chromium is missing; tests/integration/test_drift_report.py needs it:" \
  "sudo apt-get install chromium (or set CHROMIUM to the browser's path)" >&2
