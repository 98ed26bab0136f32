# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant's facts as desired-state entries: identities as primary addresses, managed options
only, defaults left out, stable order and text."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.mailops.exchange.plugins.module_utils.engine import data_file
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import CalendarSettings, CasMailboxes
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import state_export as export
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import mailbox_facts

ROOT = Path(__file__).resolve().parents[4]


def mailbox_row(**extra):
    addresses = ['SMTP:sales@contoso.com', 'smtp:sales@contoso.onmicrosoft.com', 'X500:/o=ExchangeLabs/cn=sales']
    row = dict(Identity='Sales Team', Name='sales', DisplayName='Sales Team', Alias='sales', RecipientTypeDetails='SharedMailbox',
               PrimarySmtpAddress='sales@contoso.com', EmailAddresses=addresses)
    row.update(extra)
    return row


def test_a_plain_shared_mailbox_has_only_what_is_not_a_default():
    entry = export.mailbox_entry(mailbox_facts(mailbox_row()), {'full_access': [], 'send_as': [], 'send_on_behalf': []})
    assert entry == {'identity': 'sales@contoso.com', 'type': 'shared', 'name': 'sales', 'display_name': 'Sales Team'}


def test_a_mailbox_with_everything_managed():
    row = mailbox_row(Alias='vertrieb', HiddenFromAddressListsEnabled=True, CustomAttribute10='ten', CustomAttribute2='two',
                      LitigationHoldEnabled=True, LitigationHoldDuration='365.00:00:00', ForwardingSmtpAddress='smtp:out@fabrikam.com',
                      DeliverToMailboxAndForward=True,
                      EmailAddresses=['SMTP:sales@contoso.com', 'smtp:Zed@contoso.com', 'smtp:alpha@contoso.com',
                                      'smtp:sales@contoso.onmicrosoft.com', 'SIP:sales@contoso.com'])
    entry = export.mailbox_entry(mailbox_facts(row), {'full_access': ['bob@contoso.com', 'alice@contoso.com'],
                                                      'send_as': ['alice@contoso.com'], 'send_on_behalf': []})
    assert list(entry) == ['identity', 'type', 'name', 'display_name', 'alias', 'email_addresses', 'email_addresses_mode',
                           'hidden_from_address_lists', 'litigation_hold', 'custom_attributes', 'forwarding_smtp_address',
                           'deliver_to_mailbox_and_forward', 'full_access', 'send_as']
    assert entry['email_addresses'] == ['SMTP:sales@contoso.com', 'alpha@contoso.com', 'Zed@contoso.com']
    assert entry['email_addresses_mode'] == 'exact'
    assert entry['litigation_hold'] == {'enabled': True, 'duration_days': 365}
    assert entry['custom_attributes'] == {2: 'two', 10: 'ten'}
    assert entry['forwarding_smtp_address'] == 'out@fabrikam.com'
    assert entry['full_access'] == ['alice@contoso.com', 'bob@contoso.com']


def test_user_mailboxes_carry_no_name_and_unmanaged_types_are_left_out():
    user = mailbox_row(Name='user0001', DisplayName='User 0001', Alias='user0001', RecipientTypeDetails='UserMailbox',
                       PrimarySmtpAddress='user0001@contoso.com')
    assert export.mailbox_entry(mailbox_facts(user), None) == {'identity': 'user0001@contoso.com', 'type': 'regular',
                                                               'display_name': 'User 0001'}
    assert export.mailbox_entry(mailbox_facts(mailbox_row(RecipientTypeDetails='DiscoveryMailbox')), None) is None


def test_exact_addresses_name_the_primary_only_when_there_are_others():
    assert export.exact_addresses(['SMTP:a@contoso.com', 'smtp:a@contoso.onmicrosoft.com', 'X500:/o=x']) == []
    assert export.exact_addresses(['smtp:b@contoso.com', 'SMTP:a@contoso.com']) == ['SMTP:a@contoso.com', 'b@contoso.com']


