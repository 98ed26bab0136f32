# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PowerShell syntax in option values stays data: on premises each value reaches its cmdlet as one
literal parameter (the sandbox records every command it receives) and no other command runs; in
Exchange Online the values travel as JSON strings and come back unchanged."""

from __future__ import annotations

import json
import re

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.auto_reply import message_text

# Each free-text option of onprem_exchange_mailbox and the parameter of New-Mailbox it fills,
# by its offset in the playbook's rotation of the payloads.
ROTATED = {0: 'Name', 1: 'FirstName', 2: 'LastName', 3: 'DisplayName', 4: 'SamAccountName'}
REFUSED = {0: 'OrganizationalUnit', 1: 'Database'}
ALLOWED_CMDLETS = {'Get-Mailbox', 'Get-User', 'New-Mailbox', 'Set-Mailbox',
                   # the groups, members, contacts, client access and permissions of templates/injection_onprem.yml.j2
                   'Get-Recipient', 'Get-OrganizationalUnit', 'Get-DistributionGroup', 'New-DistributionGroup',
                   'Set-DistributionGroup', 'Get-Group', 'Set-Group', 'Get-DistributionGroupMember',
                   'Add-DistributionGroupMember', 'New-MailContact', 'Set-MailContact', 'Set-Contact', 'Get-CASMailbox',
                   'Get-OwaMailboxPolicy', 'Get-MobileDeviceMailboxPolicy', 'Get-MailboxPermission', 'Add-MailboxPermission',
                   'Get-ADPermission', 'Add-ADPermission'}
# What Active Directory refuses in a sAMAccountName: the playbook leaves it out of the payload it puts there.
SAM_REFUSED = re.compile(r'["/\\\[\]:;|=,+*?<>@]')


def onprem_expected(payloads, local_part):
    """``(cmdlets, parameter, value)`` for every string option of the on-premises groups, members, contacts,
    client access and permissions of the playbook (four of each, two payloads to a value, as
    templates/injection_onprem.yml.j2 makes them): some command of those cmdlets received the value as
    that parameter, verbatim."""
    def p(n):
        return '%s %s' % (payloads[n % 8], payloads[(n + 4) % 8])

    def mailbox(n):
        return 'mailbox%d %s' % (n % 8, payloads[n % 8])

    reads = ('Get-Recipient', 'Get-User', 'Get-Mailbox', 'Get-CASMailbox')
    expected = []
    for i in range(4):
        group = 'group%d %s' % (i, p(i))
        expected += [
            (('Get-DistributionGroup',), 'Identity', group), (('New-DistributionGroup',), 'Name', group),
            (('New-DistributionGroup', 'Set-DistributionGroup'), 'DisplayName', p(i + 1)),
            (('New-DistributionGroup', 'Set-Group'), 'Notes', p(i + 2)),
            (('Set-DistributionGroup',), 'CustomAttribute1', p(i + 3)),
            (reads, 'Identity', mailbox(i + 4)), (reads, 'Identity', mailbox(i + 5)), (reads, 'Identity', mailbox(i + 6)),
            (('New-DistributionGroup',), 'PrimarySmtpAddress', 'g%d.%s@contoso.com' % (i, local_part)),
            (('New-DistributionGroup',), 'SamAccountName', 's%d %s' % (i, SAM_REFUSED.sub('', p(i + 6)))),
            (('Get-OrganizationalUnit',), 'Identity', p(i)),
            (('New-MailContact',), 'Name', 'contact%d %s' % (i, p(i))),
            (('New-MailContact',), 'ExternalEmailAddress', 'c%d.%s@fabrikam.com' % (i, local_part)),
            (('New-MailContact', 'Set-MailContact'), 'DisplayName', p(i + 1)),
            (('New-MailContact', 'Set-Contact'), 'FirstName', p(i + 2)),
            (('New-MailContact', 'Set-Contact'), 'LastName', p(i + 3)),
        ] + [(('Set-Contact',), parameter, p(i + offset))
             for offset, parameter in ((4, 'Company'), (5, 'Department'), (6, 'Title'), (7, 'Phone'), (8, 'Office'))] + [
            (('Set-MailContact',), 'CustomAttribute2', p(i + 1)),
            (('Get-CASMailbox',), 'Identity', mailbox(i)),
            (('Get-OwaMailboxPolicy',), 'Identity', p(i + 1)),
            (('Get-MobileDeviceMailboxPolicy',), 'Identity', p(i + 2)),
            (('Get-Mailbox',), 'Identity', mailbox(i)),
        ] + [(reads, 'Identity', mailbox(i + offset)) for offset in (1, 2, 3)]
    return expected


def received_as(commands, cmdlets, parameter, value):
    """Whether a command of ``cmdlets`` received ``value`` as ``parameter`` (or as one of its list's
    elements; an address with or without its SMTP: prefix)."""
    for command in commands:
        if command['cmdlet'] in cmdlets:
            given = command['parameters'].get(parameter)
            for item in given if isinstance(given, list) else [given]:
                if isinstance(item, str) and value in (item, item[5:] if item.lower().startswith('smtp:') else None):
                    return True
    return False


def test_powershell_syntax_is_never_run(playbook, sandbox, tmp_path):
    playbook.run('injection.yml', extra_vars={'work_dir': str(tmp_path)})
    read_back = json.loads((tmp_path / 'read_back.json').read_text())
    payloads, local_part = read_back['payloads'], read_back['local_part']
    assert len(payloads) == 8 and 'two\nlines' in payloads

    received = sandbox.request('GET', '/_sandbox/commands').json()['commands']
    assert not [c for c in received if c['cmdlet'] not in ALLOWED_CMDLETS or c['is_script']], \
        'no other command, and never a script, ran'
    created = {c['parameters']['Name']: c['parameters'] for c in received if c['cmdlet'] == 'New-Mailbox'}
    identities = {c['parameters'].get('Identity') for c in received if c['cmdlet'] in ('Get-Mailbox', 'Get-User')}
    checked = 0
    for index, payload in enumerate(payloads):
        name = 'mailbox%d %s' % (index, payload)
        assert name in identities, 'Get-Mailbox and Get-User received %r verbatim' % name
        parameters = created[name]
        for offset, parameter in ROTATED.items():
            expected = payloads[(index + offset) % 8]
            assert parameters[parameter] == (name if parameter == 'Name' else expected), (parameter, parameters)
            checked += 1
        assert parameters['Password'] == {'SecureString': True}
        assert parameters['UserPrincipalName'] == 'u%d.%s@contoso.com' % (index, local_part)
        assert parameters['PrimarySmtpAddress'] == 'p%d.%s@contoso.com' % (index, local_part)
        checked += 3
        refused = created['refused %d' % index]
        for offset, parameter in REFUSED.items():
            assert refused[parameter] == payloads[(index + offset) % 8], (parameter, refused)
            checked += 1
    # email_addresses_mode add sends only the addresses added: EmailAddresses=@{Add=...}.
    extra_addresses = [c['parameters']['EmailAddresses'] for c in received
                       if c['cmdlet'] == 'Set-Mailbox' and 'EmailAddresses' in c['parameters']]
    for index in range(8):
        assert any('smtp:e%d.%s@contoso.com' % (index, local_part) in addresses['Add'] for addresses in extra_addresses)
        checked += 1
    assert checked == 8 * (len(ROTATED) + 3 + len(REFUSED) + 1)
    missing = [(cmdlets, parameter, value) for cmdlets, parameter, value in onprem_expected(payloads, local_part)
               if not received_as(received, cmdlets, parameter, value)]
    assert not missing, 'these values did not reach their cmdlets verbatim: %r' % missing[:10]
    stats = sandbox.stats()['cmdlets']
    assert not [name for name in stats if name.split('-')[0] in ('Remove', 'Disable', 'Invoke', 'Start')]

    by_name = {m['display_name']: m for m in read_back['onprem']}
    for index in range(8):
        mailbox = by_name[payloads[(index + 3) % 8]]
        assert mailbox['sam_account_name'] == payloads[(index + 4) % 8]
        assert mailbox['primary_smtp_address'] == 'p%d.%s@contoso.com' % (index, local_part)
        assert 'smtp:e%d.%s@contoso.com' % (index, local_part) in mailbox['email_addresses']

    assert read_back['mailbox']['display_name'] == ' '.join(payloads)
    assert read_back['mailbox']['custom_attributes'] == {str(n + 1): p for n, p in enumerate(payloads)}
    assert read_back['group']['display_name'] == ' '.join(payloads)
    assert read_back['auto_reply_changed'] is False, 'the replies read back equal what was sent'
    # The service keeps replies as HTML; their text is what was sent.
    assert message_text(read_back['auto_reply']['internal_message']) == message_text('\n'.join(payloads))
    assert message_text(read_back['auto_reply']['external_message']) == payloads[0]
