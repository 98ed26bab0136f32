# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kerberos to on-premises Exchange, end to end: a real MIT KDC on loopback, started and stopped
by the sandbox in Kerberos mode (``serve --kerberos``), unmodified pypsrp and pyspnego on both
sides, and ansible-playbook as an admin runs it. scripts/install_krb5.sh installs the KDC."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.runners.remoting_runner import RemotingRunner
from conftest import PlaybookRunner
from sandbox.kdc import find_program
from sandbox.testing import SandboxProcess

WRONG_PASSWORD = 'Wr0ng-Kerberos-Pass!9'


@pytest.fixture(scope='module')
def kerberos_sandbox(tmp_path_factory):
    """A sandbox whose on-premises endpoint accepts Kerberos only, with its own KDC."""
    with SandboxProcess().start(tmp_path_factory.mktemp('kerberos'), users=5, shared=1,
                                kerberos=True) as running:
        yield running


def kinit(env, principal, password, ccache, lifetime=None):
    """A ticket for ``principal`` in ``ccache``, as an admin gets one on the control node."""
    command = [find_program('kinit')] + (['-l', lifetime] if lifetime else []) + [principal]
    subprocess.run(command, input=password + '\n', text=True, capture_output=True, check=True, timeout=30,
                   env=dict(os.environ, KRB5_CONFIG=env['KRB5_CONFIG'], KRB5CCNAME=ccache))


def test_kerberos_playbook(kerberos_sandbox, tmp_path):
    env = kerberos_sandbox.env
    kerberos_sandbox.reset(state=True)
    principal, password = env['EXCHANGE_USERNAME'], env['EXCHANGE_PASSWORD']
    assert env['EXCHANGE_AUTH'] == 'kerberos' and principal == 'exadmin@CONTOSO.LOCAL'
    assert env['SANDBOX_KERBEROS_SPN'] == 'HTTP/%s@CONTOSO.LOCAL' % env['EXCHANGE_SERVER']

    valid, expired = 'FILE:%s' % (tmp_path / 'valid'), 'FILE:%s' % (tmp_path / 'expired')
    kinit(env, principal, password, expired, lifetime='1s')
    kinit(env, principal, password, valid)
    time.sleep(1.5)

    runner = PlaybookRunner(kerberos_sandbox, tmp_path / 'cache')
    for name in ('EXCHANGE_USERNAME', 'EXCHANGE_PASSWORD'):
        runner.env.pop(name)
    result = runner.run(
        'onprem_kerberos.yml',
        extra_vars={'kerberos_host': env['EXCHANGE_SERVER'], 'principal': principal,
                    'ccache_valid': valid, 'ccache_expired': expired,
                    'ccache_keytab': 'FILE:%s' % (tmp_path / 'from-keytab'),
                    'client_keytab': env['SANDBOX_KERBEROS_CLIENT_KEYTAB']},
        env={'TEST_KERBEROS_PASSWORD': password, 'TEST_WRONG_PASSWORD': WRONG_PASSWORD,
             'KRB5CCNAME': 'FILE:%s' % (tmp_path / 'empty')})
    output = result.stdout + result.stderr
    assert password not in output and WRONG_PASSWORD not in output
    stats = kerberos_sandbox.stats()
    assert stats['writes'] == 1, stats


@pytest.mark.parametrize('auth, use_ssl', [('kerberos', True), ('negotiate', False)])
def test_kerberos_over_https_and_inside_negotiate(kerberos_sandbox, tmp_path, monkeypatch, auth, use_ssl):
    """Kerberos over HTTPS (the certificate names the FQDN), and Negotiate choosing Kerberos."""
    env = kerberos_sandbox.env
    monkeypatch.setenv('KRB5_CONFIG', env['KRB5_CONFIG'])
    monkeypatch.setenv('KRB5CCNAME', 'FILE:%s' % (tmp_path / 'cache'))
    remoting = RemotingRunner(dict(
        server=env['EXCHANGE_SERVER'], port=int(env['EXCHANGE_HTTPS_PORT' if use_ssl else 'EXCHANGE_PORT']),
        use_ssl=use_ssl, path='PowerShell', configuration_name='Microsoft.Exchange', auth=auth,
        username=env['EXCHANGE_USERNAME'], password=env['EXCHANGE_PASSWORD'], validate_certs=True,
        ca_path=env['EXCHANGE_CA_PATH'], encryption='auto', connection_timeout=30, operation_timeout=60))
    try:
        users = remoting.invoke('Get-User', {'Identity': 'erin'})
    finally:
        remoting.close()
    assert users[0]['SamAccountName'] == 'erin'


@pytest.mark.parametrize('server, username, password, ccache, expected', [
    # A name that reaches the server but is not the one its service principal has.
    ('localhost', 'principal', 'right', None, 'knows no service principal HTTP/localhost: connect by the Exchange '
                                              "server's FQDN"),
    ('fqdn', 'CONTOSO\\exadmin', 'right', None, 'username: CONTOSO\\exadmin is a down-level logon name'),
    ('fqdn', 'exadmin@contoso.local', 'right', None, 'write the realm in capitals'),
    ('fqdn', 'nobody@CONTOSO.LOCAL', 'right', None, 'knows no user nobody@CONTOSO.LOCAL'),
    ('fqdn', 'principal', None, 'expired', 'has expired: run kinit exadmin@CONTOSO.LOCAL again'),
    ('fqdn', 'principal', None, 'empty', 'no Kerberos ticket for exadmin@CONTOSO.LOCAL in the credential cache: '
                                         'run kinit exadmin@CONTOSO.LOCAL first'),
])
def test_kerberos_failures_say_what_to_do(kerberos_sandbox, tmp_path, monkeypatch, server, username, password,
                                          ccache, expected):
    env = kerberos_sandbox.env
    principal = env['EXCHANGE_USERNAME']
    cache = 'FILE:%s' % (tmp_path / 'cache')
    if ccache == 'expired':
        kinit(env, principal, env['EXCHANGE_PASSWORD'], cache, lifetime='1s')
        time.sleep(1.5)
    monkeypatch.setenv('KRB5_CONFIG', env['KRB5_CONFIG'])
    monkeypatch.setenv('KRB5CCNAME', cache)
    secret = {'right': env['EXCHANGE_PASSWORD'], None: None}[password]
    remoting = RemotingRunner(dict(
        server=env['EXCHANGE_SERVER'] if server == 'fqdn' else server, port=int(env['EXCHANGE_PORT']),
        use_ssl=False, path='PowerShell', configuration_name='Microsoft.Exchange', auth='kerberos',
        username=principal if username == 'principal' else username, password=secret, validate_certs=True,
        ca_path=None, encryption='auto', connection_timeout=30, operation_timeout=60))
    try:
        with pytest.raises(ExchangeError) as failure:
            remoting.invoke('Get-Mailbox', {'ResultSize': 'Unlimited'})
    finally:
        remoting.close()
    assert expected in str(failure.value)
    assert env['EXCHANGE_PASSWORD'] not in str(failure.value)
