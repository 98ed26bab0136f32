# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""On-premises and hybrid Exchange end to end: ansible-playbook against the sandbox's remoting
endpoint (real WSMan and PSRP, NTLM with message encryption over HTTP, Basic over HTTPS)."""

from __future__ import annotations

import socket

import certifi
import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.runners.remoting_runner import RemotingRunner

NEW_USER_PASSWORD = 'N3w-User!Pass#42'
WRONG_PASSWORD = 'Wr0ng-Exchange-Pass!7'
METACHARACTERS = [
    "'; Remove-Mailbox -Identity erin; '",
    '$(whoami)',
    '`whoami` and `$env:PATH`',
    'two\nlines; Get-Process',
    'Ünïcødé ✓ "quoted" & <xml/> | Out-File x',
]


def runner(sandbox):
    env = sandbox.env
    return RemotingRunner(dict(
        server=env['EXCHANGE_SERVER'], port=int(env['EXCHANGE_PORT']), use_ssl=False, path='PowerShell',
        configuration_name='Microsoft.Exchange', auth='ntlm', username=env['EXCHANGE_USERNAME'],
        password=env['EXCHANGE_PASSWORD'], validate_certs=True, ca_path=None, encryption='auto',
        connection_timeout=30, operation_timeout=60))


def ad_user_type(sandbox, identity):
    """The user's RecipientTypeDetails, or None when the AD user is gone."""
    remoting = runner(sandbox)
    try:
        return remoting.invoke('Get-User', {'Identity': identity})[0]['RecipientTypeDetails']
    except ExchangeError as err:
        assert err.kind == 'not_found'
        return None
    finally:
        remoting.close()


def commands(sandbox):
    return sandbox.request('GET', '/_sandbox/commands').json()['commands']


@pytest.mark.parametrize('infra, method, ident, action', [
    ('onpremises', 'new', 'nora.north', 'remove'),
    ('onpremises', 'enable', 'erin', 'disable'),
    ('hybrid', 'new', 'nora.north', 'disable'),
    ('hybrid', 'enable', 'frank', 'remove'),
])
def test_walk(playbook, sandbox, infra, method, ident, action):
    variables = {'infra': infra, 'method': method, 'ident': ident, 'upn': 'nora@contoso.com',
                 'leave': action}
    env = {'TEST_NEW_USER_PASSWORD': NEW_USER_PASSWORD}
    playbook.run('onprem_create.yml', extra_vars=variables, env=env)

    # Addresses the module does not manage, added behind its back: they must survive "exact".
    remoting = runner(sandbox)
    try:
        noun = 'RemoteMailbox' if infra == 'hybrid' else 'Mailbox'
        remoting.invoke('Set-' + noun, {'Identity': ident, 'EmailAddresses': {'Add': [
            'X500:/o=Legacy/ou=First Administrative Group/cn=Recipients/cn=%s' % ident.split()[0],
            'smtp:old-%s@legacy.contoso.net' % infra]}})
    finally:
        remoting.close()

    playbook.run('onprem_change.yml', extra_vars=variables)
    assert ad_user_type(sandbox, 'nora@contoso.com' if method == 'new' else ident) == \
        ('User' if action == 'disable' else None)
    sent = [c['cmdlet'] for c in commands(sandbox)]
    assert all(not c['is_script'] for c in commands(sandbox))
    # add mode (the creation's extra address) sends only the difference, exact mode the whole list.
    address_sets = [c['parameters']['EmailAddresses'] for c in commands(sandbox)
                    if c['cmdlet'] == 'Set-' + noun and 'EmailAddresses' in c['parameters']]
    assert address_sets[0] == {'Add': ['smtp:extra-%s@contoso.com' % infra]}
    assert isinstance(address_sets[-1], list) and 'SMTP:primary-%s@contoso.com' % infra in address_sets[-1]
    assert sent, 'the sandbox recorded the commands'


