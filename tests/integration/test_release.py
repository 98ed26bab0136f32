# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as users get it: built into a tarball that galaxy-importer accepts, installed
into an empty collections path, and run from there against the sandbox."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=300, check=False, **kwargs)
    assert result.returncode == 0, '%s failed:\n%s\n%s' % (command, result.stdout, result.stderr)
    return result


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    """The collection built the way it is published, once for this file's tests."""
    return build(tmp_path_factory.mktemp('build'))


def build(output):
    """The tarball scripts/build_collection.sh writes, as a release is built."""
    env = dict(os.environ, PATH='%s%s%s' % (BIN, os.pathsep, os.environ['PATH']))
    result = run(['bash', str(REPO / 'scripts' / 'build_collection.sh'), str(output)], env=env)
    tarball = Path(result.stdout.strip().splitlines()[-1])
    assert tarball.parent == output and tarball.name.startswith('mailops-exchange-')
    return tarball


# What Galaxy and Automation Hub run on an upload, offline: the metadata and required tags, the
# documentation of every plugin through ansible-doc, the changelog, the execution environment
# files. Its ansible-lint pass is left to `make lint`, which lints the same files with the
# dependencies installed (the importer lints without them, so every ansible.windows and awx.awx
# task would be a warning there) and takes most of the importer's time.
IMPORTER_CONFIG = """[galaxy-importer]
check_required_tags = True
check_changelog = True
run_ansible_doc = True
run_ansible_lint = False
run_ansible_test = False
"""


def test_galaxy_importer_accepts_the_tarball(tarball, tmp_path):
    config = tmp_path / 'galaxy-importer.cfg'
    config.write_text(IMPORTER_CONFIG)
    env = {k: v for k, v in os.environ.items() if not k.startswith('GALAXY_IMPORTER_')}
    env.update(GALAXY_IMPORTER_CONFIG=str(config), HOME=str(tmp_path), PATH='%s%s%s' % (BIN, os.pathsep, env['PATH']))
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    result = run([sys.executable, '-m', 'galaxy_importer.main', str(tarball)],
                 env=env, cwd=str(tmp_path))
    log = result.stdout + result.stderr
    assert 'Importer processing completed successfully' in log, log
    problems = [line for line in log.splitlines() if re.match(r'^(ERROR|WARNING)\b', line)]
    assert problems == [], '\n'.join(problems)

    imported = json.loads((tmp_path / 'importer_result.json').read_text())
    assert (imported['metadata']['namespace'], imported['metadata']['name']) == ('mailops', 'exchange')
    modules = {path.stem for path in (REPO / 'plugins' / 'modules').glob('*.py')}
    documented = {c['content_name'] for c in imported['docs_blob']['contents']
                  if c['content_type'] == 'module' and c['doc_strings']}
    assert documented == modules, 'ansible-doc rendered every module'


def test_untracked_files_stay_out_of_the_tarball(tmp_path):
    """A user's own playbook and a drift report with tenant data, lying untracked in the checkout."""
    token = uuid.uuid4().hex[:8]
    planted = [REPO / ('my-tenant-%s.yml' % token), REPO / 'playbooks' / ('site-%s.yml' % token),
               REPO / ('drift_report_%s' % token) / 'drift.json']
    try:
        for path in planted:
            path.parent.mkdir(exist_ok=True)
            path.write_text('tenant data %s\n' % token)
        with tarfile.open(build(tmp_path)) as archive:
            names = archive.getnames()
            manifest = json.loads(archive.extractfile('FILES.json').read())
    finally:
        for path in planted:
            path.unlink()
        planted[-1].parent.rmdir()
    assert [name for name in names if token in name] == []
    assert [entry['name'] for entry in manifest['files'] if token in entry['name']] == []
    tracked = set(run(['git', 'ls-files'], cwd=str(REPO)).stdout.split())
    shipped = [entry['name'] for entry in manifest['files'] if entry['ftype'] == 'file']
    stray = [name for name in shipped if name not in tracked]
    assert stray == [], 'only tracked files are shipped'
    assert 'playbooks/leaver.yml' in names and 'plugins/modules/exo_mailbox.py' in names


def test_tarball_installs_and_runs(tmp_path, sandbox, tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    top = {name.split('/')[0] for name in names}
    assert {'plugins', 'meta', 'sandbox', 'README.md', 'requirements.txt'} <= top
    assert not top & {'tests', 'scripts', '.ci', 'Makefile', '.venv', '.build', 'pytest.ini', '.hypothesis'}, \
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
