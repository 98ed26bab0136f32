# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.folder_permissions import (
    ROLES,
    FolderPermissionError,
    calendar_option,
    check_options,
    check_sharing_flags,
    entry_parameters,
    entry_row,
    flags_from_service,
    folder_identity,
    folder_listing,
    listed_folders,
    parse_access_rights,
    parse_sharing_flags,
    path_segments,
    pick_folder,
    rights_from_service,
    show_rights,
    special_user,
    split_folder,
    within,
)


def test_a_role_and_its_rights_are_the_same_set():
    assert parse_access_rights(['Reviewer']) == parse_access_rights(['ReadItems', 'FolderVisible'])
    assert rights_from_service(['Reviewer']) == rights_from_service('FolderVisible, ReadItems')
    assert parse_access_rights(['editor']) == rights_from_service(['Editor'])


def test_rights_are_shown_as_a_role_when_they_equal_one():
    assert show_rights(parse_access_rights(['ReadItems', 'FolderVisible'])) == ['Reviewer']
    assert show_rights(parse_access_rights(['ReadItems', 'CreateItems'])) == ['CreateItems', 'ReadItems']
    assert show_rights(ROLES['AvailabilityOnly']) == ['AvailabilityOnly']
    assert show_rights(frozenset()) == []


def test_no_rights_from_the_service_is_the_role_none():
    assert show_rights(rights_from_service(None)) == ['None']
    assert show_rights(rights_from_service([])) == ['None']
    assert rights_from_service(['None']) == parse_access_rights(['FolderVisible'])


def test_unknown_service_rights_never_equal_a_desired_set():
    assert rights_from_service(['Reviewer', 'FreeBusyTimeOnly']) != parse_access_rights(['Reviewer'])


@pytest.mark.parametrize('values, text', [
    (['ReadEverything'], "access_rights: 'ReadEverything' is neither a folder permission role"),
    ([], 'access_rights: give one role or at least one individual right'),
    (['Reviewer', 'CreateItems'], "access_rights: the role 'Reviewer' cannot be combined with other rights (CreateItems)"),
])
def test_bad_rights_name_the_option_and_the_value(values, text):
    with pytest.raises(FolderPermissionError) as caught:
        parse_access_rights(values)
    assert text in str(caught.value)


def test_sharing_flags_from_lists_and_strings():
    assert flags_from_service('Delegate, CanViewPrivateItems') == {'Delegate', 'CanViewPrivateItems'}
    assert flags_from_service(None) == frozenset() == flags_from_service('None')
    assert parse_sharing_flags(['None']) == frozenset()
    assert parse_sharing_flags(['Delegate']) == {'Delegate'}


def test_sharing_flag_rules():
    editor = ROLES['Editor']
    assert check_sharing_flags(frozenset(), ROLES['Reviewer'], 'Default') is None
    assert check_sharing_flags({'Delegate', 'CanViewPrivateItems'}, editor, 'alice@contoso.com') is None
    assert 'needs access_rights \'Editor\', not \'Reviewer\'' in check_sharing_flags(
        {'Delegate'}, ROLES['Reviewer'], 'alice@contoso.com')
    assert "needs 'Delegate'" in check_sharing_flags({'CanViewPrivateItems'}, editor, 'alice@contoso.com')
    assert 'cannot be given to Default' in check_sharing_flags({'Delegate'}, editor, 'Default')


def test_special_users_in_any_case():
    assert special_user('default') == 'Default'
    assert special_user(' ANONYMOUS ') == 'Anonymous'
    assert special_user('alice') is None


@pytest.mark.parametrize('text, expected', [
    ('calendar', ('Calendar', [])),
    ('sent_items', ('SentItems', [])),
    ('inbox/Projects', ('Inbox', ['Projects'])),
    # Exchange compares folder names without case: a capitalised well-known name is that folder.
    ('Inbox/Projects', ('Inbox', ['Projects'])),
    ('Calendar', ('Calendar', [])),
    ('SENT_ITEMS', ('SentItems', [])),
    ('\\Inbox\\Projects\\', ('Inbox', ['Projects'])),
    ('\\Projects\\2026', (None, ['Projects', '2026'])),
    ('Kalender', (None, ['Kalender'])),
])
def test_split_folder(text, expected):
    assert split_folder(text) == expected


