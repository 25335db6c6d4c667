#!/usr/bin/env bash
# The Debian packages Timeout Lens's tests and `npm start` need, installed once per machine:
# Chromium (drives VS Code in the tests), the AWS CLI (an independent client of the sample
# account), and what code-server's native modules build with. Idempotent (a no-op once they are
# there, so `npm start` and `npm test` run it first); needs root or sudo to install.
set -euo pipefail
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "[setup] not a Debian or Ubuntu machine: install Chromium (at /usr/bin/chromium), ripgrep and a C++ toolchain yourself"
  exit 0
fi
need=()
for pkg in chromium awscli ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev build-essential pkg-config python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "[setup] Debian packages already installed"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "[setup] apt-get install ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
