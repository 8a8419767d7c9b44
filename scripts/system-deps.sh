#!/usr/bin/env bash
# Installs the Debian packages the end-to-end tests need, only when missing.
# Runs as root on developer machines and CI (apt-get works as it is there).
set -euo pipefail
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Lighthouse for tests/test_lighthouse.py, pinned by tests/tools/package-lock.json;
# reinstalled only when the lock file is newer than the installed tree.
tools="$(cd "$(dirname "$0")/.." && pwd)/tests/tools"
if [ ! "$tools/node_modules/.package-lock.json" -nt "$tools/package-lock.json" ]; then
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi
