# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which credential the modules take from the environment: EXO_* before AZURE_*, one set, never both
a secret and a certificate."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import credentials_from_environment

EXO = {'EXO_TENANT_ID': 'exo-tenant', 'EXO_CLIENT_ID': 'exo-app', 'EXO_CLIENT_SECRET': 'exo-secret'}
# What AWX's own Azure credential injects.
AZURE = {'AZURE_TENANT_ID': 'azure-tenant', 'AZURE_CLIENT_ID': 'azure-app', 'AZURE_CLIENT_SECRET': 'azure-secret'}
NONE = {'tenant_id': None, 'client_id': None, 'client_secret': None, 'client_certificate_path': None,
        'client_certificate_password': None, 'access_token': None}


def from_env(environ, **params):
    return credentials_from_environment(dict(NONE, **params), environ)


def test_azure_names_alone_still_work():
    assert from_env(AZURE) == ({'tenant_id': 'azure-tenant', 'client_id': 'azure-app',
                                'client_secret': 'azure-secret'}, None)


def test_exo_names_win_over_an_azure_credential_of_another_app():
    assert from_env(dict(AZURE, **EXO)) == ({'tenant_id': 'exo-tenant', 'client_id': 'exo-app',
                                             'client_secret': 'exo-secret'}, None)


def test_the_sets_never_mix():
    # The Exchange credential holds a certificate, the Azure one a secret: the Azure secret must
    # not be paired with the Exchange app id, nor win because secrets are read before certificates.
    environ = dict(AZURE, EXO_TENANT_ID='exo-tenant', EXO_CLIENT_ID='exo-app', EXO_CLIENT_CERTIFICATE_PATH='/c.pem',
                   AZURE_CLIENT_CERTIFICATE_PASSWORD='azure-password')
    assert from_env(environ) == ({'tenant_id': 'exo-tenant', 'client_id': 'exo-app',
                                  'client_certificate_path': '/c.pem'}, None)


def test_blank_exo_variables_count_as_unset():
    # AWX injects every variable of a credential type, blank when its field is empty.
    environ = dict(AZURE, EXO_TENANT_ID='', EXO_CLIENT_ID='', EXO_CLIENT_SECRET='')
    assert from_env(environ)[0]['client_id'] == 'azure-app'


@pytest.mark.parametrize('prefix', ['EXO', 'AZURE'])
def test_a_secret_and_a_certificate_together_fail_naming_both(prefix):
    environ = {prefix + '_TENANT_ID': 't', prefix + '_CLIENT_ID': 'c', prefix + '_CLIENT_SECRET': 's',
               prefix + '_CLIENT_CERTIFICATE_PATH': '/c.pem'}
    found, error = from_env(environ)
    assert 'client_secret' not in found and 'client_certificate_path' not in found
    assert '%s_CLIENT_SECRET' % prefix in error and '%s_CLIENT_CERTIFICATE_PATH' % prefix in error
    assert 's' not in error.split() and 'set only one' in error


def test_a_credential_in_the_task_wins_and_the_rest_is_filled_in():
    found, error = from_env(dict(EXO, EXO_CLIENT_CERTIFICATE_PATH='/c.pem'), client_certificate_path='/task.pem')
    assert error is None
    assert found == {'tenant_id': 'exo-tenant', 'client_id': 'exo-app'}
    assert 'client_id' not in from_env(EXO, client_id='task-app')[0]


def test_an_access_token_comes_first():
    assert from_env(dict(EXO, EXO_ACCESS_TOKEN='token'))[0]['access_token'] == 'token'
    assert 'client_secret' not in from_env(dict(EXO, EXO_ACCESS_TOKEN='token'))[0]


def test_a_certificate_path_is_expanded(monkeypatch):
    monkeypatch.setenv('HOME', '/home/sync')
    assert from_env({'EXO_CLIENT_CERTIFICATE_PATH': '~/app.pem'})[0]['client_certificate_path'] == '/home/sync/app.pem'


def test_a_secret_may_be_given_as_a_file(tmp_path):
    """The AWX credential types inject secrets as files: ansible-runner records the environment."""
    (tmp_path / 'secret').write_text('exo-secret-from-file\n')
    (tmp_path / 'password').write_text('pfx-password')
    environ = {'EXO_TENANT_ID': 't', 'EXO_CLIENT_ID': 'c', 'EXO_CLIENT_SECRET_FILE': str(tmp_path / 'secret')}
    assert from_env(environ) == ({'tenant_id': 't', 'client_id': 'c', 'client_secret': 'exo-secret-from-file'}, None)
    certificate = {'EXO_TENANT_ID': 't', 'EXO_CLIENT_ID': 'c', 'EXO_CLIENT_CERTIFICATE_PATH': '/c.pem',
                   'EXO_CLIENT_CERTIFICATE_PASSWORD_FILE': str(tmp_path / 'password')}
    assert from_env(certificate)[0]['client_certificate_password'] == 'pfx-password'


def test_the_variable_itself_wins_over_its_file_and_an_empty_file_is_unset(tmp_path):
    (tmp_path / 'secret').write_text('from-file')
    (tmp_path / 'empty').write_text('')
    environ = {'EXO_TENANT_ID': 't', 'EXO_CLIENT_ID': 'c', 'EXO_CLIENT_SECRET': 'direct',
               'EXO_CLIENT_SECRET_FILE': str(tmp_path / 'secret')}
    assert from_env(environ)[0]['client_secret'] == 'direct'
    empty = {'EXO_TENANT_ID': 't', 'EXO_CLIENT_ID': 'c', 'EXO_CLIENT_SECRET_FILE': str(tmp_path / 'empty')}
    assert 'client_secret' not in from_env(empty)[0]


def test_an_unreadable_secret_file_is_an_error_naming_the_variable(tmp_path):
    missing = str(tmp_path / 'gone')
    found, error = from_env({'EXO_TENANT_ID': 't', 'EXO_CLIENT_ID': 'c', 'EXO_CLIENT_SECRET_FILE': missing})
    assert found == {}
    assert error.startswith('EXO_CLIENT_SECRET_FILE names %r, which cannot be read: ' % missing)
