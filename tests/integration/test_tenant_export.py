# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The round trip of issue 18: a seeded tenant with an object of every kind exported with
playbooks/export.yml, then playbooks/audit.yml on that file finds nothing drifted,
playbooks/desired_state.yml writes nothing, and after one change by hand of a mailbox, of a
mailbox's client access settings and of a room's calendar processing, the audit reports exactly
those three changes. The export narrows every read with a filter (the 1,005 seeded users would
make the audit the slowest step of CI without testing anything more); docs/performance.md has
the whole-tenant figures."""

from __future__ import annotations

import json

import yaml
from conftest import REPO
from desired_state_data import MAIL_USER_PASSWORD

PLAYBOOKS = REPO / 'playbooks'
# Everything but the seeded user0001... mailboxes.
FILTER = "Name -notlike 'user*'"
# One object of every kind desired_state.yml manages that the seed lacks, and delegates.
SEED = (
    ('New-MailContact', {'Name': 'Ann Beebe', 'ExternalEmailAddress': 'ann@fabrikam.com'}),
    ('Set-Contact', {'Identity': 'Ann Beebe', 'Company': 'Fabrikam', 'Title': 'Buyer'}),
    ('New-MailUser', {'Name': 'Ed Consultant', 'ExternalEmailAddress': 'ed@northwindtraders.com',
                      'MicrosoftOnlineServicesID': 'ed@contoso.com', 'Password': MAIL_USER_PASSWORD}),
    ('New-UnifiedGroup', {'DisplayName': 'Export M365', 'Alias': 'export-m365', 'Owner': 'alice', 'AccessType': 'Private'}),
    ('Add-UnifiedGroupLinks', {'Identity': 'export-m365', 'LinkType': 'Members', 'Links': ['bob']}),
    ('New-DynamicDistributionGroup', {'Name': 'Export shared', 'RecipientFilter': "RecipientTypeDetails -eq 'SharedMailbox'"}),
    ('Add-MailboxPermission', {'Identity': 'sales', 'User': 'alice', 'AccessRights': ['FullAccess'], 'AutoMapping': False}),
    ('Add-RecipientPermission', {'Identity': 'sales', 'Trustee': 'bob', 'AccessRights': ['SendAs'], 'Confirm': False}),
    ('Set-Mailbox', {'Identity': 'sales', 'GrantSendOnBehalfTo': ['carol']}),
    ('Set-Mailbox', {'Identity': 'support', 'CustomAttribute1': 'helpdesk', 'HiddenFromAddressListsEnabled': True}),
    # Client access settings and calendar processing, each away from the default in a few ways.
    ('Set-CASMailbox', {'Identity': 'sales', 'PopEnabled': False, 'ImapEnabled': False, 'OwaMailboxPolicy': 'Frontline Web'}),
    ('Set-CASMailbox', {'Identity': 'support', 'SmtpClientAuthenticationDisabled': False}),
    ('New-Mailbox', {'Name': 'export-room', 'DisplayName': 'Export Room', 'Room': True, 'ResourceCapacity': 6}),
    ('Set-CalendarProcessing', {'Identity': 'export-room', 'BookingWindowInDays': 90, 'AllBookInPolicy': False,
                                'BookInPolicy': ['alice', 'bob'], 'ResourceDelegates': ['carol']}),
)


def audit(playbook, sandbox, data_file, report_dir):
    sandbox.reset()
    playbook.run(str(PLAYBOOKS / 'audit.yml'), '--check', '--diff',
                 extra_vars={'desired_state_file': data_file, 'report_dir': report_dir})
    assert sandbox.stats()['writes'] == 0
    report = json.loads((report_dir / 'drift.json').read_text())
    return report['summary'], [obj for obj in report['objects'] if obj['status'] != 'in_sync']


def test_export_round_trip(playbook, sandbox, tmp_path):
    for cmdlet, parameters in SEED:
        assert sandbox.invoke(cmdlet, parameters).status_code == 200, (cmdlet, parameters)
    data_file = tmp_path / 'tenant.yml'
    sandbox.reset()
    playbook.run(str(PLAYBOOKS / 'export.yml'), '-e', json.dumps({'export_filter': FILTER}), extra_vars={'export_dest': data_file})
    stats = sandbox.stats()
    assert stats['writes'] == 0 and stats['tokens'] == 1, stats
    data = yaml.safe_load(data_file.read_text())
    counts = dict((section, len(entries)) for section, entries in data.items() if isinstance(entries, list))
    assert counts == {'mailboxes': 15, 'groups': 3, 'unified_groups': 1, 'dynamic_groups': 1, 'contacts': 1, 'mail_users': 1,
                      'cas_mailboxes': 2, 'calendar_processing': 1}
    # Only what is not the default: the other mailboxes' settings and the room's other ones are left out.
    assert data['cas_mailboxes'] == [
        {'mailbox': 'sales@contoso.com', 'imap_enabled': False, 'pop_enabled': False, 'owa_mailbox_policy': 'Frontline Web'},
        {'mailbox': 'support@contoso.com', 'smtp_client_authentication': 'enabled'}]
    assert data['calendar_processing'] == [
        {'mailbox': 'export-room@contoso.com', 'all_book_in_policy': False, 'book_in_policy': ['alice@contoso.com', 'bob@contoso.com'],
         'resource_delegates': ['carol@contoso.com'], 'booking_window_in_days': 90}]
    mailboxes = dict((entry['identity'], entry) for entry in data['mailboxes'])
    assert mailboxes['sales@contoso.com'] == {
        'identity': 'sales@contoso.com', 'type': 'shared', 'name': 'sales', 'display_name': 'Sales Team',
        'full_access': ['alice@contoso.com'], 'send_as': ['bob@contoso.com'], 'send_on_behalf': ['carol@contoso.com']}
    assert mailboxes['paula@contoso.com']['email_addresses_mode'] == 'exact'

    summary, drifted = audit(playbook, sandbox, data_file, tmp_path / 'exported')
    assert (summary['drifted'], summary['to_create'], summary['to_remove'], summary['failed'], drifted) == (0, 0, 0, 0, []), drifted
    assert set(summary['by_kind']) >= {'mailbox', 'mailbox_permission', 'group', 'group_member', 'unified_group',
                                       'dynamic_group', 'contact', 'mail_user', 'cas_mailbox', 'calendar_processing'}, summary

    sandbox.reset()
    playbook.run('desired_state_run.yml', extra_vars={'desired_state_file': data_file, 'results_path': tmp_path / 'run.json'})
    assert sandbox.stats()['writes'] == 0

    # One change by hand of each: a mailbox, its client access, a room's booking.
    for cmdlet, parameters in (('Set-Mailbox', {'Identity': 'support', 'CustomAttribute1': 'changed by hand'}),
                               ('Set-CASMailbox', {'Identity': 'sales', 'PopEnabled': True}),
                               ('Set-CalendarProcessing', {'Identity': 'export-room', 'ResourceDelegates': ['carol', 'alice']})):
        assert sandbox.invoke(cmdlet, parameters).status_code == 200, cmdlet
    summary, drifted = audit(playbook, sandbox, data_file, tmp_path / 'changed')
    assert (summary['drifted'], summary['failed']) == (3, 0), drifted
    assert sorted((obj['kind'], obj['object'], [p['name'] for p in obj['properties']]) for obj in drifted) == [
        ('calendar_processing', 'export-room@contoso.com', ['resource_delegates']),
        ('cas_mailbox', 'sales@contoso.com', ['pop_enabled']),
        ('mailbox', 'support@contoso.com', ['custom_attributes.1'])]
