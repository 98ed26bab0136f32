# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired-state data file of Exchange Online (desired_state_data.desired_state) converging the
session sandbox's on-premises organisation over its WSMan endpoint, chosen by the connection
option desired_state_exchange_server: the run from scratch writes exactly the changes, the re-run
nothing, and drift made behind the role's back is reported by
playbooks/audit.yml as it is for Exchange Online. What no on-premises module converges is refused
before anything is sent."""

from __future__ import annotations

import json

import yaml
from conftest import REPO
from desired_state_data import (
    ONPREM_DOMAIN,
    contact_address,
    desired_state,
    external_recipient_writes,
    group_name,
    onprem_mailbox_name,
)
from test_onprem import runner

N = 2


def address(index):
    return '%s@%s' % (onprem_mailbox_name(index), ONPREM_DOMAIN)


def writes(stats):
    return {name: count for name, count in stats['cmdlets'].items() if not name.startswith('Get-')}


def changed(outcome):
    return sorted((r['kind'], r['object']) for r in outcome['results'] if r['changed'])


def test_the_exchange_online_data_file_converges_an_onprem_organisation(sandbox, playbook, tmp_path):
    data = desired_state(N, rooms=0, contacts=1, onprem=True)
    data_file = tmp_path / 'onprem.yml'
    data_file.write_text(yaml.safe_dump(data, sort_keys=False))
    results = tmp_path / 'results.json'
    variables = {'desired_state_file': data_file, 'results_path': results,
                 'desired_state_exchange_server': sandbox.env['EXCHANGE_SERVER']}

    def run(*args):
        sandbox.reset()
        ran = playbook.run('desired_state_run.yml', *args, extra_vars=variables)
        outcome = json.loads(results.read_text())
        outcome.update(writes=writes(sandbox.stats()), stdout=ran.stdout)
        return outcome

    everything = sorted([('contact', contact_address(1)), ('group', group_name(1)), ('group_member', group_name(1))] + [
        (kind, address(i)) for i in range(1, N + 1) for kind in ('mailbox', 'mailbox_permission')])
    first = run()
    assert 'the on-premises Exchange organisation (onpremises)' in first['stdout']
    assert changed(first) == everything and int(first['summary']['failed']) == 0
    assert first['writes'] == dict(external_recipient_writes(1, 0), **{
        'New-Mailbox': N,
        # Each mailbox: its second address after the create, then its Send on Behalf.
        'Set-Mailbox': 2 * N,
        'Add-MailboxPermission': 2 * N,
        'Add-ADPermission': N,
        'New-DistributionGroup': 1,
        'Add-DistributionGroupMember': N,
    }), first['writes']

    again = run()
    assert again['writes'] == {} and changed(again) == []

    remoting = runner(sandbox)
    try:
        remoting.invoke('Set-Mailbox', {'Identity': address(1), 'DisplayName': 'Drifted desk'})
        remoting.invoke('Add-MailboxPermission', {'Identity': address(1), 'User': 'CONTOSO\\henry',
                                                  'AccessRights': ['FullAccess'], 'Confirm': False})
        remoting.invoke('Set-Contact', {'Identity': contact_address(1), 'Company': 'Contoso'})
        remoting.invoke('Remove-DistributionGroupMember', {'Identity': group_name(1), 'Member': address(2), 'Confirm': False})
    finally:
        remoting.close()
    sandbox.reset()
    report_dir = tmp_path / 'report'
    playbook.run(str(REPO / 'playbooks' / 'audit.yml'), '--check', '--diff', extra_vars={
        'desired_state_file': data_file, 'report_dir': report_dir,
        'desired_state_exchange_server': sandbox.env['EXCHANGE_SERVER']})
    assert sandbox.stats()['writes'] == 0
    report = json.loads((report_dir / 'drift.json').read_text())
    assert {k: report['summary'][k] for k in ('to_create', 'to_remove', 'drifted', 'failed', 'in_sync', 'total')} == {
        'to_create': 0, 'to_remove': 0, 'drifted': 4, 'failed': 0, 'in_sync': 3, 'total': 7}
    objects = {(o['kind'], o['object']): o for o in report['objects']}
    desk = {p['name']: p for p in objects['mailbox', address(1)]['properties']}
    assert (desk['display_name']['before'], desk['display_name']['after']) == ('Drifted desk', 'Desired ds-desk01')
    access = {p['name']: p for p in objects['mailbox_permission', address(1)]['properties']}
    assert access['full_access']['removed'] == ['henry@contoso.com'], access
    contact = {p['name']: p for p in objects['contact', contact_address(1)]['properties']}
    assert (contact['company']['before'], contact['company']['after']) == ('Contoso', 'Fabrikam')
    members = {p['name']: p for p in objects['group_member', group_name(1)]['properties']}
    assert members['members']['added'] == [address(2)], members
    in_sync = [('group', group_name(1)), ('mailbox', address(2)), ('mailbox_permission', address(2))]
    assert [objects[key]['status'] for key in in_sync] == ['in_sync'] * 3


def test_what_no_onprem_module_converges_is_refused_naming_it(sandbox, playbook, tmp_path):
    data = desired_state(1, rooms=1, onprem=True)
    data['unified_groups'] = [{'group': 'ds-team'}]
    data_file = tmp_path / 'onprem.yml'
    data_file.write_text(yaml.safe_dump(data))
    sandbox.reset()
    refused = playbook.run(str(REPO / 'playbooks' / 'desired_state.yml'), check=False, extra_vars={
        'desired_state_file': data_file, 'desired_state_infrastructure': 'onpremises'})
    assert refused.returncode == 2
    assert ('2 problems for an on-premises run (desired_state_infrastructure onpremises), nothing was read or changed: '
            'unified_groups: Microsoft 365 groups exist in Exchange Online only; remove the section or run it against '
            'Exchange Online; mailboxes[1] (ds-room-01@contoso.com).resource_capacity: not managed on premises') in refused.stdout
    assert sandbox.stats()['requests'] == 0
