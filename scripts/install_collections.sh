#!/usr/bin/env bash
# The roles need ansible.windows and community.windows; extensions/awx/register_credential_types.yml
# needs awx.awx. Ansible Galaxy is not always reachable (CI here has PyPI only), so take them from
# the PyPI `ansible` package that matches ansible-core 2.19 and extract just those collections
# into the collections path the Makefile uses. Users with Galaxy access run
#   ansible-galaxy collection install ansible.windows community.windows awx.awx
# instead. Re-running is cheap: nothing is downloaded when the wanted versions are in place.
set -euo pipefail
cd "$(dirname "$0")/.."

ANSIBLE_VERSION="${ANSIBLE_VERSION:-12.3.0}"
PYTHON="${PYTHON:-python3}"
CACHE=.build/cache/ansible-${ANSIBLE_VERSION}
DEST=.build/collections/ansible_collections
STAMP="$DEST/.collections-${ANSIBLE_VERSION}"

if [ -f "$STAMP" ] && [ -d "$DEST/ansible/windows" ] && [ -d "$DEST/community/windows" ] \
    && [ -d "$DEST/awx/awx" ]; then
  exit 0
fi

mkdir -p "$CACHE" "$DEST"
wheel=$(find "$CACHE" -name "ansible-${ANSIBLE_VERSION}-*.whl" | head -n 1)
if [ -z "$wheel" ]; then
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest "$CACHE" "ansible==${ANSIBLE_VERSION}"
  wheel=$(find "$CACHE" -name "ansible-${ANSIBLE_VERSION}-*.whl" | head -n 1)
fi

"$PYTHON" - "$wheel" "$DEST" <<'PY'
"""Extract ansible.windows, community.windows and awx.awx (and nothing else) from the ansible wheel."""
import json
import shutil
import sys
import zipfile
from pathlib import Path

wheel, dest = sys.argv[1], Path(sys.argv[2])
wanted = ('ansible_collections/ansible/windows/', 'ansible_collections/community/windows/',
          'ansible_collections/awx/awx/')
with zipfile.ZipFile(wheel) as archive:
    for prefix in wanted:
        target = dest / prefix[len('ansible_collections/'):]
        shutil.rmtree(target, ignore_errors=True)
        for name in archive.namelist():
            if name.startswith(prefix) and not name.endswith('/'):
                path = dest / name[len('ansible_collections/'):]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.read(name))
        manifest = json.loads((target / 'MANIFEST.json').read_text())
        info = manifest['collection_info']
        print('%s.%s %s' % (info['namespace'], info['name'], info['version']))
PY
touch "$STAMP"