def group_facts(**extra):
    facts = dict(identity='project-x', name='project-x', alias='project-x', display_name='Project X',
                 primary_smtp_address='project-x@contoso.com', email_addresses=['SMTP:project-x@contoso.com'],
                 type='distribution', hidden_from_address_lists=False, require_sender_authentication=True,
                 member_join_restriction='closed', member_depart_restriction='open', moderation_enabled=False,
                 send_moderation_notifications='always', hidden_group_membership=False, custom_attributes={},
                 managed_by=['alice@contoso.com'], moderated_by=[], bypass_moderation_from_senders_or_members=[],
                 accept_messages_only_from_senders_or_members=[], reject_messages_from_senders_or_members=[],
                 grant_send_on_behalf_to=[], members=['carol@contoso.com', 'alice@contoso.com'])
    facts.update(extra)
    return facts


def test_a_group_leaves_out_exchange_defaults():
    assert export.group_entry(group_facts()) == {'name': 'project-x@contoso.com', 'display_name': 'Project X',
                                                 'managed_by': ['alice@contoso.com'],
                                                 'members': ['alice@contoso.com', 'carol@contoso.com']}
    entry = export.group_entry(group_facts(type='security', require_sender_authentication=False, alias='px',
                                           member_join_restriction='approval_required', notes='the project'))
    assert entry['type'] == 'security' and entry['require_sender_authentication'] is False
    assert entry['alias'] == 'px' and entry['member_join_restriction'] == 'approval_required'
    assert entry['notes'] == 'the project'


def test_a_unified_group_with_its_links():
    facts = dict(name='ds', alias='ds', display_name='DS', primary_smtp_address='ds@contoso.com', access_type='private',
                 accept_external_senders=False, auto_subscribe_new_members=False, hidden_from_address_lists=False,
                 language='en-US', notes='', custom_attributes={'3': 'x'},
                 email_addresses=['SMTP:ds@contoso.com', 'smtp:ds@contoso.onmicrosoft.com'],
                 members=['bob@contoso.com'], owners=['bob@contoso.com'], subscribers=[])
    assert export.unified_group_entry(facts) == {'group': 'ds@contoso.com', 'display_name': 'DS', 'access_type': 'private',
                                                 'language': 'en-US', 'custom_attributes': {3: 'x'},
                                                 'members': ['bob@contoso.com'], 'owners': ['bob@contoso.com']}


def test_a_dynamic_group_keeps_its_filter_or_its_precanned_recipients():
    facts = dict(name='All shared', alias='Allshared', display_name='All shared', primary_smtp_address='Allshared@contoso.com',
                 recipient_filter="RecipientTypeDetails -eq 'SharedMailbox'", included_recipients=[], conditional_company=[],
                 recipient_container='contoso.onmicrosoft.com', managed_by='', notes='', hidden_from_address_lists=False)
    assert export.dynamic_group_entry(facts) == {'group': 'Allshared@contoso.com', 'recipient_filter': facts['recipient_filter'],
                                                 'display_name': 'All shared', 'recipient_container': 'contoso.onmicrosoft.com'}
    precanned = dict(facts, included_recipients=['MailboxUsers'], conditional_company=['Contoso'])
    entry = export.dynamic_group_entry(precanned)
    assert 'recipient_filter' not in entry
    assert entry['included_recipients'] == ['MailboxUsers'] and entry['conditional_company'] == ['Contoso']


def test_contacts_and_mail_users_never_carry_a_password():
    contact = dict(name='Ann Beebe', display_name='Ann Beebe', alias='ann', primary_smtp_address='ann@fabrikam.com',
                   external_email_address='ann@fabrikam.com', company='Fabrikam', first_name='', email_addresses=['SMTP:ann@fabrikam.com'],
                   hidden_from_address_lists=False, custom_attributes={})
    assert export.contact_entry(contact) == {'contact': 'ann@fabrikam.com', 'name': 'Ann Beebe', 'external_email_address': 'ann@fabrikam.com',
                                             'display_name': 'Ann Beebe', 'company': 'Fabrikam'}
    user = dict(contact, user_principal_name='ann@contoso.com', initial_password='secret', company='Fabrikam')
    entry = export.mail_user_entry(user)
    assert entry['mail_user'] == 'ann@fabrikam.com' and entry['user_principal_name'] == 'ann@contoso.com'
    assert 'initial_password' not in entry and 'company' not in entry


