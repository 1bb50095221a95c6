# Sourced by scripts/run and scripts/test: make .venv with softspot and what it needs.
# Installs only what is missing, so a second run is quick.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Debian packages: $1... are "command:package" pairs; installs the missing ones when we can.
need_debs() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    say "please install: ${missing[*]} (no apt-get here)"; return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The virtual environment, reinstalled when pyproject.toml changes.
need_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.softspot-$extras-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -e "$stamp" ]; then
    say "installing softspot and its Python packages ($extras)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[$extras]"
    rm -f .venv/.softspot-"$extras"-*
    touch "$stamp"
  fi
}
