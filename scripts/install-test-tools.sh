#!/usr/bin/env bash
# Installs what three tests use from Debian, each skipped without it:
# - chromium, for the playground's browser tests (test/e2e/playground-browser.test.ts and the
#   first-hour walk, test/e2e/first-hour.test.ts), which drive /usr/bin/chromium through playwright-core;
# - the docker-compose CLI, for `docker-compose config` on docker-compose.yml (test/deploy-compose.test.ts);
#   the Docker engine is not needed for that.
#   scripts/install-test-tools.sh
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "chromium and a compose CLI are installed" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install ${missing[*]} yourself, or the tests that need them are skipped." >&2
  exit 0
fi
sudo=''
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo='sudo'; else
    echo "Not root and no sudo: run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 0
  fi
fi
$sudo apt-get update
$sudo apt-get install -y "${missing[@]}"