class PolicyReader(object):
    """What CasMailboxes asks of its module: the organisation's policies, each read counted."""

    def __init__(self):
        self.calls = []

    def invoke(self, cmdlet, parameters):
        self.calls.append(cmdlet)
        names = {'Get-OwaMailboxPolicy': ['OwaMailboxPolicy-Default', 'Frontline Web'],
                 'Get-MobileDeviceMailboxPolicy': ['Default', 'Leavers']}[cmdlet]
        return [{'Name': name, 'IsDefault': index == 0} for index, name in enumerate(names)]


def cas_row(name, **settings):
    row = {'Name': name, 'PrimarySmtpAddress': '%s@contoso.com' % name, 'SmtpClientAuthenticationDisabled': None,
           'OwaMailboxPolicy': 'OwaMailboxPolicy-Default', 'ActiveSyncMailboxPolicy': 'Default'}
    row.update(dict.fromkeys(('OWAEnabled', 'ActiveSyncEnabled', 'ImapEnabled', 'PopEnabled', 'MAPIEnabled', 'EwsEnabled',
                              'OutlookMobileEnabled', 'UniversalOutlookEnabled'), True), **settings)
    return row


def test_client_access_entries_carry_only_what_is_not_the_default():
    reader = PolicyReader()
    listing = CasMailboxes(reader)
    rows = [cas_row('plain'), cas_row('plain2', OwaMailboxPolicy='owamailboxpolicy-default', ActiveSyncMailboxPolicy=None),
            cas_row('leaver', OWAEnabled=False, PopEnabled=False, SmtpClientAuthenticationDisabled=True,
                    ActiveSyncMailboxPolicy='Leavers'),
            cas_row('scanner', SmtpClientAuthenticationDisabled=False, OwaMailboxPolicy='Frontline Web')]
    entries = [export.settings_entry(facts, listing.defaults()) for facts in listing.complete(rows)]
    assert sorted(reader.calls) == ['Get-MobileDeviceMailboxPolicy', 'Get-OwaMailboxPolicy']
    assert entries == [None, None,
                       {'mailbox': 'leaver@contoso.com', 'owa_enabled': False, 'pop_enabled': False,
                        'smtp_client_authentication': 'disabled', 'active_sync_mailbox_policy': 'Leavers'},
                       {'mailbox': 'scanner@contoso.com', 'smtp_client_authentication': 'enabled',
                        'owa_mailbox_policy': 'Frontline Web'}]
    assert list(entries[2]) == ['mailbox', 'owa_enabled', 'pop_enabled', 'smtp_client_authentication', 'active_sync_mailbox_policy']


def test_client_access_policies_are_read_only_when_a_mailbox_names_one():
    reader = PolicyReader()
    listing = CasMailboxes(reader)
    facts = listing.complete([cas_row('a', OwaMailboxPolicy=None, ActiveSyncMailboxPolicy='')])
    assert reader.calls == [] and export.settings_entry(facts[0], listing.defaults()) is None


