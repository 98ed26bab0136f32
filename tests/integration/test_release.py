# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as users get it: built into a tarball, installed into an empty collections
path, and run from there against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=300, check=False, **kwargs)
    assert result.returncode == 0, '%s failed:\n%s\n%s' % (command, result.stdout, result.stderr)
    return result


def test_tarball_installs_and_runs(tmp_path, sandbox):
    run([str(BIN / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path), str(REPO)])
    tarball = next(tmp_path.glob('mailops-exchange-*.tar.gz'))
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    top = {name.split('/')[0] for name in names}
    assert {'plugins', 'meta', 'sandbox', 'README.md', 'requirements.txt'} <= top
    assert not top & {'tests', 'scripts', '.ci', 'Makefile', '.venv', '.build', 'pytest.ini'}, \
        'development files stay out of the tarball'

    collections = tmp_path / 'collections'
    # Dependencies (if any are declared) are not fetched: this machine has no Galaxy access.
    # --force: the development tree is installed (linked) on the default collections path too.
    run([str(BIN / 'ansible-galaxy'), 'collection', 'install', '--no-deps', '--force', '-p',
         str(collections), str(tarball)])
    installed = collections / 'ansible_collections' / 'mailops' / 'exchange'
    assert json.loads((installed / 'MANIFEST.json').read_text())['collection_info']['version']

    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_LOCALHOST_WARNING='False',
               XDG_CACHE_HOME=str(tmp_path / 'cache'), **sandbox.env)
    env.pop('PYTHONPATH', None)
    doc = run([str(BIN / 'ansible-doc'), '--json', 'mailops.exchange.exo_mailbox_info'], env=env)
    module_doc = json.loads(doc.stdout)['mailops.exchange.exo_mailbox_info']['doc']
    assert str(installed) in module_doc['filename']

    result = run([str(BIN / 'ansible'), 'localhost', '-m', 'mailops.exchange.exo_mailbox_info',
                  '-a', 'identity=sales', '-o'], env=env, cwd=str(tmp_path))
    assert '"primary_smtp_address": "sales@contoso.com"' in result.stdout
    assert sandbox.stats()['cmdlets'].get('Get-Mailbox') == 1
