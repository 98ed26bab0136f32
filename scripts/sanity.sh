#!/usr/bin/env bash
# ansible-test sanity needs to run from inside an ansible_collections/<namespace>/<name> tree
# (a real directory: it resolves symlinks), so the tracked files are copied into one under .build/.
set -euo pipefail
cd "$(dirname "$0")/.."
# ansible-test bootstraps pip in its test environments with a script it downloads; put the
# stand-in where it looks first, for every pip version it may ask for.
pip_version=$(python -c 'import re, ansible_test._internal.python_requirements as m, inspect; print(re.search(r"pip=.(\d[\d.]*)", inspect.getsource(m.get_venv_packages)).group(1))')
mkdir -p ~/.ansible/test/cache
cp scripts/get_pip_standin.py ~/.ansible/test/cache/"get_pip_${pip_version//./_}.py"
dest=.build/sanity/ansible_collections/mailops/exchange
rm -rf .build/sanity
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$dest"
cd "$dest"
# The copy lies inside this repository's ignored .build/; a repository of its own makes
# ansible-test list the copied files instead of asking the outer repository.
git init -q . && git add -A
# --venv builds each test's pinned requirements in its own virtual environment, so the linters'
# versions do not fight with ansible-lint's in .venv.
ansible-test sanity --color no --venv --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "$@"