def test_connections_and_bad_input(playbook, sandbox):
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))
    port = closed.getsockname()[1]
    closed.close()
    playbook.run('onprem_connections.yml', env={'TEST_WRONG_PASSWORD': WRONG_PASSWORD},
                 extra_vars={'https_port': sandbox.env['EXCHANGE_HTTPS_PORT'], 'closed_port': port,
                             'untrusted_ca': certifi.where()})
    assert sandbox.stats()['writes'] == 0


def test_metacharacters_arrive_as_literal_values(playbook, sandbox, tmp_path):
    tasks = ''.join(
        '    - mailops.exchange.onprem_exchange_mailbox_info:\n'
        '        identity: %s\n' % _yaml(value) for value in METACHARACTERS)
    tasks += ('    - mailops.exchange.onprem_exchange_mailbox:\n'
              '        identity: erin\n'
              '        create_method: enable\n'
              '        display_name: %s\n' % _yaml(METACHARACTERS[0]))
    path = tmp_path / 'metacharacters.yml'
    path.write_text('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks)
    playbook.run(str(path))

    received = commands(sandbox)
    identities = [c['parameters'].get('Identity') for c in received if c['cmdlet'] == 'Get-Mailbox']
    for value in METACHARACTERS:
        assert value in identities, 'Get-Mailbox received %r verbatim' % value
    enable = [c for c in received if c['cmdlet'] == 'Enable-Mailbox']
    assert len(enable) == 1 and enable[0]['parameters']['DisplayName'] == METACHARACTERS[0]
    allowed = {'Get-Mailbox', 'Get-RemoteMailbox', 'Get-User', 'Enable-Mailbox'}
    assert {c['cmdlet'] for c in received} <= allowed
    assert not any(c['is_script'] for c in received)
    assert ad_user_type(sandbox, 'erin') == 'UserMailbox', 'Remove-Mailbox inside a value never ran'
    assert 'Remove-Mailbox' not in sandbox.stats()['cmdlets']


def _yaml(value):
    return '"%s"' % value.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


CREATES = ['New-Mailbox', 'New-RemoteMailbox', 'Enable-Mailbox']
REMOVALS = ['Remove-Mailbox', 'Disable-Mailbox']


@pytest.mark.parametrize('phase, seed', [
    ('after', None),
    # Seed 51 draws drop, keep, drop, keep, drop, keep at rate 0.5: each create's first send is
    # lost before it ran and its second one gets through.
    ('before', 51),
])
def test_creates_survive_dropped_connections(playbook, sandbox, phase, seed):
    sandbox.faults(remoting=True, drop_rate=1.0 if phase == 'after' else 0.5, drop_phase=phase,
                   drop_cmdlets=CREATES + REMOVALS, seed=seed)
    playbook.run('onprem_faults.yml', extra_vars={'phase': phase},
                 env={'TEST_NEW_USER_PASSWORD': NEW_USER_PASSWORD})
    received = [c['cmdlet'] for c in commands(sandbox)]
    # A dropped-before send never reached Exchange, so each create is logged once either way.
    assert {name: received.count(name) for name in CREATES + REMOVALS} == dict.fromkeys(CREATES + REMOVALS, 1)
    assert ad_user_type(sandbox, 'hugo@contoso.com') == 'RemoteUserMailbox'
    assert ad_user_type(sandbox, 'nora@contoso.com') is None, 'created, then removed with its user'
    assert ad_user_type(sandbox, 'erin') == 'User', 'mailbox enabled, then disabled'


def test_bulk_walk_and_address_changes_send_only_the_difference(playbook, sandbox):
    playbook.run('onprem_bulk.yml', env={'TEST_NEW_USER_PASSWORD': NEW_USER_PASSWORD})
    sets = [c['parameters'] for c in commands(sandbox) if c['cmdlet'] == 'Set-Mailbox' and 'EmailAddresses' in c['parameters']]
    assert [s['EmailAddresses'] for s in sets] == [{'Add': ['smtp:erin.extra@contoso.com']}]
    assert ad_user_type(sandbox, 'ida@contoso.com') == 'UserMailbox'
