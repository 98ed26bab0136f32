"""The pure parts of the app-registration engine: the Exchange permission request."""

from ansible_collections.mailops.exchange.plugins.module_utils.app_registration import (
    EXCHANGE_APP_ID, MANAGE_AS_APP_ROLE_ID, has_exchange_permission, no_changes, required_resource_access, unique_name)

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


def test_no_changes_has_every_key_the_module_documents():
    assert sorted(no_changes()) == ['application', 'certificate_files', 'certificates', 'client_secret',
                                    'directory_roles', 'exchange_permission', 'service_principal']


def test_one_unique_name_per_display_name_whatever_its_case():
    assert unique_name('Identity sync') == unique_name('IDENTITY SYNC')
    assert unique_name('Identity sync') != unique_name('Identity sync 2')
    assert unique_name('Identity sync').startswith('mailops-exchange-') and len(unique_name('x')) == 57
