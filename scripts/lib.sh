# Shared by scripts/run and scripts/test: create .venv once and install the project into it.
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    "$python" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
  local stamp=".venv/.installed-$(echo "$extras" | tr -c 'a-z' '_')"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
    # requirements.lock pins every dependency, so installs are reproducible.
    python -m pip install --quiet --constraint requirements.lock -e "$extras"
    touch "$stamp"
  fi
}
