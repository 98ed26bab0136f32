# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment: ansible-builder finds the collection's requirements, and the
shipped EE definition generates a build context (no container is built here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*command):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=300, check=False)
    assert result.returncode == 0, '%s failed:\n%s\n%s' % (command, result.stdout, result.stderr)
    return result


def requirement_names(path):
    lines = (line.split('#')[0].strip() for line in path.read_text().splitlines())
    return {line.split('>')[0].split('[')[0].split(' ')[0].lower() for line in lines if line}


def test_introspect_and_create(tmp_path):
    tarball = Path(run('env', 'PATH=%s:/usr/bin:/bin' % BIN, 'bash', REPO / 'scripts' / 'build_collection.sh',
                       tmp_path).stdout.split()[-1])
    collections = tmp_path / 'collections'
    # --force: the development tree is installed (linked) on the default collections path too.
    run(BIN / 'ansible-galaxy', 'collection', 'install', '--no-deps', '--force', '-p', collections, tarball)

    introspected = yaml.safe_load(run(BIN / 'ansible-builder', 'introspect', collections).stdout)
    python = {entry.split('#')[0].strip() for entry in introspected['python']}
    system = {entry.split('#')[0].strip() for entry in introspected['system']}
    assert {line.split('>')[0].split('[')[0] for line in python} == \
        requirement_names(REPO / 'meta' / 'ee-requirements.txt')
    assert 'pypsrp[kerberos]>=0.8.1' in python, 'Kerberos for on-premises Exchange is in the EE'
    assert 'libkrb5-dev [platform:dpkg compile]' in system
    assert 'krb5-devel [platform:rpm compile]' in system
    lines = (line.split('#')[0].strip() for line in (REPO / 'requirements.txt').read_text().splitlines())
    runtime = {line.split('>')[0].split('[')[0].lower() for line in lines if line}
    assert runtime == requirement_names(REPO / 'meta' / 'ee-requirements.txt'), \
        'the EE carries every runtime requirement of the modules'

    definition = tmp_path / 'ee'
    shutil.copytree(REPO / 'extensions' / 'ee', definition)
    shutil.copy(tarball, definition / 'mailops-exchange.tar.gz')
    context = tmp_path / 'context'
    run(BIN / 'ansible-builder', 'create', '-f', definition / 'execution-environment.yml', '-c', context)
    containerfile = next(p for p in (context / 'Containerfile', context / 'Dockerfile') if p.exists())
    assert 'ansible-galaxy collection install' in containerfile.read_text()
    base = yaml.safe_load((definition / 'execution-environment.yml').read_text())['images']['base_image']['name']
    image, unused, tag = base.rpartition(':')
    assert image and tag and tag != 'latest', 'the base image is pinned to a version: %s' % base
    assert 'FROM %s' % base in containerfile.read_text() or 'ARG EE_BASE_IMAGE="%s"' % base in containerfile.read_text()
    galaxy = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    names = [c['name'] for c in galaxy['collections']]
    assert 'collections/mailops-exchange.tar.gz' in names
    assert (context / '_build' / 'collections' / 'mailops-exchange.tar.gz').stat().st_size == tarball.stat().st_size
