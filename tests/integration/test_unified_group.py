# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft 365 groups (exo_unified_group, exo_unified_group_info) end to end, against the sandbox tenant, and in
playbooks/desired_state.yml and the drift report (playbooks/audit.yml)."""

from __future__ import annotations

import json

import yaml
from conftest import REPO


def test_unified_group_lifecycle_bulk_and_bad_input(playbook, sandbox):
    playbook.run('unified_group.yml')
    # What the service holds afterwards, read past the module: every group of the walk is gone,
    # and the distribution groups never saw them.
    answer = sandbox.invoke('Get-UnifiedGroup', {'ResultSize': 'Unlimited'})
    assert answer.status_code == 200 and answer.json()['value'] == []
    groups = sandbox.invoke('Get-DistributionGroup', {'ResultSize': 'Unlimited'}).json()['value']
    assert sorted(row['Name'] for row in groups) == ['all-staff', 'finance', 'sales-team']


def test_desired_state_and_drift_report_know_microsoft_365_groups(playbook, sandbox, tmp_path):
    # One group exists, public and owned by Alice; the data file wants it private and Dave's, and
    # a second group that does not exist yet.
    assert sandbox.invoke('New-UnifiedGroup', {'DisplayName': 'DS old', 'Alias': 'ds-m365-old', 'Owner': 'alice'}).ok
    data = {'unified_groups': [
        {'group': 'ds-m365-new', 'display_name': 'DS new', 'access_type': 'private',
         'owners': ['bob@contoso.com'], 'members': ['bob@contoso.com', 'carol@contoso.com']},
        {'group': 'ds-m365-old', 'access_type': 'private', 'owners': ['dave@contoso.com'], 'members': ['dave@contoso.com']},
    ]}
    data_file = tmp_path / 'tenant.yml'
    data_file.write_text(yaml.safe_dump(data))
    sandbox.reset()

    report_dir = tmp_path / 'report'
    playbook.run(str(REPO / 'playbooks' / 'audit.yml'), '--check', '--diff', extra_vars={
        'desired_state_file': data_file, 'report_dir': report_dir})
    assert sandbox.stats()['writes'] == 0
    report = json.loads((report_dir / 'drift.json').read_text())
    assert report['summary']['by_kind']['unified_group'] == {'to_create': 1, 'to_remove': 0, 'drifted': 1, 'failed': 0,
                                                             'in_sync': 0, 'total': 2}
    objects = dict((o['object'], {p['name']: p for p in o['properties']}) for o in report['objects'])
    old = objects['ds-m365-old']
    assert (old['access_type']['before'], old['access_type']['after']) == ('public', 'private')
    assert (old['owners']['added'], old['owners']['removed']) == (['dave@contoso.com'], ['alice@contoso.com'])
    assert (old['members']['added'], old['members']['removed']) == (['dave@contoso.com'], ['alice@contoso.com'])
    new = objects['ds-m365-new']
    assert (new['state']['before'], new['state']['after']) == ('absent', 'present')
    assert new['members']['added'] == ['bob@contoso.com', 'carol@contoso.com']

    results = tmp_path / 'results.json'
    run = dict(desired_state_file=data_file, results_path=results)
    sandbox.reset()
    playbook.run('desired_state_run.yml', extra_vars=run)
    written = dict((k, v) for k, v in sandbox.stats()['cmdlets'].items() if not k.startswith('Get-'))
    # The new group: created, then its members and its owner; the old one: one Set, Dave in as
    # member and owner, then Alice out as owner and then as member.
    assert written == {'New-UnifiedGroup': 1, 'Set-UnifiedGroup': 1, 'Add-UnifiedGroupLinks': 4,
                       'Remove-UnifiedGroupLinks': 2}
    assert json.loads(results.read_text())['summary']['changed'] == 2

    sandbox.reset()
    playbook.run('desired_state_run.yml', extra_vars=run)
    assert sandbox.stats()['writes'] == 0
    assert json.loads(results.read_text())['summary']['changed'] == 0
    owners = sandbox.invoke('Get-UnifiedGroupLinks', {'Identity': 'ds-m365-old', 'LinkType': 'Owners'}).json()['value']
    assert [row['Alias'] for row in owners] == ['dave']
