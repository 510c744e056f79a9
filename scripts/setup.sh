#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for the scorecard. Safe to run again.
#
#   system packages (apt, needs root or sudo): Chromium (the PDF and browser checks), poppler (PDF pages
#       to PNG and text), fonts, python3-venv, Node.js + npm (axe-core accessibility checks)
#   .venv/       the project's own virtual environment (the system Python refuses system-wide pip, PEP 668)
#   the package and its dependencies (JupyterLab included), installed into .venv
#   a Jupyter kernel "scorecard" inside .venv (never in your own ~/.local/share/jupyter)
#   nbstripout as this clone's git filter (notebooks are committed without outputs)
#   axe-core into ./node_modules (tests only)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
APT_PACKAGES="chromium poppler-utils fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 python3-venv"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || APT_PACKAGES="$APT_PACKAGES nodejs npm"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "setup: installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: making the virtual environment .venv with $($PYTHON --version 2>&1)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
# The project's kernel lives inside .venv: JupyterLab from .venv and papermill find it; the user's kernels are untouched.
.venv/bin/python -m ipykernel install --sys-prefix --name scorecard --display-name "Python (scorecard)" >/dev/null
if [ -d .git ]; then
  .venv/bin/nbstripout --install --attributes .gitattributes >/dev/null 2>&1 || true
  # keep the cells' ids: renumbering them would make every id of a committed notebook a spurious change
  strip="\"$PWD/.venv/bin/python\" -m nbstripout --keep-id"
  git config filter.nbstripout.clean "$strip" && git config diff.ipynb.textconv "$strip -t" || true
fi

if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --silent >/dev/null 2>&1 || npm install --no-audit --no-fund --silent >/dev/null
fi
echo "setup: done (run the scorecard with .venv/bin/scorecard, the tests with .venv/bin/python -m pytest)"