def test_calendar_processing_entries_carry_only_what_a_new_room_lacks():
    defaults = CalendarSettings.defaults()
    assert defaults['automate_processing'] == 'auto_accept' and defaults['book_in_policy'] == []
    room = dict(defaults, primary_smtp_address='Room-1@contoso.com', name='room-1', additional_response='')
    assert export.settings_entry(room, defaults) is None
    room.update(automate_processing='auto_update', allow_conflicts=True, booking_window_in_days=90, all_book_in_policy=False,
                book_in_policy=['bob@contoso.com', 'alice@contoso.com'], additional_response='Thanks', resource_delegates=[])
    entry = export.settings_entry(room, defaults)
    assert entry == {'mailbox': 'Room-1@contoso.com', 'automate_processing': 'auto_update', 'all_book_in_policy': False,
                     'allow_conflicts': True, 'booking_window_in_days': 90,
                     'book_in_policy': ['alice@contoso.com', 'bob@contoso.com'], 'additional_response': 'Thanks'}
    assert list(entry)[:3] == ['mailbox', 'automate_processing', 'all_book_in_policy']


def test_the_data_file_is_sorted_and_its_text_stable():
    sections = {'groups': [export.group_entry(group_facts(primary_smtp_address='b@contoso.com')),
                           export.group_entry(group_facts(primary_smtp_address='A@contoso.com'))],
                'mailboxes': [None]}
    data = export.data_file(sections)
    assert list(data) == ['schema_version', 'exclusive', 'mailboxes', 'groups']
    assert data['schema_version'] == data_file.SCHEMA_VERSIONS[-1]
    assert [entry['name'] for entry in data['groups']] == ['A@contoso.com', 'b@contoso.com']
    text = export.dump(data, 'The tenant\nline two')
    assert text.startswith('---\n# The tenant\n# line two\n\nschema_version: 1\n\nexclusive:\n')
    assert '\ngroups:\n  - name: A@contoso.com\n' in text
    assert '\n\n  - name: b@contoso.com\n' in text
    assert '    members:\n      - alice@contoso.com\n' in text
    assert yaml.safe_load(text) == data
    assert export.dump(export.data_file(sections), 'The tenant\nline two') == text


def test_a_long_section_is_dumped_a_few_entries_at_a_time_into_the_same_text(monkeypatch):
    """PyYAML holds all it dumps as nodes at once: a long section goes a few entries at a time,
    and the text is the one the whole data file dumped at once gives."""
    facts = [mailbox_facts(mailbox_row(PrimarySmtpAddress='m%02d@contoso.com' % number, CustomAttribute1='one'))
             for number in range(11)]
    sections = {'mailboxes': [export.mailbox_entry(found, {'full_access': ['a@contoso.com', 'b@contoso.com']}) for found in facts],
                'groups': [export.group_entry(group_facts(primary_smtp_address='g@contoso.com'))]}
    data = export.data_file(sections)
    whole = export.dump(data, 'The tenant')
    dumped, dump = [], yaml.dump
    monkeypatch.setattr(export, 'DUMPED_AT_ONCE', 4)
    monkeypatch.setattr(export.yaml, 'dump', lambda value, **kwargs: dumped.append(value) or dump(value, **kwargs))
    assert export.dump(data, 'The tenant') == whole
    assert max(len(value['mailboxes']) for value in dumped if 'mailboxes' in value) == 4
    assert '\n\nmailboxes:\n  - identity: m00@contoso.com\n' in whole and whole.count('\nmailboxes:') == 1
    assert '\n\n  - identity: m04@contoso.com\n' in whole and '    full_access:\n      - a@contoso.com\n' in whole
    assert yaml.safe_load(whole) == data


