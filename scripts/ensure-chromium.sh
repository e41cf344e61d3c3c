#!/usr/bin/env bash
# Debian's Chromium for the browser tests; never a Playwright browser download.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
