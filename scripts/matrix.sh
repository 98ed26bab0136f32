#!/usr/bin/env bash
# The support matrix beyond the main test environment (ansible-core 2.19 on Python 3.11, where
# every suite runs): for each ansible-core release the collection claims (meta/runtime.yml) on the
# newest Python it adds, a virtual environment under .build/matrix with that core and the modules'
# requirements, then the modules' unit tests, ansible-doc of every module, one module run through
# ansible-core's own module packaging against a sandbox, and, on the last row (the newest core),
# ansible-test sanity's validate-modules and compile tests. docs/docsite/rst/support.rst.
#   bash scripts/matrix.sh                 # every row
#   bash scripts/matrix.sh 2.20:3.12       # one row
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=("2.20:3.12" "2.21:3.13")

interpreter() {  # python3.X under pyenv or on PATH, one that runs (a pyenv shim may not)
  local version=$1 candidate
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version" \
                   "$(command -v "python$version" 2>/dev/null || true)"; do
    if [ -x "$candidate" ] && "$candidate" -c 'import venv' >/dev/null 2>&1; then echo "$candidate"; return 0; fi
  done
  echo "matrix: no Python $version (python$version under pyenv or on PATH)" >&2
  return 1
}

state=$(mktemp -d)
trap 'python -m sandbox stop --state-dir "$state/sandbox" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
python -m sandbox serve --background --state-dir "$state/sandbox" --users 3 --shared 1 >/dev/null

for row in "${rows[@]}"; do
  core=${row%%:*} version=${row##*:}
  venv=.build/matrix/core$core-py$version
  echo "== ansible-core $core on Python $version"
  if [ ! -x "$venv/bin/ansible" ] || ! "$venv/bin/python" -c "import ansible.release as r, sys; sys.exit(not r.__version__.startswith('$core.'))"; then
    rm -rf "$venv"
    "$(interpreter "$version")" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ansible-core==$core.*" \
      -r requirements.txt 'pytest>=8.0' 'hypothesis>=6.100' 2>&1 | grep -v "^WARNING: Location" || true
  fi
  "$venv/bin/python" -c "import ansible.release as r, sys; print('ansible-core', r.__version__, 'Python', sys.version.split()[0])"
  export ANSIBLE_COLLECTIONS_PATH=$repo/.build/collections PYTHONPATH=$repo/.build/collections
  "$venv/bin/python" -m pytest -q -p no:cacheprovider -rfE tests/unit/plugins >"$state/unit.txt" 2>&1 \
    || { tail -n 60 "$state/unit.txt"; exit 1; }
  tail -n 1 "$state/unit.txt"
  modules=()
  for file in plugins/modules/*.py; do name=${file##*/}; modules+=("mailops.exchange.${name%.py}"); done
  "$venv/bin/ansible-doc" --json "${modules[@]}" >"$state/doc.json"
  "$venv/bin/python" - "$state/doc.json" "${modules[@]}" <<'PY'
import json, sys
docs = json.load(open(sys.argv[1]))
missing = [name for name in sys.argv[2:] if not docs.get(name, {}).get("doc")]
assert not missing, "ansible-doc could not document: %s" % missing
print("ansible-doc documents %d modules" % len(sys.argv[2:]))
PY
  (
    set -a
    # shellcheck disable=SC1091
    . "$state/sandbox/sandbox.env"
    set +a
    XDG_CACHE_HOME=$state/cache ANSIBLE_LOCALHOST_WARNING=False "$venv/bin/ansible" localhost \
      -m mailops.exchange.exo_mailbox_info -a identity=alice -e "ansible_python_interpreter=$repo/$venv/bin/python"
  ) >"$state/run.txt"
  grep -q '"primary_smtp_address": "alice@contoso.com"' "$state/run.txt" || { cat "$state/run.txt"; exit 1; }
  echo "exo_mailbox_info ran against the sandbox"
  # Sanity's rules only grow from one core to the next: the oldest core runs every sanity test in
  # `make sanity`, the newest row here runs the module rules (the budget of CI, docs/docsite/rst/support.rst).
  if [ "$row" = "${rows[-1]}" ]; then
    PATH="$repo/$venv/bin:$PATH" bash scripts/sanity.sh --test validate-modules --test compile >"$state/sanity.txt" 2>&1 \
      || { tail -n 80 "$state/sanity.txt"; exit 1; }
    echo "ansible-test sanity: validate-modules and compile pass"
  fi
done
