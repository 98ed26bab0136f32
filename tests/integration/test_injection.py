# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PowerShell syntax in option values stays data: on premises each value reaches its cmdlet as one
literal parameter (the sandbox records every command it receives) and no other command runs; in
Exchange Online the values travel as JSON strings and come back unchanged."""

from __future__ import annotations

import json

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.auto_reply import message_text

# Each free-text option of onprem_exchange_mailbox and the parameter of New-Mailbox it fills,
# by its offset in the playbook's rotation of the payloads.
ROTATED = {0: 'Name', 1: 'FirstName', 2: 'LastName', 3: 'DisplayName', 4: 'SamAccountName'}
REFUSED = {0: 'OrganizationalUnit', 1: 'Database'}
ALLOWED_CMDLETS = {'Get-Mailbox', 'Get-User', 'New-Mailbox', 'Set-Mailbox'}


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
    extra_addresses = [c['parameters']['EmailAddresses'] for c in received if c['cmdlet'] == 'Set-Mailbox']
    for index in range(8):
        assert any('smtp:e%d.%s@contoso.com' % (index, local_part) in addresses['Add'] for addresses in extra_addresses)
        checked += 1
    assert checked == 8 * (len(ROTATED) + 3 + len(REFUSED) + 1)
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
