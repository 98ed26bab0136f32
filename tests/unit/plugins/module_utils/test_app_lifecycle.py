# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of an app registration's lifecycle: further permissions and their consent, owners,
secret rotation and removal, expiring credentials."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_credentials as creds
from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_owners as owners
from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_permissions as perms
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
GRAPH_APP = '00000003-0000-0000-c000-000000000000'
GRAPH_SP = {'id': 'graph-sp', 'appId': GRAPH_APP, 'displayName': 'Microsoft Graph',
            'appRoles': [{'id': 'DF021288-BDEF-4463-88DB-98F22DE89214', 'value': 'User.Read.All'}],
            'oauth2PermissionScopes': [{'id': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', 'value': 'User.Read'},
                                       {'id': '570282fd-fa5b-430d-a7fd-fc8dc98a9dca', 'value': 'Mail.Read'}]}
EXCHANGE_SP = {'id': 'exchange-sp', 'appId': perms.EXCHANGE_APP_ID, 'displayName': 'Office 365 Exchange Online',
               'appRoles': [{'id': perms.MANAGE_AS_APP_ROLE_ID, 'value': 'Exchange.ManageAsApp'}],
               'oauth2PermissionScopes': []}


class Graph(object):
    """Service principals by appId and by display name, nothing else."""

    def __init__(self, *sps):
        self.sps = sps
        self.reads = 0

    def get(self, path, query=None):
        self.reads += 1
        return next((sp for sp in self.sps if "'%s'" % sp['appId'] in path or path.endswith('/' + sp['id'])), None)

    def list(self, path, query=None):
        self.reads += 1
        # Graph compares displayName case-insensitively.
        return [sp for sp in self.sps if "'%s'" % sp['displayName'].lower() in query['$filter'].lower()]


def resolve(*entries, graph=None):
    return perms.resolve(perms.Resources(graph or Graph(GRAPH_SP, EXCHANGE_SP)),
                         [dict({'type': 'application'}, **e) for e in entries])


def test_permissions_resolve_by_name_or_id_in_any_case_once_each():
    graph = Graph(GRAPH_SP, EXCHANGE_SP)
    wanted = resolve({'resource': 'microsoft graph', 'permission': 'user.read.all'},
                     {'resource': GRAPH_APP, 'permission': 'df021288-bdef-4463-88db-98f22de89214'},
                     {'resource': 'Microsoft Graph', 'permission': 'User.Read', 'type': 'delegated'}, graph=graph)
    assert graph.reads == 1, 'the resource is read once, whatever names it'
    assert [perms.label(p) for p in wanted] == ['Microsoft Graph/User.Read.All (application)',
                                                'Microsoft Graph/User.Read (delegated)']
    assert wanted[0].id == 'df021288-bdef-4463-88db-98f22de89214'


@pytest.mark.parametrize('entry, words', [
    ({'resource': 'Microsoft Graph', 'permission': 'User.Read', 'type': 'application'},
     ["'User.Read' is not an application permission", 'User.Read.All']),
    ({'resource': 'Payroll', 'permission': 'Read'}, ["resource 'Payroll' names no service principals"]),
    ({'resource': '11111111-2222-3333-4444-555555555555', 'permission': 'Read'}, ['is not the appId']),
    ({'resource': 'Office 365 Exchange Online', 'permission': 'Exchange.ManageAsApp'}, ['exchange_permission']),
    ({'resource': 'Microsoft Graph', 'permission': ' '}, ['permission is empty']),
])
def test_a_permission_that_does_not_resolve_fails_naming_the_option(entry, words):
    with pytest.raises(ExchangeError) as info:
        resolve(entry)
    assert info.value.kind == 'invalid_argument' and str(info.value).startswith('api_permissions: ')
    for word in words:
        assert word in str(info.value)


def test_the_request_groups_by_resource_and_keeps_manage_as_app_with_exchange_permission():
    wanted = resolve({'resource': 'Microsoft Graph', 'permission': 'User.Read.All'},
                     {'resource': 'Microsoft Graph', 'permission': 'User.Read', 'type': 'delegated'})
    assert perms.resource_access(wanted, True) == [
        {'resourceAppId': perms.EXCHANGE_APP_ID, 'resourceAccess': [{'id': perms.MANAGE_AS_APP_ROLE_ID, 'type': 'Role'}]},
        {'resourceAppId': GRAPH_APP, 'resourceAccess': [{'id': 'df021288-bdef-4463-88db-98f22de89214', 'type': 'Role'},
                                                        {'id': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', 'type': 'Scope'}]}]
    assert perms.requested({'requiredResourceAccess': perms.resource_access(wanted, True)}) == {
        (GRAPH_APP, 'df021288-bdef-4463-88db-98f22de89214', 'application'),
        (GRAPH_APP, 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', 'delegated')}
    assert perms.resource_access([], False) == []


def test_consent_adds_removes_and_reshapes_the_one_delegated_grant():
    wanted = resolve({'resource': 'Microsoft Graph', 'permission': 'User.Read.All'},
                     {'resource': 'Microsoft Graph', 'permission': 'User.Read', 'type': 'delegated'})
    manage = {'id': 'a-manage', 'resourceId': 'exchange-sp', 'appRoleId': perms.MANAGE_AS_APP_ROLE_ID}
    stray = {'id': 'a-stray', 'resourceId': 'graph-sp', 'appRoleId': '11111111-1111-1111-1111-111111111111'}
    grant = {'id': 'g-1', 'resourceId': 'graph-sp', 'scope': 'Mail.Read User.Read'}
    plan = perms.plan_consent(wanted, [manage, stray], [grant], 'exchange-sp')
    assert plan.roles_add == [('graph-sp', 'df021288-bdef-4463-88db-98f22de89214')]
    assert plan.roles_remove == [('graph-sp', 'a-stray')], 'Exchange.ManageAsApp is left to exchange_permission'
    assert plan.grants == [('graph-sp', 'g-1', ['User.Read'])]
    assert perms.plan_consent(wanted, [], [], None).grants == [('graph-sp', None, ['User.Read'])]
    assert perms.plan_consent([], [], [grant], None).grants == [('graph-sp', 'g-1', [])]
    held = {'id': 'a-1', 'resourceId': 'graph-sp', 'appRoleId': 'DF021288-bdef-4463-88db-98f22de89214'}
    assert perms.plan_consent(wanted, [held], [dict(grant, scope='User.Read')], None) == perms.ConsentPlan([], [], [])


def test_owners_plan_is_a_set_difference():
    assert owners.plan_owners({'a': 'alice@contoso.com', 'b': 'bob@contoso.com'}, {'b': 'bob', 'c': 'chris'}) == (
        ['c'], ['a'])
    assert owners.owner_name({'id': 'x', 'userPrincipalName': None}) == 'x'


def secret(key_id, start_days, end_days, description='HelloID'):
    return {'keyId': key_id, 'displayName': description,
            'startDateTime': creds.graph_timestamp(NOW + datetime.timedelta(days=start_days)),
            'endDateTime': creds.graph_timestamp(NOW + datetime.timedelta(days=end_days))}


def test_a_secret_is_added_when_none_outlives_the_renewal_window():
    assert creds.plan_secrets([], 'HelloID', True, 30, 7, NOW) == creds.SecretPlan(True, [], [], None)
    assert not creds.plan_secrets([secret('k1', -10, 80)], 'HelloID', True, 30, 7, NOW).add
    assert creds.plan_secrets([secret('k1', -10, 20)], 'HelloID', True, 30, 7, NOW).add
    assert creds.plan_secrets([secret('k1', -10, 80, 'other')], 'HelloID', True, 30, 7, NOW).add
    # Without renew_days a secret is added only when none is left: no rotation for those who did not ask.
    assert not creds.plan_secrets([secret('k1', -10, 2)], 'HelloID', True, None, 7, NOW).add
    assert creds.plan_secrets([secret('k1', -10, -1)], 'HelloID', True, None, 7, NOW) == creds.SecretPlan(
        True, ['k1'], [], None)


def test_old_secrets_stay_for_the_overlap_then_go_and_expired_ones_go_at_once():
    rotated = creds.plan_secrets([secret('old', -100, 20), secret('dead', -200, -1)], 'HelloID', True, 30, 7, NOW)
    assert rotated.add and rotated.remove == ['dead'] and rotated.pending == ['old']
    assert rotated.retire_at == NOW + datetime.timedelta(days=7)
    during = creds.plan_secrets([secret('old', -100, 20), secret('new', -3, 177)], 'HelloID', True, 30, 7, NOW)
    assert during == creds.SecretPlan(False, [], ['old'], NOW + datetime.timedelta(days=4))
    after = creds.plan_secrets([secret('old', -100, 20), secret('new', -8, 172)], 'HelloID', True, 30, 7, NOW)
    assert after == creds.SecretPlan(False, ['old'], [], None)
    assert creds.plan_secrets([secret('old', -100, 20)], 'HelloID', True, 30, 0, NOW).remove == ['old']


def test_absent_removes_every_secret_of_the_description_only():
    current = [secret('a', -1, 10), secret('b', -1, -1), secret('c', -1, 10, 'other')]
    assert creds.plan_secrets(current, 'HelloID', False, 30, 7, NOW) == creds.SecretPlan(False, ['a', 'b'], [], None)


def test_expiring_lists_what_ends_within_the_window_soonest_first_without_what_goes():
    app = {'passwordCredentials': [secret('late', -1, 90), secret('soon', -1, 10), secret('dead', -30, -2),
                                   secret('gone', -1, 5)],
           'keyCredentials': [{'keyId': 'cert', 'displayName': 'CN=sync', 'customKeyIdentifier': 'AB' * 20,
                               'endDateTime': creds.graph_timestamp(NOW + datetime.timedelta(days=29))}]}
    found = creds.expiring(app, NOW, 30, gone={'gone'})
    assert [(c['type'], c['key_id'], c['days_left']) for c in found] == [
        ('secret', 'dead', -2), ('secret', 'soon', 10), ('certificate', 'cert', 29)]
    assert found[2]['thumbprint'] == 'AB' * 20
    assert creds.expiring(app, NOW, 0) == [c for c in creds.expiring(app, NOW, 30) if c['days_left'] < 0]


class OwnerGraph(object):
    graph_url = 'https://graph.example'

    def __init__(self, refusal):
        self.refusal = refusal
        self.sent = []

    def post(self, path, body):
        self.sent.append(body['@odata.id'])
        raise ExchangeError(self.refusal, kind='invalid_argument')

    def delete(self, path):
        self.sent.append(path)


def test_an_owner_someone_else_added_meanwhile_is_no_failure():
    graph = OwnerGraph("One or more added object references already exist for the following modified properties: "
                       "'owners'.")
    owners.apply_owners(graph, 'app-1', ['u-1'], ['u-2'])
    assert graph.sent == ['https://graph.example/v1.0/directoryObjects/u-1', 'applications/app-1/owners/u-2/$ref']
    with pytest.raises(ExchangeError):
        owners.apply_owners(OwnerGraph('Invalid object identifier'), 'app-1', ['u-1'], [])
