#!/usr/bin/env bash
# Set up a fresh Debian machine for the scorecard: system packages, Python packages, Jupyter kernel.
# Safe to run again. Needs root (or sudo) for apt-get; everything else is user-level.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# Headless Chromium (PDF and browser checks), Pango (WeasyPrint, the PDF fallback), poppler (PDF pages to
# PNG), fonts (PDF), Node.js/npm (axe-core).
APT_PACKAGES="chromium libpango-1.0-0 libpangoft2-1.0-0 poppler-utils fonts-dejavu-core fonts-liberation2 nodejs npm"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=$(echo "$missing" | sed -e 's/\bnodejs\b//' -e 's/\bnpm\b//')
fi
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
  echo "setup: installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

python3 -m pip install --quiet --upgrade pip
python3 -m pip install --quiet -e ".[dev]"
python3 -m ipykernel install --user --name python3 >/dev/null

# axe-core for the accessibility checks, installed into ./node_modules from the npm registry.
if [ -f package.json ] && command -v npm >/dev/null 2>&1; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent >/dev/null
  else npm install --no-audit --no-fund --silent >/dev/null; fi
fi
echo "setup: done"
