# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/desired_state.yml and the drift report (playbooks/audit.yml) with dynamic distribution
groups in the data file (issue 16 item 5):
the audit writes nothing and reports the groups it would create, the run creates them, the re-run
writes nothing although Exchange stored the filters rewritten, a filter and a note changed behind
the playbook's back are reported exactly in check mode and then repaired, and state: absent
removes them."""

from __future__ import annotations

import json

import yaml
from conftest import REPO

FILTER = "RecipientTypeDetails -eq 'SharedMailbox' -and Name -notlike 'zz*'"
GROUPS = [
    {'group': 'DS Shared', 'recipient_filter': FILTER, 'notes': 'from the data file', 'hidden_from_address_lists': True},
    {'group': 'DS Sales', 'included_recipients': ['MailboxUsers'], 'conditional_department': ['Sales']},
    {'group': 'DS Gone', 'state': 'absent'},
]


def run(playbook, sandbox, tmp_path, groups, *args):
    data_file = tmp_path / 'desired.yml'
    data_file.write_text(yaml.safe_dump({'dynamic_groups': groups}, sort_keys=False))
    results_path = tmp_path / 'results.json'
    sandbox.reset()
    playbook.run('desired_state_run.yml', *args, extra_vars={'desired_state_file': data_file, 'results_path': results_path})
    outcome = json.loads(results_path.read_text())
    outcome['writes'] = dict((name, count) for name, count in sandbox.stats()['cmdlets'].items()
                             if not name.startswith('Get-'))
    outcome['changed'] = dict((r['object'], r['changes']) for r in outcome['results'] if r['changed'])
    assert all(r['kind'] == 'dynamic_group' for r in outcome['results'])
    return outcome


def test_dynamic_groups_audit_converge_rerun_drift_and_removal(playbook, sandbox, tmp_path):
    audit = run(playbook, sandbox, tmp_path, GROUPS, '--check', '--diff')
    assert audit['writes'] == {}
    assert audit['summary'] == {'objects': 3, 'changed': 2, 'failed': 0, 'check_mode': True}
    assert audit['changed']['DS Shared']['state'] == {'before': 'absent', 'after': 'present'}

    converged = run(playbook, sandbox, tmp_path, GROUPS)
    assert converged['writes'] == {'New-DynamicDistributionGroup': 2, 'Set-DynamicDistributionGroup': 1}
    assert converged['summary']['changed'] == 2 and converged['summary']['failed'] == 0

    again = run(playbook, sandbox, tmp_path, GROUPS)
    assert again['writes'] == {} and again['summary']['changed'] == 0
    stored = sandbox.invoke('Get-DynamicDistributionGroup', {'Identity': 'DS Shared'}).json()['value'][0]
    assert 'SystemMailbox{*' in stored['RecipientFilter'] and stored['RecipientFilter'] != FILTER

    for parameters in ({'Identity': 'DS Shared', 'RecipientFilter': "RecipientTypeDetails -eq 'SharedMailbox'"},
                       {'Identity': 'DS Sales', 'Notes': 'edited by hand'}):
        assert sandbox.invoke('Set-DynamicDistributionGroup', parameters).status_code == 200
    drifted = run(playbook, sandbox, tmp_path, GROUPS, '--check')
    assert drifted['writes'] == {}
    # Only what the data file describes is compared: the note on DS Sales is not in it.
    assert list(drifted['changed']) == ['DS Shared']
    assert drifted['changed']['DS Shared'] == {'recipient_filter': {
        'before': "(RecipientTypeDetailsValue -eq 'SharedMailbox')", 'after': FILTER}}

    # The drift report (playbooks/audit.yml) shows the same, per property.
    sandbox.reset()
    playbook.run(str(REPO / 'playbooks' / 'audit.yml'), '--check', '--diff', extra_vars={
        'desired_state_file': tmp_path / 'desired.yml', 'report_dir': tmp_path / 'report'})
    assert sandbox.stats()['writes'] == 0
    report = json.loads((tmp_path / 'report' / 'drift.json').read_text())
    assert report['summary']['by_kind']['dynamic_group'] == {'to_create': 0, 'to_remove': 0, 'drifted': 1, 'failed': 0,
                                                             'in_sync': 2, 'total': 3}
    shared = dict((p['name'], p) for p in next(o for o in report['objects'] if o['object'] == 'DS Shared')['properties'])
    assert all(name.startswith('recipient_filter') for name in shared), shared
    assert (shared['recipient_filter']['before'], shared['recipient_filter']['after']) == (
        "(RecipientTypeDetailsValue -eq 'SharedMailbox')", "((RecipientTypeDetailsValue -eq 'SharedMailbox') -and (Name -notlike 'zz*'))")

    repaired = run(playbook, sandbox, tmp_path, GROUPS)
    assert repaired['writes'] == {'Set-DynamicDistributionGroup': 1}

    removed = run(playbook, sandbox, tmp_path, [dict(group=g['group'], state='absent') for g in GROUPS])
    assert removed['writes'] == {'Remove-DynamicDistributionGroup': 2}
    assert sandbox.invoke('Get-DynamicDistributionGroup', {'ResultSize': 'Unlimited'}).json()['value'] == []
