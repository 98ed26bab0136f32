# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/desired_state.yml over 40 seeded shared mailboxes, 2 new rooms, 4 new groups, 3 new
mail contacts and 2 new mail users:
the audit (check mode) writes nothing and reports every object, the real run writes exactly the
changes (read back with the info modules and from the sandbox's own state), the re-run writes
nothing, and a drift made behind the playbook's back is reported exactly and then repaired."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, PlaybookRunner
from desired_state_data import (
    DOMAIN,
    contact_address,
    expected_writes,
    mail_user_account,
    mailbox_name,
    start_tenant,
    user_name,
    write_desired_state,
)

N = 40
ROOMS = 2
GROUPS = 4
CONTACTS = 3
MAIL_USERS = 2


@pytest.fixture(scope='module')
def tenant(tmp_path_factory):
    """A sandbox of its own: the session's has too few shared mailboxes for N."""
    tmp = tmp_path_factory.mktemp('desired-state')
    with start_tenant(tmp, N) as running:
        yield running, tmp


class Run(object):
    """Runs the desired-state playbook and reads back what it reported and what it sent."""

    PLAYBOOK = REPO / 'playbooks' / 'desired_state.yml'

    def __init__(self, sandbox, tmp):
        self.sandbox = sandbox
        self.tmp = tmp
        self.data_file = tmp / 'desired.yml'
        self.data = write_desired_state(self.data_file, N, rooms=ROOMS, contacts=CONTACTS, mail_users=MAIL_USERS)
        self.runner = PlaybookRunner(sandbox, tmp / 'cache')

    def __call__(self, *args, verify=False):
        results_path = self.tmp / 'results.json'
        self.sandbox.reset()
        self.runner.run('desired_state_run.yml', *args, extra_vars={
            'desired_state_file': self.data_file, 'results_path': results_path, 'verify': verify})
        outcome = json.loads(results_path.read_text())
        outcome['writes'] = writes(self.sandbox.stats())
        return outcome


def writes(stats):
    return {name: count for name, count in stats['cmdlets'].items() if not name.startswith('Get-')}


def changed(outcome):
    return sorted((r['kind'], r['object']) for r in outcome['results'] if r['changed'])


def address(name):
    return '%s@%s' % (name, DOMAIN)


def by_kind(outcome):
    counts = {}
    for result in outcome['results']:
        counts.setdefault(result['kind'], []).append(result['changed'])
    return {kind: (len(flags), sum(flags)) for kind, flags in counts.items()}


def test_audit_converge_rerun_drift(tenant):
    sandbox, tmp = tenant
    run = Run(sandbox, tmp)

    audit = run('--check', '--diff')
    assert audit['writes'] == {}
    every = N + ROOMS + GROUPS + N + ROOMS + GROUPS + CONTACTS + MAIL_USERS
    assert audit['summary'] == {'objects': every, 'changed': every, 'failed': 0, 'check_mode': True}
    # Rooms and groups that would be created: their permissions and members are predicted too.
    assert by_kind(audit) == {'mailbox': (N + ROOMS, N + ROOMS), 'group': (GROUPS, GROUPS),
                              'mailbox_permission': (N + ROOMS, N + ROOMS), 'group_member': (GROUPS, GROUPS),
                              'contact': (CONTACTS, CONTACTS), 'mail_user': (MAIL_USERS, MAIL_USERS)}
    new_user = next(r for r in audit['results'] if r['kind'] == 'mail_user')
    assert new_user['object'] == mail_user_account(1)
    assert new_user['changes']['state'] == {'before': 'absent', 'after': 'present'}
    assert 'initial_password' not in new_user['changes'] and 'initial_password' not in new_user['diff']['after']
    first = next(r for r in audit['results'] if r['kind'] == 'mailbox_permission')
    assert first['object'] == address(mailbox_name(1))
    assert first['diff']['after']['full_access'] == [address(user_name(1)), address(user_name(2))]
    assert first['changes']['send_on_behalf'] == {'added': [address(user_name(4))], 'removed': []}

    converged = run(verify=True)
    assert converged['summary']['failed'] == 0
    assert converged['summary']['changed'] == converged['summary']['objects'] == every
    assert converged['writes'] == expected_writes(N, ROOMS, GROUPS, CONTACTS, MAIL_USERS)
    check_converged_state(run.data, converged, sandbox)

    again = run()
    assert again['writes'] == {}
    assert again['summary']['changed'] == 0
    assert again['summary']['objects'] == converged['summary']['objects']

    drift(sandbox)
    drifted = run('--check')
    assert drifted['writes'] == {}
    assert changed(drifted) == [('contact', contact_address(2)),
                                ('group_member', 'ds-group-002'),
                                ('mail_user', mail_user_account(1)),
                                ('mailbox', address(mailbox_name(5))),
                                ('mailbox_permission', address(mailbox_name(3)))]
    found = {r['kind']: r for r in drifted['results'] if r['changed']}
    assert found['mailbox']['changes'] == {'hidden_from_address_lists': {'before': False, 'after': True}}
    assert found['mailbox_permission']['changes']['full_access'] == {
        'added': [], 'removed': [address(user_name(N))]}
    assert found['group_member']['changes'] == {'members': {'added': [address(mailbox_name(12))], 'removed': []}}
    assert found['contact']['changes'] == {'company': {'before': 'Contoso', 'after': 'Fabrikam'}}
    assert found['mail_user']['changes'] == {'hidden_from_address_lists': {'before': False, 'after': True}}

    repaired = run()
    assert repaired['writes'] == {'Set-Mailbox': 1, 'Remove-MailboxPermission': 1,
                                  'Add-DistributionGroupMember': 1, 'Set-Contact': 1, 'Set-MailUser': 1}
    assert changed(repaired) == changed(drifted)
    assert sandbox.mailbox_state(mailbox_name(5))['mailbox']['HiddenFromAddressListsEnabled'] is True
    assert user_name(N) not in str(sandbox.mailbox_state(mailbox_name(3))['mailbox_permissions'])


def drift(sandbox):
    """What an admin might do by hand: an extra trustee, an unhidden mailbox, a removed member, a
    contact moved to another company, an unhidden mail user."""
    for cmdlet, parameters in (
            ('Add-MailboxPermission', {'Identity': mailbox_name(3), 'User': user_name(N),
                                       'AccessRights': ['FullAccess'], 'InheritanceType': 'All'}),
            ('Set-Mailbox', {'Identity': mailbox_name(5), 'HiddenFromAddressListsEnabled': False}),
            ('Remove-DistributionGroupMember', {'Identity': 'ds-group-002', 'Member': mailbox_name(12),
                                                'Confirm': False}),
            ('Set-Contact', {'Identity': contact_address(2), 'Company': 'Contoso'}),
            ('Set-MailUser', {'Identity': mail_user_account(1), 'HiddenFromAddressListsEnabled': False})):
        response = sandbox.invoke(cmdlet, parameters)
        assert response.status_code == 200, response.text


def check_converged_state(data, outcome, sandbox):
    """The data file, read back through the info modules and from the sandbox's own model."""
    mailboxes = {m['primary_smtp_address']: m for m in outcome['mailboxes']}
    permissions = {p['mailbox']['primary_smtp_address']: p for p in outcome['permissions']}
    for wanted in data['mailboxes']:
        found = mailboxes[wanted['identity']]
        assert found['display_name'] == wanted['display_name']
        assert found['type'] == wanted['type']
        if wanted['type'] == 'room':
            assert found['resource_capacity'] == wanted['resource_capacity']
            continue
        assert found['hidden_from_address_lists'] == wanted['hidden_from_address_lists']
        assert 'smtp:' + wanted['email_addresses'][0] in found['email_addresses']
        granted = permissions[wanted['identity']]
        for kind in ('full_access', 'send_as', 'send_on_behalf'):
            assert granted[kind] == sorted(address(u) for u in wanted[kind]), (wanted['identity'], kind)
    groups = {g['name']: g for g in outcome['groups']}
    for wanted in data['groups']:
        assert sorted(groups[wanted['name']]['members']) == sorted(address(m) for m in wanted['members'])
        assert groups[wanted['name']]['managed_by'] == [address(user_name(1))]

    for kind, wanted in ([('MailContact', c) for c in data.get('contacts', ())]
                         + [('MailUser', u) for u in data.get('mail_users', ())]):
        identity = wanted.get('contact') or wanted.get('mail_user')
        rows = sandbox.invoke('Get-Recipient', {'Identity': identity, 'RecipientTypeDetails': kind}).json()['value']
        assert len(rows) == 1 and rows[0]['HiddenFromAddressListsEnabled'] == wanted['hidden_from_address_lists'], identity
        assert rows[0]['ExternalEmailAddress'].lower() == 'smtp:' + wanted['external_email_address'], identity
        assert rows[0]['Company' if kind == 'MailContact' else 'LastName'] == wanted.get('company', wanted.get('last_name'))

    state = sandbox.mailbox_state(mailbox_name(7))
    assert sorted(p['User'] for p in state['mailbox_permissions'] if p['User'].startswith('user')) == [
        address(user_name(7)), address(user_name(8))]
    assert [p['Trustee'] for p in state['recipient_permissions'] if p['Trustee'].startswith('user')] == [
        address(user_name(9))]
    assert state['grant_send_on_behalf_to'] == [address(user_name(10))]


def test_example_bad_data_file_failing_object_and_removal(tenant):
    sandbox, tmp = tenant
    sandbox.reset(state=True)
    runner = PlaybookRunner(sandbox, tmp / 'cache')
    example = runner.run(str(Run.PLAYBOOK), '--check')
    # It succeeded (the example fits the seeded organisation) and reports the room it would create.
    assert '"mailbox room-oslo-4@contoso.com"' in example.stdout
    assert sandbox.stats()['writes'] == 0
    bad = tmp / 'bad.yml'
    bad.write_text('mailboxes:\n  - identity: shared0001\n    hiden_from_address_lists: true\n'
                   '  - display_name: nobody\ngroups:\n  - name: ds-group-001\n    memberz: [shared0001]\n'
                   '    moderation_enabled: true\n    notes: Desired\n')
    sandbox.reset()
    failed = runner.run(str(Run.PLAYBOOK), '-e', 'desired_state_file=%s' % bad, check=False)
    assert failed.returncode != 0
    # The role checks the file against its schema before anything is sent, every problem at once.
    assert '3 problems, nothing was read or changed' in failed.stdout
    assert ("mailboxes[0] (shared0001): unknown key 'hiden_from_address_lists'; did you mean 'hidden_from_address_lists'?"
            in failed.stdout)
    assert 'mailboxes[1]: identity is required, a non-empty string (got none)' in failed.stdout
    assert "groups[0] (ds-group-001): unknown key 'memberz'; did you mean 'members'?" in failed.stdout
    # The group options of exo_distribution_group are known, moderation and notes among them.
    assert "unknown key 'moderation_enabled'" not in failed.stdout and "unknown key 'notes'" not in failed.stdout
    bad.write_text('mailboxes:\n  - identity: shared0001\n    hidden_from_address_lists: maybe\n'
                   '    full_access: [user0001]\n')
    failed = runner.run(str(Run.PLAYBOOK), '-e', 'desired_state_file=%s' % bad, check=False)
    assert failed.returncode != 0
    assert "mailboxes[0] (shared0001): argument 'hidden_from_address_lists' is of type str" in failed.stdout
    assert "The value 'maybe' is not a valid boolean" in failed.stdout
    assert 'TASK [mailops.exchange.desired_state : Mailboxes exist' not in failed.stdout
    assert sandbox.stats()['requests'] == 0

    # One trustee that does not exist fails its mailbox only; the others converge, and a mailbox
    # with state: absent is removed (its permissions are not converged), after check mode said so.
    ghost = tmp / 'ghost.yml'
    ghost.write_text('mailboxes:\n  - identity: shared0001\n    full_access: [ghost@contoso.com]\n'
                     '  - identity: shared0002\n    send_as: [user0002]\n'
                     '  - identity: shared0040\n    state: absent\n    full_access: [user0001]\n')
    sandbox.reset()
    audit = runner.run(str(Run.PLAYBOOK), '--check', '-e', 'desired_state_file=%s' % ghost, check=False)
    assert audit.returncode != 0
    assert '"mailbox shared0040"' in audit.stdout and '"mailbox_permission shared0002"' in audit.stdout
    assert sandbox.stats()['writes'] == 0
    failed = runner.run(str(Run.PLAYBOOK), '-e', 'desired_state_file=%s' % ghost, check=False)
    assert failed.returncode != 0
    assert "1 objects failed: mailbox_permission shared0001: full_access: 'ghost@contoso.com' was not found" in failed.stdout
    assert writes(sandbox.stats()) == {'Add-RecipientPermission': 1, 'Remove-Mailbox': 1}
    assert [p['Trustee'] for p in sandbox.mailbox_state('shared0002')['recipient_permissions']
            if p['Trustee'].startswith('user')] == [address(user_name(2))]
    assert sandbox.request('GET', '/_sandbox/state/mailboxes/shared0040').status_code == 404
