#!/usr/bin/env bash
# Installs Debian's chromium for the playground's browser test (test/e2e/playground-browser.test.ts),
# which drives /usr/bin/chromium through playwright-core. Without it that test is skipped.
#   scripts/install-chromium.sh
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  echo "chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install Chromium at /usr/bin/chromium yourself, or the browser test is skipped." >&2
  exit 0
fi
sudo=''
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo='sudo'; else
    echo "Not root and no sudo: run as root: apt-get update && apt-get install -y chromium" >&2
    exit 0
  fi
fi
$sudo apt-get update
$sudo apt-get install -y chromium
