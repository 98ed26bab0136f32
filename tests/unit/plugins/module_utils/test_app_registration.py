"""The app-registration engine: its pure parts, and its steps against a scripted Graph."""

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.apps.app_registration import (
    EXCHANGE_APP_ID, MANAGE_AS_APP_ROLE_ID, audience_refused, converge, current_audience, has_exchange_permission,
    no_pending, required_resource_access, unique_name)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.drift_report import build_report
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_client import GraphError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ALREADY_EXISTS, ExchangeError

GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'
MANAGE_AS_APP = {'id': MANAGE_AS_APP_ROLE_ID, 'type': 'Role'}
OTHER_EXCHANGE_ROLE = {'id': '11111111-1111-1111-1111-111111111111', 'type': 'Role'}
GRAPH_READ = {'resourceAppId': GRAPH_APP_ID,
              'resourceAccess': [{'id': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', 'type': 'Scope'}]}


def test_the_request_is_recognised_among_others():
    app = {'requiredResourceAccess': [GRAPH_READ, {'resourceAppId': EXCHANGE_APP_ID,
                                                   'resourceAccess': [OTHER_EXCHANGE_ROLE, MANAGE_AS_APP]}]}
    assert has_exchange_permission(app)
    assert not has_exchange_permission({'requiredResourceAccess': [GRAPH_READ]})
    assert not has_exchange_permission(None)


def test_adding_keeps_other_requests_and_joins_an_existing_exchange_entry():
    current = [GRAPH_READ, {'resourceAppId': EXCHANGE_APP_ID, 'resourceAccess': [OTHER_EXCHANGE_ROLE]}]
    assert required_resource_access(current, True) == [
        GRAPH_READ, {'resourceAppId': EXCHANGE_APP_ID, 'resourceAccess': [OTHER_EXCHANGE_ROLE, MANAGE_AS_APP]}]
    assert required_resource_access([], True) == [{'resourceAppId': EXCHANGE_APP_ID, 'resourceAccess': [MANAGE_AS_APP]}]


def test_removing_drops_only_the_request_and_an_entry_left_empty():
    current = [GRAPH_READ, {'resourceAppId': EXCHANGE_APP_ID, 'resourceAccess': [MANAGE_AS_APP]}]
    assert required_resource_access(current, False) == [GRAPH_READ]
    mixed = [{'resourceAppId': EXCHANGE_APP_ID, 'resourceAccess': [OTHER_EXCHANGE_ROLE, MANAGE_AS_APP]}]
    assert required_resource_access(mixed, False) == [{'resourceAppId': EXCHANGE_APP_ID,
                                                       'resourceAccess': [OTHER_EXCHANGE_ROLE]}]


def test_nothing_pending_names_both_kinds_of_credential():
    assert no_pending() == {'certificates': {'thumbprints': [], 'retire_at': None},
                            'client_secrets': {'key_ids': [], 'retire_at': None}}


def test_one_unique_name_per_display_name_whatever_its_case():
    assert unique_name('Identity sync') == unique_name('IDENTITY SYNC')
    assert unique_name('Identity sync') != unique_name('Identity sync 2')
    assert unique_name('Identity sync').startswith('mailops-exchange-') and len(unique_name('x')) == 57


class FakeGraph(object):
    """Answers the engine's Graph calls from a script; records every write."""

    tenant_id = 'tenant-1'

    def __init__(self, upserted=True, sp_exists=False):
        self.writes = []
        self.upserted = upserted
        self.sp_exists = sp_exists

    def list(self, path, query=None):
        return []

    def get(self, path, query=None):
        if path.startswith('servicePrincipals(appId=%s)' % repr(EXCHANGE_APP_ID)):
            return {'id': 'exchange-sp', 'appId': EXCHANGE_APP_ID}
        return None

    def request(self, method, path, body=None, query=None):
        assert method == 'GET'
        if path.startswith('applications(uniqueName='):
            return {'id': 'obj-1', 'appId': 'app-1', 'displayName': 'Sync'}
        return {'id': 'sp-1', 'appId': 'app-1'}

    def upsert(self, path, body):
        self.writes.append(('PATCH', path.split('(')[0], body['displayName']))
        if self.upserted == 'conflict':
            raise ExchangeError('Another object with the same value for property uniqueName already exists.',
                                kind=ALREADY_EXISTS)
        return {'id': 'obj-1', 'appId': 'app-1', 'displayName': body['displayName']} if self.upserted else None

    def post(self, path, body):
        self.writes.append(('POST', path))
        if path == 'servicePrincipals':
            if self.sp_exists:
                raise ExchangeError('exists', kind=ALREADY_EXISTS)
            return {'id': 'sp-1', 'appId': body['appId']}
        return {'id': 'x'}

    def while_replicating(self, what, call, replicating=True):
        return call()

    def while_reference_replicates(self, what, call, budget_s, first_wait_s, progress=None):
        return call()


class FakeExo(object):
    def __init__(self, graph, check_mode=False, **params):
        self.graph = graph
        self.check_mode = check_mode
        self.params = dict(display_name='Sync', app_id=None, state='present', exchange_permission=True,
                           directory_roles=['Exchange Administrator'], exclusive_roles=False, certificates=None,
                           generate_certificate=None, certificate_overlap_days=7, replication_timeout=600,
                           secret=None, organization=None, retry_delay=2.0, api_permissions=None,
                           redirect_uris=None, owners=None, expiry_warning_days=30, sign_in_audience=None)
        self.params.update(params)
        self.warnings = []

    def fail(self, msg, **unused):
        raise AssertionError(msg)

    def warn(self, message):
        self.warnings.append(message)

    def with_diff(self, result, before, after):
        result['diff'] = {'before': before, 'after': after}
        return result


def test_a_new_registration_runs_every_step_in_order():
    graph = FakeGraph()
    exo = FakeExo(graph)
    result = converge(exo)
    assert graph.writes == [('PATCH', 'applications', 'Sync'), ('POST', 'servicePrincipals'),
                            ('POST', 'servicePrincipals/exchange-sp/appRoleAssignedTo'),
                            ('POST', 'roleManagement/directory/roleAssignments')]
    assert result['changed'] and result['app_id'] == 'app-1' and result['service_principal_id'] == 'sp-1'
    # One shape for every change (issue 14): a value's before and after, a set's added and removed.
    assert result['changes'] == {'state': {'before': 'absent', 'after': 'present'},
                                 'service_principal': {'before': False, 'after': True},
                                 'exchange_permission': {'before': False, 'after': True},
                                 'directory_roles': {'added': ['Exchange Administrator'], 'removed': []}}
    assert result['diff']['before'] == {'state': 'absent'} and result['diff']['after']['state'] == 'present'
    assert exo.warnings == []


def test_check_mode_plans_the_same_and_sends_nothing():
    graph = FakeGraph()
    result = converge(FakeExo(graph, check_mode=True))
    assert graph.writes == [] and result['changed'] and result['app_id'] is None
    assert result['changes']['service_principal'] == {'before': False, 'after': True}


@pytest.mark.parametrize('upserted', [False, 'conflict'], ids=['updated', 'refused'])
def test_a_run_that_lost_the_race_continues_with_the_winner(upserted):
    graph = FakeGraph(upserted=upserted, sp_exists=True)
    exo = FakeExo(graph)
    result = converge(exo)
    assert result['app_id'] == 'app-1' and result['service_principal_id'] == 'sp-1'
    assert 'state' not in result['changes'] and 'service_principal' not in result['changes']
    assert result['changes']['exchange_permission'] == {'before': False, 'after': True}
    assert len(exo.warnings) == 1 and 'already existed when this run created it' in exo.warnings[0]


def test_a_refusal_names_the_permissions_owners_and_delegated_consent_need():
    graph = FakeGraph()
    graph.permissions = ('Application.ReadWrite.All',)
    graph.get = lambda path, query=None: (
        {'id': 'user-1', 'userPrincipalName': 'alice@contoso.com'} if path.startswith('users/') else
        FakeGraph.get(graph, path, query))
    converge(FakeExo(graph, check_mode=True, owners=['alice@contoso.com'], api_permissions=[]))
    assert graph.permissions == ('Application.ReadWrite.All', 'User.Read.All')


def test_the_drift_report_reads_a_registration_check_mode_would_create():
    """The report reads exo_app_registration's changes like any module's (the strings it had failed it)."""
    result = converge(FakeExo(FakeGraph(), check_mode=True))
    registration = build_report([{'kind': 'app_registration', 'result': result}])['objects'][0]
    assert registration['status'] == 'to_create'
    rows = dict((row['name'], row) for row in registration['properties'])
    assert rows['state']['after'] == 'present' and rows['directory_roles']['added'] == ['Exchange Administrator']
    assert rows['exchange_permission']['before'] is False and rows['exchange_permission']['after'] is True


EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de'


class ExistingGraph(FakeGraph):
    """An application that exists with its service principal, consent and role; PATCHes are recorded (or refused)."""

    def __init__(self, audience=None, identifier_uris=(), refuse=None):
        super().__init__()
        self.app = {'id': 'obj-1', 'appId': 'app-1', 'displayName': 'Sync', 'keyCredentials': [],
                    'passwordCredentials': [], 'identifierUris': list(identifier_uris),
                    'requiredResourceAccess': required_resource_access([], True)}
        if audience:
            self.app['signInAudience'] = audience
        self.refuse = refuse

    def list(self, path, query=None):
        if path == 'applications':
            return [self.app]
        if path.endswith('/appRoleAssignments'):
            return [{'id': 'a-1', 'resourceId': 'exchange-sp', 'appRoleId': MANAGE_AS_APP_ROLE_ID}]
        if path.startswith('roleManagement'):
            return [{'id': 'r-1', 'roleDefinitionId': EXCHANGE_ADMIN, 'directoryScopeId': '/'}]
        return []

    def get(self, path, query=None):
        if path == 'applications/obj-1':
            return self.app
        if path == "servicePrincipals(appId='app-1')":
            return {'id': 'sp-1', 'appId': 'app-1'}
        return FakeGraph.get(self, path, query)

    def patch(self, path, body):
        self.writes.append(('PATCH', path, body))
        if self.refuse:
            raise GraphError('Microsoft Graph PATCH /v1.0/%s: HTTP 400 HostNameNotOnVerifiedDomain: %s' % (path, self.refuse),
                             code='HostNameNotOnVerifiedDomain', status=400)


def test_an_application_without_an_audience_is_single_tenant():
    assert current_audience({'signInAudience': 'AzureADMultipleOrgs'}) == 'AzureADMultipleOrgs'
    assert current_audience({}) == current_audience(None) == 'AzureADMyOrg'


@pytest.mark.parametrize('check_mode', [False, True])
def test_the_audience_changes_in_one_patch_with_before_and_after(check_mode):
    graph = ExistingGraph()
    result = converge(FakeExo(graph, check_mode=check_mode, sign_in_audience='AzureADMultipleOrgs'))
    assert result['changed'] and result['sign_in_audience'] == 'AzureADMultipleOrgs'
    assert result['changes'] == {'sign_in_audience': {'before': 'AzureADMyOrg', 'after': 'AzureADMultipleOrgs'}}
    assert result['diff']['before']['sign_in_audience'] == 'AzureADMyOrg'
    assert result['diff']['after']['sign_in_audience'] == 'AzureADMultipleOrgs'
    assert graph.writes == ([] if check_mode else [('PATCH', 'applications/obj-1', {'signInAudience': 'AzureADMultipleOrgs'})])


def test_the_audience_held_changes_nothing_and_unmanaged_is_left_alone():
    graph = ExistingGraph(audience='AzureADMultipleOrgs')
    result = converge(FakeExo(graph, sign_in_audience='AzureADMultipleOrgs'))
    assert not result['changed'] and result['changes'] == {} and graph.writes == []
    result = converge(FakeExo(graph))
    assert not result['changed'] and 'sign_in_audience' not in result and graph.writes == []


def test_a_new_application_is_created_with_the_audience():
    graph = FakeGraph()
    bodies = []
    upsert = graph.upsert
    graph.upsert = lambda path, body: bodies.append(body) or upsert(path, body)
    result = converge(FakeExo(graph, sign_in_audience='AzureADMultipleOrgs'))
    assert bodies[0]['signInAudience'] == 'AzureADMultipleOrgs'
    assert result['changes']['sign_in_audience'] == {'before': None, 'after': 'AzureADMultipleOrgs'}
    converge(FakeExo(graph))
    assert bodies[1]['signInAudience'] == 'AzureADMyOrg'


def test_back_to_single_tenant_warns_that_customer_tenants_lose_it():
    exo = FakeExo(ExistingGraph(audience='AzureADMultipleOrgs'), sign_in_audience='AzureADMyOrg')
    result = converge(exo)
    assert result['changes'] == {'sign_in_audience': {'before': 'AzureADMultipleOrgs', 'after': 'AzureADMyOrg'}}
    assert len(exo.warnings) == 1 and 'can no longer sign in to them' in exo.warnings[0]


def test_a_refused_audience_names_the_option_the_value_and_the_identifier_uris():
    graph = ExistingGraph(identifier_uris=['api://sync'], refuse="Values of identifierUris property must use a "
                          "verified domain of the organization or its subdomain: 'api://sync'")
    with pytest.raises(AssertionError) as failure:
        converge(FakeExo(graph, sign_in_audience='AzureADMultipleOrgs', directory_roles=['Exchange Administrator']))
    message = str(failure.value)
    assert message.startswith("sign_in_audience: Microsoft Graph refused 'AzureADMultipleOrgs' for application 'Sync'")
    assert 'identifierUris (now api://sync)' in message and 'api://app-1' in message
    assert message.endswith('The application was not changed.')
    # Another refusal of the same PATCH is not the audience's.
    assert 'requestedAccessTokenVersion' not in audience_refused(graph.app, 'AzureADMyOrg', 'x')


def test_another_error_of_the_patch_is_raised_as_it_is():
    graph = ExistingGraph(refuse='boom')
    with pytest.raises(GraphError):
        converge(FakeExo(graph, display_name='Renamed'))
