# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks run the way AWX runs a job: through ansible-runner, from a private data directory
(project, inventory, env/envvars, env/extravars) with the credential injected as the AWX credential
type injects it; the job events, the drift report and every artifact file are then checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import ansible_runner
import yaml

from conftest import COLLECTIONS, REPO
from test_awx_credential_types import TYPES, inject

SANDBOX_VARIABLES = re.compile(r'^(AZURE|EXO|EXCHANGE|SANDBOX)_')


def private_data_dir(tmp_path, sandbox):
    """A job's private data directory as AWX prepares it, with the credential's files beside it."""
    data = tmp_path / 'job'
    shutil.copytree(REPO / 'playbooks', data / 'project', ignore=shutil.ignore_patterns('*.retry'))
    (data / 'inventory').mkdir()
    (data / 'inventory' / 'hosts').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    credential = yaml.safe_load((TYPES / 'exchange_online.yml').read_text())
    (tmp_path / 'credential').mkdir()
    envvars = inject(credential, {
        'tenant_id': sandbox.env['AZURE_TENANT_ID'], 'client_id': sandbox.env['AZURE_CLIENT_ID'],
        'client_secret': sandbox.env['AZURE_CLIENT_SECRET'], 'organization': sandbox.env['EXO_ORGANIZATION'],
        'authority_host': sandbox.env['EXO_AUTHORITY_HOST'], 'graph_url': sandbox.env['EXO_GRAPH_URL'],
        'exchange_url': sandbox.env['EXO_EXCHANGE_URL'],
        'ca_bundle': Path(sandbox.env['EXO_CA_PATH']).read_text()}, tmp_path / 'credential')
    # A job against the sandbox says so (the modules' loopback guard); the rest is the job's own.
    envvars.update(EXO_SANDBOX_TENANTS=sandbox.env['EXO_SANDBOX_TENANTS'], ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
                   XDG_CACHE_HOME=str(tmp_path / 'cache'), ANSIBLE_LOCALHOST_WARNING='False')
    (data / 'env').mkdir()
    (data / 'env' / 'envvars').write_text(json.dumps(envvars))
    return data


def run(data, playbook, extravars=None, cmdline=None):
    (data / 'env' / 'extravars').write_text(json.dumps(extravars or {}))
    result = ansible_runner.run(private_data_dir=str(data), playbook=playbook, cmdline=cmdline, quiet=True)
    events = list(result.events)
    assert result.status == 'successful', '\n'.join(e.get('stdout', '') for e in events)[-6000:]
    stats = [e['event_data'] for e in events if e['event'] == 'playbook_on_stats'][-1]
    return result, events, stats


def test_demo_desired_state_and_audit_through_ansible_runner(sandbox, tmp_path, monkeypatch):
    # The job's environment is the private data directory's, not this test process's.
    for name in [name for name in os.environ if SANDBOX_VARIABLES.match(name)]:
        monkeypatch.delenv(name)
    monkeypatch.setenv('PATH', '%s%s%s' % (Path(sys.executable).parent, os.pathsep, os.environ['PATH']))
    data = private_data_dir(tmp_path, sandbox)

    demo, events, stats = run(data, 'shared_mailbox_access.yml', cmdline='--diff')
    assert stats['changed'] == {'localhost': 1}
    changed = [e['event_data']['task'] for e in events if e['event'] == 'runner_on_ok' and e['event_data']['res'].get('changed')]
    assert changed and all(e['event_data'].get('res', {}).get('diff') is not None
                           for e in events if e['event'] == 'runner_on_ok' and e['event_data']['res'].get('changed'))

    converged, events, stats = run(data, 'desired_state.yml')
    assert stats['failures'] == {} and stats['changed'].get('localhost', 0) >= 1
    writes = sandbox.stats()['writes']

    report_dir = tmp_path / 'report'
    audit, events, stats = run(data, 'audit.yml', extravars={'report_dir': str(report_dir)}, cmdline='--check --diff')
    assert sandbox.stats()['writes'] == writes, 'the audit writes nothing'
    report = json.loads((report_dir / 'drift.json').read_text())
    assert report['summary']['drifted'] == 0, report['summary']
    assert (report_dir / 'drift.html').stat().st_size > 0

    # Every file of the job - artifacts (job events, stdout, the command with its environment),
    # env, project - and the report: no secret of the credential anywhere.
    secret = sandbox.env['AZURE_CLIENT_SECRET']
    files = [path for path in list(data.rglob('*')) + list(report_dir.rglob('*')) if path.is_file()]
    artifacts = [path for path in files if 'artifacts' in path.parts]
    assert any(path.name == 'command' for path in artifacts) and any('job_events' in path.parts for path in artifacts)
    assert len({path.parts[path.parts.index('artifacts') + 1] for path in artifacts}) == 3, 'three jobs'
    leaked = [str(path) for path in files if secret in path.read_text(errors='replace')]
    assert leaked == []