def test_empty_folder_is_refused():
    with pytest.raises(FolderPermissionError) as caught:
        split_folder(' / ')
    assert "folder: ' / ' is not a folder" in str(caught.value)


def test_folder_paths_and_identities():
    assert path_segments('/Inbox/Projects') == ['Inbox', 'Projects']
    assert path_segments('/') == []
    assert path_segments(u'/Inbox/A\uf8ffB') == ['Inbox', 'A/B']
    assert folder_identity('jonas@contoso.com', ['Kalender']) == 'jonas@contoso.com:\\Kalender'
    assert folder_identity('a@contoso.com', ['Inbox', 'Projects']) == 'a@contoso.com:\\Inbox\\Projects'


def test_pick_folder_prefers_the_type_then_the_shallowest():
    rows = [{'FolderPath': '/Kalender/Geburtstage', 'FolderType': 'User Created'},
            {'FolderPath': '/Kalender', 'FolderType': 'Calendar'}]
    assert pick_folder(rows, 'Calendar')['FolderPath'] == '/Kalender'
    assert pick_folder(rows[:1] + [{'FolderPath': '/Kalender/A/B', 'FolderType': 'x'}],
                       'Calendar')['FolderPath'] == '/Kalender/Geburtstage'
    assert pick_folder([], 'Calendar') is None


def test_within():
    assert within(['Kalender'], ['kalender'])
    assert within(['Kalender', 'Team'], ['Kalender'])
    assert not within(['Inbox'], ['Kalender'])
    assert not within([], ['Kalender'])


def options(**values):
    params = dict(folder='calendar', user='alice', access_rights=['Reviewer'], sharing_permission_flags=None,
                  send_notification_to_user=False, state='present')
    params.update(values)
    return params


def test_the_options_are_parsed_and_their_combinations_checked_before_anything_is_read():
    assert check_options(options(folder='inbox/Projects')) == ('Inbox', ['Projects'], ROLES['Reviewer'], None)
    with pytest.raises(ValueError, match="sharing_permission_flags: 'Delegate' needs access_rights 'Editor'"):
        check_options(options(sharing_permission_flags=['Delegate']))
    with pytest.raises(ValueError, match='send_notification_to_user: true cannot be combined with state: absent'):
        check_options(options(access_rights=None, state='absent', send_notification_to_user=True))


def test_calendar_only_options_and_the_parameters_of_an_entry():
    assert calendar_option(ROLES['Editor'], frozenset(['Delegate']), False) == 'sharing_permission_flags'
    assert calendar_option(ROLES['AvailabilityOnly'], None, False) == 'access_rights'
    assert calendar_option(ROLES['Reviewer'], None, True) == 'send_notification_to_user'
    assert calendar_option(ROLES['Reviewer'], None, False) is None
    want = entry_row(ROLES['Editor'], frozenset())
    assert entry_parameters('f', 'u', want, True, False) == {'Identity': 'f', 'User': 'u', 'AccessRights': ['Editor'],
                                                             'Confirm': False, 'SharingPermissionFlags': ['None']}
    assert entry_row(None, frozenset(['Delegate'])) == {'AccessRights': None, 'SharingPermissionFlags': None}


def test_listed_folders_are_every_folder_a_person_can_hold_or_the_one_named():
    rows = [{'FolderPath': '/', 'FolderType': 'Root'}, {'FolderPath': '/Kalender', 'FolderType': 'Calendar'},
            {'FolderPath': '/Inbox/A\uf8ffB', 'FolderType': 'User Created'},
            {'FolderPath': '/Recoverable Items/Deletions', 'FolderType': 'RecoverableItemsDeletions'},
            {'FolderPath': '/Sync Issues', 'FolderType': 'SyncIssues'}]
    assert listed_folders('jonas', None, rows) == ['jonas:\\', 'jonas:\\Kalender', 'jonas:\\Inbox\\A/B']
    assert listed_folders('jonas', 'calendar/Team', rows[1:2]) == ['jonas:\\Kalender\\Team']
    assert folder_listing('jonas', None) == ('Get-MailboxFolderStatistics', {'Identity': 'jonas', 'FolderScope': 'All'})
    assert folder_listing('jonas', 'calendar')[1]['FolderScope'] == 'Calendar'
