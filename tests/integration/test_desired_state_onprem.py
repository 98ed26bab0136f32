# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired-state data file of Exchange Online (desired_state_data.desired_state) converging the
session sandbox's on-premises organisation over its WSMan endpoint, chosen by the connection
option desired_state_exchange_server: the run from scratch writes exactly the changes, the re-run
nothing, and drift made behind the role's back is reported by
playbooks/audit.yml as it is for Exchange Online. What no on-premises module converges is refused
before anything is sent. In hybrid (desired_state_infrastructure hybrid) each object is written on its side:
remote mailboxes and directory objects on premises, Full Access, client access settings and Microsoft 365
groups in Exchange Online."""

from __future__ import annotations

import json

import yaml
from conftest import REPO
from desired_state_data import (
    ONPREM_DOMAIN,
    contact_address,
    external_recipients,
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


# -- hybrid: remote mailboxes on premises, what lives with their cloud mailboxes in Exchange Online ----

REMOTE = 'ds-remote01@%s' % ONPREM_DOMAIN
REMOTE_GROUP = 'ds-hybrid-group'
TEAM = 'ds-hybrid-team'


def hybrid_data():
    """A remote shared mailbox with its three permissions, a group it owns and is in, a contact, its
    client access settings and a Microsoft 365 group: on premises the mailbox, its Send As and Send on
    Behalf, the group, its members and the contact; in Exchange Online its Full Access, client
    access settings and the Microsoft 365 group (docs/docsite/rst/onprem.rst, the side of each)."""
    return dict(external_recipients(1, 0), **{
        'exclusive': {'permissions': True, 'members': True},
        'mailboxes': [{'identity': REMOTE, 'type': 'shared', 'display_name': 'Remote desk',
                       'full_access': ['alice@contoso.com'], 'send_as': ['frank'], 'send_on_behalf': ['grace']}],
        'groups': [{'name': REMOTE_GROUP, 'primary_smtp_address': '%s@%s' % (REMOTE_GROUP, ONPREM_DOMAIN),
                    'managed_by': ['ds-remote01'], 'members': ['ds-remote01']}],
        'cas_mailboxes': [{'mailbox': REMOTE, 'pop_enabled': False, 'outlook_mobile_enabled': False}],
        'unified_groups': [{'group': TEAM, 'owners': ['bob@contoso.com'], 'members': ['bob@contoso.com']}],
    })


def test_a_hybrid_data_file_converges_each_object_on_its_side(sandbox, playbook, tmp_path):
    data_file = tmp_path / 'hybrid.yml'
    data_file.write_text(yaml.safe_dump(hybrid_data(), sort_keys=False))
    results = tmp_path / 'results.json'
    variables = {'desired_state_file': data_file, 'results_path': results, 'desired_state_infrastructure': 'hybrid',
                 'desired_state_exchange_server': sandbox.env['EXCHANGE_SERVER']}

    def run():
        sandbox.reset()
        ran = playbook.run('desired_state_run.yml', extra_vars=variables)
        outcome = json.loads(results.read_text())
        outcome.update(stats=sandbox.stats(), stdout=ran.stdout)
        return outcome

    first = run()
    assert 'the on-premises Exchange organisation (hybrid)' in first['stdout']
    assert changed(first) == sorted([('mailbox', REMOTE), ('mailbox_permission', REMOTE), ('mailbox_full_access', REMOTE),
                                     ('cas_mailbox', REMOTE), ('group', REMOTE_GROUP), ('group_member', REMOTE_GROUP),
                                     ('unified_group', TEAM), ('contact', contact_address(1))])
    assert int(first['summary']['failed']) == 0
    # On premises: the remote mailbox with its switch, Send As as the AD right, Send on Behalf on the
    # remote mailbox, the group, its member and the contact. In Exchange Online (cmdlets no hybrid
    # on-premises task sends): Full Access, the client access settings and the Microsoft 365 group.
    assert writes(first['stats']) == dict(external_recipient_writes(1, 0), **{
        'New-RemoteMailbox': 1, 'Add-ADPermission': 1, 'Set-RemoteMailbox': 1,
        'New-DistributionGroup': 1, 'Add-DistributionGroupMember': 1,
        'Add-MailboxPermission': 1, 'Set-CASMailbox': 1, 'New-UnifiedGroup': 1, 'Add-UnifiedGroupLinks': 2,
    }), first['stats']['cmdlets']
    held = sandbox.mailbox_state(REMOTE)
    assert held['mailbox']['RecipientTypeDetails'] == 'SharedMailbox', held['mailbox']
    assert [a['User'] for a in held['mailbox_permissions'] if not a['IsInherited'] and a['User'] != 'NT AUTHORITY\\SELF'] == [
        'alice@contoso.com'], held
    assert held['grant_send_on_behalf_to'] == ['grace@contoso.com'], held

    again = run()
    assert writes(again['stats']) == {} and changed(again) == []

    remoting = runner(sandbox)
    try:
        remoting.invoke('Set-RemoteMailbox', {'Identity': REMOTE, 'DisplayName': 'Drifted remote desk'})
    finally:
        remoting.close()
    for cmdlet, parameters in (('Add-MailboxPermission', {'Identity': REMOTE, 'User': 'carol@contoso.com',
                                                          'AccessRights': ['FullAccess']}),
                               ('Set-CASMailbox', {'Identity': REMOTE, 'PopEnabled': True})):
        sandbox.invoke(cmdlet, parameters).raise_for_status()
    sandbox.reset()
    report_dir = tmp_path / 'report'
    playbook.run(str(REPO / 'playbooks' / 'audit.yml'), '--check', '--diff', extra_vars={
        'desired_state_file': data_file, 'report_dir': report_dir, 'desired_state_infrastructure': 'hybrid',
        'desired_state_exchange_server': sandbox.env['EXCHANGE_SERVER']})
    assert sandbox.stats()['writes'] == 0
    report = json.loads((report_dir / 'drift.json').read_text())
    assert {k: report['summary'][k] for k in ('to_create', 'to_remove', 'drifted', 'failed', 'in_sync', 'total')} == {
        'to_create': 0, 'to_remove': 0, 'drifted': 3, 'failed': 0, 'in_sync': 5, 'total': 8}, report['summary']
    objects = {(o['kind'], o['object']): {p['name']: p for p in o.get('properties', [])} for o in report['objects']}
    desk = objects['mailbox', REMOTE]['display_name']
    assert (desk['before'], desk['after']) == ('Drifted remote desk', 'Remote desk')
    assert objects['mailbox_full_access', REMOTE]['full_access']['removed'] == ['carol@contoso.com']
    pop = objects['cas_mailbox', REMOTE]['pop_enabled']
    assert (pop['before'], pop['after']) == (True, False)