def test_an_export_of_every_kind_is_a_sound_data_file_for_the_role():
    """Every key the export writes is one the desired_state role's schema knows, with its type."""
    schema = yaml.safe_load((ROOT / 'roles' / 'desired_state' / 'meta' / 'argument_specs.yml').read_text())[
        'argument_specs']['data_file']['options']
    row = mailbox_row(HiddenFromAddressListsEnabled=True, CustomAttribute2='two', LitigationHoldEnabled=True,
                      LitigationHoldDuration='365.00:00:00', LitigationHoldOwner='legal', ForwardingSmtpAddress='smtp:o@f.com',
                      DeliverToMailboxAndForward=True, EmailAddresses=['SMTP:sales@contoso.com', 'smtp:v@contoso.com'],
                      RecipientTypeDetails='RoomMailbox', ResourceCapacity=12, Alias='room')
    unified = dict(name='ds', alias='x', display_name='DS', primary_smtp_address='ds@contoso.com', access_type='private',
                   accept_external_senders=True, auto_subscribe_new_members=True, hidden_from_address_lists=True,
                   language='en-US', notes='n', custom_attributes={'3': 'x'}, email_addresses=['SMTP:ds@contoso.com', 'smtp:d@contoso.com'],
                   members=['bob@contoso.com'], owners=['bob@contoso.com'], subscribers=['bob@contoso.com'])
    dynamic = dict(name='d', alias='dx', display_name='D', primary_smtp_address='d@contoso.com', included_recipients=['MailboxUsers'],
                   conditional_company=['C'], conditional_department=['D'], conditional_state_or_province=['S'],
                   recipient_container='c', managed_by='alice', notes='n', hidden_from_address_lists=True, custom_attributes={'1': 'a'})
    person = dict(name='Ann', display_name='Ann B', alias='annb', primary_smtp_address='ann@fabrikam.com', first_name='Ann',
                  last_name='B', company='F', department='D', title='T', phone='1', office='O', user_principal_name='ann@contoso.com',
                  external_email_address='ann@fabrikam.com', email_addresses=['SMTP:ann@fabrikam.com', 'smtp:a@contoso.com'],
                  hidden_from_address_lists=True, custom_attributes={'1': 'a'})
    group = group_facts(type='security', require_sender_authentication=False, alias='px', member_join_restriction='open',
                        member_depart_restriction='closed', moderation_enabled=True, moderated_by=['bob@contoso.com'],
                        send_moderation_notifications='never', hidden_group_membership=True, hidden_from_address_lists=True,
                        custom_attributes={'4': 'y'}, notes='n', grant_send_on_behalf_to=['bob@contoso.com'],
                        bypass_moderation_from_senders_or_members=['bob@contoso.com'],
                        accept_messages_only_from_senders_or_members=['bob@contoso.com'],
                        reject_messages_from_senders_or_members=['carol@contoso.com'])
    filtered = dict(dynamic, primary_smtp_address='e@contoso.com', included_recipients=[], recipient_filter="Name -like 'a*'")
    # Every setting away from its default (the defaults given as None: every value is written).
    cas = dict((option, False) for option in CasMailboxes(None).defaults() if option.endswith('_enabled'))
    cas.update(smtp_client_authentication='disabled', owa_mailbox_policy='Frontline Web', active_sync_mailbox_policy='Leavers')
    calendar = dict((option, not value if isinstance(value, bool) else value + 1 if isinstance(value, int) else ['bob@contoso.com'])
                    for option, value in CalendarSettings.defaults().items() if value is not None and option != 'automate_processing')
    calendar.update(automate_processing='none', additional_response='Booked')
    data = export.data_file({
        'mailboxes': [export.mailbox_entry(mailbox_facts(row), {'full_access': ['a@contoso.com'], 'send_as': ['a@contoso.com'],
                                                                'send_on_behalf': ['a@contoso.com']})],
        'groups': [export.group_entry(group)], 'unified_groups': [export.unified_group_entry(unified)],
        'dynamic_groups': [export.dynamic_group_entry(dynamic), export.dynamic_group_entry(filtered)],
        'contacts': [export.contact_entry(person)], 'mail_users': [export.mail_user_entry(person)],
        'cas_mailboxes': [export.settings_entry(dict(cas, primary_smtp_address='a@contoso.com'), dict.fromkeys(cas))],
        'calendar_processing': [export.settings_entry(dict(calendar, primary_smtp_address='r@contoso.com'), dict.fromkeys(calendar))]})
    assert len(data['mailboxes'][0]) == 16
    assert len(data['cas_mailboxes'][0]) == 1 + len(cas) and len(data['calendar_processing'][0]) == 1 + len(calendar)
    assert data_file.check_data_file(data, schema)[0] == []
