# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import (
    MailboxInputError,
    after_row,
    alias_from,
    check_options,
    new_mailbox,
    plan_mailbox,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import mailbox_facts
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

ALICE = {
    'Name': 'alice', 'Alias': 'alice', 'DisplayName': 'Alice Adams', 'RecipientTypeDetails': 'UserMailbox',
    'PrimarySmtpAddress': 'alice@contoso.com',
    'EmailAddresses': ['SMTP:alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com',
                       'smtp:alice@legacy.contoso.example', 'SIP:alice@contoso.com', 'X500:/o=x/cn=alice'],
    'HiddenFromAddressListsEnabled': False, 'LitigationHoldEnabled': False,
    'LitigationHoldDuration': 'Unlimited', 'LitigationHoldOwner': '',
    'ForwardingSmtpAddress': 'smtp:Fwd@Example.com', 'DeliverToMailboxAndForward': False,
    'CustomAttribute1': 'sales', 'CustomAttribute2': '', 'ResourceCapacity': None,
}


def options(**given):
    return check_options(given)


def test_facts_carry_type_and_litigation_hold_as_the_module_takes_them():
    facts = mailbox_facts(dict(ALICE, LitigationHoldEnabled=True, LitigationHoldDuration='365.00:00:00',
                               LitigationHoldOwner='Legal', RecipientTypeDetails='RoomMailbox',
                               ResourceCapacity=8))
    assert facts['type'] == 'room'
    assert facts['resource_capacity'] == 8
    assert facts['litigation_hold'] == {'enabled': True, 'duration_days': 365, 'owner': 'Legal'}
    assert mailbox_facts(ALICE)['litigation_hold']['duration_days'] is None
    assert mailbox_facts(dict(ALICE, RecipientTypeDetails='SchedulingMailbox'))['type'] is None


def test_nothing_given_is_no_change():
    plan = plan_mailbox(ALICE, options())
    assert not plan.changed and plan.changes == {} and plan.settings == {}


def test_same_values_in_exchange_spelling_are_no_change():
    plan = plan_mailbox(ALICE, options(
        type='regular', display_name='Alice Adams', forwarding_smtp_address='FWD@example.COM',
        email_addresses=['ALICE@contoso.com', 'smtp:alice@CONTOSO.onmicrosoft.com'],
        custom_attributes={1: 'sales', '2': None}, hidden_from_address_lists=False,
        litigation_hold={'enabled': False, 'duration_days': None, 'owner': None}))
    assert not plan.changed, plan.settings


def test_changes_become_one_set_mailbox_call_and_a_predicted_row():
    plan = plan_mailbox(ALICE, options(
        type='shared', display_name='Alice (left)', hidden_from_address_lists=True,
        custom_attributes={'1': '', 3: 'leaver'}, forwarding_smtp_address='',
        litigation_hold={'enabled': True, 'duration_days': 3650, 'owner': 'Legal'},
        email_addresses=['SMTP:alice.adams@contoso.com'], excluded_domains=['legacy.contoso.example']))
    assert plan.type_change == 'Shared'
    assert plan.settings == {
        'DisplayName': 'Alice (left)', 'HiddenFromAddressListsEnabled': True,
        # Cleared with $null (JSON null), as Microsoft documents, not with an empty string.
        'ForwardingSmtpAddress': CLEAR, 'CustomAttribute1': CLEAR, 'CustomAttribute3': 'leaver',
        'LitigationHoldEnabled': True, 'LitigationHoldDuration': 3650, 'LitigationHoldOwner': 'Legal',
        # Only the change, so that an address another run adds or removes meanwhile stays as it left it.
        'EmailAddresses': {'Add': ['SMTP:alice.adams@contoso.com']},
    }
    assert plan.changes['email_addresses'] == {'added': ['SMTP:alice.adams@contoso.com'], 'removed': []}
    assert plan.changes['primary_smtp_address'] == 'alice.adams@contoso.com'
    assert plan.changes['custom_attributes'] == {'1': '', '3': 'leaver'}
    assert plan.added_smtp() == ['alice.adams@contoso.com']

    after = mailbox_facts(after_row(ALICE, plan))
    assert after['type'] == 'shared'
    assert after['primary_smtp_address'] == 'alice.adams@contoso.com'
    assert after['forwarding_smtp_address'] == ''
    assert after['custom_attributes'] == {'3': 'leaver'}
    assert after['litigation_hold'] == {'enabled': True, 'duration_days': 3650, 'owner': 'Legal'}
    assert not plan_mailbox(after_row(ALICE, plan), options(
        type='shared', display_name='Alice (left)', forwarding_smtp_address='',
        litigation_hold={'enabled': True, 'duration_days': 3650, 'owner': 'Legal'},
        email_addresses=['SMTP:alice.adams@contoso.com'], excluded_domains=['legacy.contoso.example'])).changed


def test_exact_keeps_non_smtp_and_excluded_domains():
    # The tenant's onmicrosoft.com address is kept too: Exchange Online requires it.
    plan = plan_mailbox(ALICE, options(email_addresses=['SMTP:alice@contoso.com'], email_addresses_mode='exact',
                                       excluded_domains=['legacy.contoso.example']))
    assert 'EmailAddresses' not in plan.settings and 'email_addresses' not in plan.changes
    plan = plan_mailbox(ALICE, options(email_addresses=['SMTP:alice@contoso.com'], email_addresses_mode='exact'))
    assert plan.changes['email_addresses']['removed'] == ['smtp:alice@legacy.contoso.example']


def test_hold_duration_unlimited_when_omitted_and_owner_unmanaged():
    held = dict(ALICE, LitigationHoldEnabled=True, LitigationHoldDuration='30.00:00:00', LitigationHoldOwner='X')
    plan = plan_mailbox(held, options(litigation_hold={'enabled': True, 'duration_days': None, 'owner': None}))
    assert plan.settings == {'LitigationHoldDuration': 'Unlimited'}
    off = plan_mailbox(held, options(litigation_hold={'enabled': False, 'duration_days': 5, 'owner': 'Y'}))
    assert off.settings == {'LitigationHoldEnabled': False}


@pytest.mark.parametrize('given, message', [
    ({'custom_attributes': {16: 'x'}}, "custom_attributes: '16' is not a custom attribute number"),
    ({'custom_attributes': {'CustomAttribute1': 'x'}}, "custom_attributes: 'CustomAttribute1'"),
    ({'custom_attributes': {1: 'x' * 1025}}, 'custom_attributes: the value of 1 is 1025 characters'),
    # A superscript one is a digit to str.isdigit() but not to int(): a message, not a ValueError.
    ({'custom_attributes': {'\u00b9': 'x'}}, "custom_attributes: '\u00b9' is not a custom attribute number"),
    # Stored with str(), these would become "['a', 'b']", "{'a': 1}" and "True".
    ({'custom_attributes': {2: ['a', 'b']}}, 'custom_attributes: the value of 2 is a list; give text'),
    ({'custom_attributes': {'3': {'a': 1}}}, 'custom_attributes: the value of 3 is a mapping; give text'),
    ({'custom_attributes': {4: True}}, 'custom_attributes: the value of 4 is a boolean; give text'),
    ({'litigation_hold': {'enabled': True, 'duration_days': -1, 'owner': None}}, 'duration_days -1'),
    ({'litigation_hold': {'enabled': True, 'duration_days': None, 'owner': ' '}}, "owner ' '"),
    ({'alias': 'has space'}, "alias: 'has space' is not a valid alias"),
    ({'alias': '.dot'}, "alias: '.dot'"),
    ({'display_name': '  '}, "display_name: '  ' must be 1 to 256"),
    ({'primary_smtp_address': 'nope'}, "primary_smtp_address: 'nope' is not a valid email address"),
    ({'forwarding_smtp_address': 'smtp:x@'}, "forwarding_smtp_address: 'x@' is not a valid"),
    ({'resource_capacity': -2}, 'resource_capacity: -2 must be 0 or more'),
])
def test_bad_options_name_the_option_and_value(given, message):
    with pytest.raises(MailboxInputError) as caught:
        check_options(given)
    assert message in str(caught.value)


@pytest.mark.parametrize('given, message', [
    ({'email_addresses': ['SMTP:a@contoso.com', 'SMTP:b@contoso.com']}, 'more than one primary'),
    ({'email_addresses': ['x@legacy.contoso.example'], 'excluded_domains': ['legacy.contoso.example']},
     "'x@legacy.contoso.example' is in the excluded domain"),
    ({'resource_capacity': 4}, "resource_capacity: 4 applies to room mailboxes only; 'alice@contoso.com' is a "
                               'regular mailbox'),
    ({'resource_capacity': 4, 'type': 'equipment'}, 'is an equipment mailbox'),
    ({'email_addresses': ['smtp:extra%d@contoso.com' % n for n in range(396)]},
     "email_addresses: 396 given would leave alice@contoso.com with 401 proxy addresses, more than Exchange "
     "Online's limit of 400"),
])
def test_impossible_changes_are_refused(given, message):
    with pytest.raises(MailboxInputError) as caught:
        plan_mailbox(ALICE, options(**given))
    assert message in str(caught.value)


def test_exactly_the_proxy_address_limit_is_allowed():
    plan = plan_mailbox(ALICE, options(email_addresses=['smtp:extra%d@contoso.com' % n for n in range(395)]))
    assert len(plan.addresses.addresses) == 400 and len(plan.settings['EmailAddresses']['Add']) == 395


def test_only_exact_sends_the_whole_list_and_a_promoted_secondary_is_added_as_primary():
    exact = plan_mailbox(ALICE, options(email_addresses=['SMTP:alice@contoso.com', 'smtp:alice@contoso.onmicrosoft.com'],
                                        email_addresses_mode='exact'))
    assert isinstance(exact.settings['EmailAddresses'], list)
    assert exact.settings['EmailAddresses'][0] == 'SMTP:alice@contoso.com'
    removed = plan_mailbox(ALICE, options(email_addresses=['alice@legacy.contoso.example'], email_addresses_mode='remove'))
    assert removed.settings['EmailAddresses'] == {'Remove': ['smtp:alice@legacy.contoso.example']}
    promoted = plan_mailbox(ALICE, options(primary_smtp_address='alice@contoso.onmicrosoft.com'))
    assert promoted.settings['EmailAddresses'] == {'Add': ['SMTP:alice@contoso.onmicrosoft.com']}
    assert mailbox_facts(after_row(ALICE, promoted))['primary_smtp_address'] == 'alice@contoso.onmicrosoft.com'


def test_resource_capacity_follows_a_conversion_to_room():
    plan = plan_mailbox(ALICE, options(type='room', resource_capacity=10))
    assert plan.type_change == 'Room' and plan.settings == {'ResourceCapacity': 10}


def test_new_shared_mailbox_from_an_address_identity():
    parameters, row = new_mailbox('Sales-EU@contoso.com', options(type='shared'), 'contoso.onmicrosoft.com')
    assert parameters == {'Name': 'Sales-EU', 'Alias': 'Sales-EU', 'DisplayName': 'Sales-EU',
                          'PrimarySmtpAddress': 'Sales-EU@contoso.com', 'Shared': True}
    assert row['EmailAddresses'] == ['SMTP:Sales-EU@contoso.com', 'smtp:Sales-EU@contoso.onmicrosoft.com']
    assert mailbox_facts(row)['type'] == 'shared'


def test_new_room_from_a_name_with_its_primary_in_email_addresses():
    parameters, row = new_mailbox('Oslo 4', options(type='room', email_addresses=['SMTP:oslo4@contoso.com']),
                                  'tenant-guid-not-a-domain')
    assert parameters['Name'] == 'Oslo 4' and parameters['Alias'] == 'Oslo4' and parameters['Room'] is True
    assert row['EmailAddresses'] == ['SMTP:oslo4@contoso.com']


@pytest.mark.parametrize('identity, given, message', [
    ('new@contoso.com', {'type': 'regular'}, 'user mailboxes come from licensing'),
    ('new@contoso.com', {}, 'give type shared, room or equipment'),
    ('Room Without Address', {'type': 'room'}, 'primary_smtp_address:'),
    ('new@contoso.com', {'type': 'shared', 'name': 'n' * 65}, 'name:'),
])
def test_new_mailbox_refusals(identity, given, message):
    with pytest.raises(MailboxInputError) as caught:
        new_mailbox(identity, options(**given))
    assert message in str(caught.value)


def test_alias_from_a_name():
    assert alias_from('Sales & Marketing (EU)') == 'Sales&MarketingEU'
    assert alias_from('.a..b.') == 'a.b'


# -- archive, retention, sent-item copies, internal forwarding and quotas ---------------------

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import (  # noqa: E402
    UNLIMITED,
    forwarding_target,
    quota_bytes,
    quota_text,
    shown_changes,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import Recipient  # noqa: E402

QUOTAS = {'ProhibitSendQuota': '49.5 GB (53,150,220,288 bytes)', 'ProhibitSendReceiveQuota': '50 GB (53,687,091,200 bytes)',
          'IssueWarningQuota': '49 GB (52,613,349,376 bytes)', 'RetentionPolicy': 'Default MRM Policy',
          'RetainDeletedItemsFor': '14.00:00:00', 'ArchiveStatus': 'None', 'ArchiveDatabase': None,
          'ArchiveGuid': '00000000-0000-0000-0000-000000000000', 'AutoExpandingArchiveEnabled': False,
          'MessageCopyForSentAsEnabled': False, 'MessageCopyForSendOnBehalfEnabled': False, 'ForwardingAddress': None}
BOB = dict(ALICE, **QUOTAS)


def test_quotas_are_read_in_any_exchange_spelling_and_shown_as_exchange_shows_them():
    assert quota_bytes('49 GB (52,613,349,376 bytes)') == quota_bytes('49gb') == quota_bytes(' 52613349376 ') == 52613349376
    assert quota_bytes('1.5 MB') == 1572864 and quota_bytes('Unlimited') == UNLIMITED and quota_bytes(None) is None
    assert quota_text(53150220288) == '49.5 GB (53,150,220,288 bytes)'
    assert quota_text(1000) == '1000 B (1,000 bytes)' and quota_text(UNLIMITED) == 'Unlimited'
    with pytest.raises(ValueError):
        quota_bytes('lots')


def test_the_same_settings_in_other_spellings_are_no_change():
    plan = plan_mailbox(BOB, options(prohibit_send_quota='53150220288', issue_warning_quota='49 gb',
                                     retention_policy='default mrm policy', retain_deleted_items_for=14,
                                     message_copy_for_sent_as_enabled=False, archive=False,
                                     auto_expanding_archive=False))
    assert not plan.changed, plan.settings


def test_lower_quotas_a_policy_and_retention_go_in_the_one_set_call_and_are_predicted():
    plan = plan_mailbox(BOB, options(prohibit_send_quota='45 GB', retention_policy='Leavers 7 Years',
                                     retain_deleted_items_for=30, message_copy_for_send_on_behalf_enabled=True))
    assert plan.settings == {'ProhibitSendQuota': '45 GB', 'RetentionPolicy': 'Leavers 7 Years',
                             'RetainDeletedItemsFor': '30.00:00:00', 'MessageCopyForSendOnBehalfEnabled': True}
    assert plan.changes['prohibit_send_quota'] == '45 GB (48,318,382,080 bytes)'
    assert plan.changes['retain_deleted_items_for'] == 30
    facts = mailbox_facts(after_row(BOB, plan))
    assert facts['prohibit_send_quota'] == '45 GB (48,318,382,080 bytes)'
    assert (facts['retention_policy'], facts['retain_deleted_items_for']) == ('Leavers 7 Years', 30)
    assert facts['message_copy_for_send_on_behalf_enabled'] is True
    assert plan.steps('k') == [[('Set-Mailbox', dict(plan.settings, Identity='k'))]]


def test_an_empty_retention_policy_takes_the_mailboxs_own_away_with_null():
    plan = plan_mailbox(BOB, options(retention_policy=''))
    assert plan.settings == {'RetentionPolicy': CLEAR}
    assert mailbox_facts(after_row(BOB, plan))['retention_policy'] == ''


@pytest.mark.parametrize('given, message', [
    (dict(retain_deleted_items_for=31), "retain_deleted_items_for: 31 must be 0 to 30 days"),
    (dict(retain_deleted_items_for=-1), "retain_deleted_items_for: -1 must be 0 to 30 days"),
    (dict(issue_warning_quota='lots'), "issue_warning_quota: 'lots' is not a size"),
    (dict(prohibit_send_quota=''), "prohibit_send_quota: '' is not a size"),
])
def test_impossible_retention_and_quota_values_are_refused_naming_the_option(given, message):
    with pytest.raises(MailboxInputError, match=message):
        options(**given)


def test_a_real_zero_retention_reads_as_zero_days():
    assert mailbox_facts(dict(BOB, RetainDeletedItemsFor='00:00:00'))['retain_deleted_items_for'] == 0


def test_archive_then_auto_expanding_archive_go_after_the_settings_in_order():
    plan = plan_mailbox(BOB, options(archive=True, auto_expanding_archive=True, hidden_from_address_lists=True))
    assert plan.steps('k') == [[('Set-Mailbox', {'Identity': 'k', 'HiddenFromAddressListsEnabled': True})],
                               [('Enable-Mailbox', {'Identity': 'k', 'Archive': True})],
                               [('Enable-Mailbox', {'Identity': 'k', 'AutoExpandingArchive': True})]]
    assert plan.changes['archive'] is True and plan.changes['auto_expanding_archive'] is True
    facts = mailbox_facts(after_row(BOB, plan))
    assert facts['archive'] and facts['auto_expanding_archive']


ARCHIVED = dict(BOB, ArchiveStatus='Active', ArchiveDatabase='DB2', ArchiveGuid='a-guid', AutoExpandingArchiveEnabled=True)


def test_an_archive_reads_as_on_by_its_status_or_by_its_guid_and_database():
    assert mailbox_facts(ARCHIVED)['archive']
    assert mailbox_facts(dict(ARCHIVED, ArchiveStatus='None'))['archive'], 'status not updated yet'
    assert not mailbox_facts(dict(ARCHIVED, ArchiveStatus='None', ArchiveDatabase=None))['archive'], 'disabled, guid kept'


def test_disabling_an_archive_needs_the_confirmation_and_auto_expanding_cannot_be_turned_off():
    with pytest.raises(MailboxInputError, match="archive: false would disable the archive of 'alice@contoso.com'; its "
                                                "content is deleted.*archive_disable_confirm: true"):
        plan_mailbox(ARCHIVED, options(archive=False))
    plan = plan_mailbox(ARCHIVED, options(archive=False, archive_disable_confirm=True))
    assert plan.steps('k') == [[('Disable-Mailbox', {'Identity': 'k', 'Archive': True, 'Confirm': False})]]
    assert not mailbox_facts(after_row(ARCHIVED, plan))['archive']
    with pytest.raises(MailboxInputError, match="auto_expanding_archive: false cannot be applied to 'alice@contoso.com'"):
        plan_mailbox(ARCHIVED, options(auto_expanding_archive=False))
    assert not plan_mailbox(BOB, options(auto_expanding_archive=False, archive=False)).changed, 'off and asked off'
    with pytest.raises(MailboxInputError, match="auto_expanding_archive: true needs an archive"):
        plan_mailbox(BOB, options(auto_expanding_archive=True))
    with pytest.raises(MailboxInputError, match="auto_expanding_archive: true needs an archive"):
        plan_mailbox(dict(ARCHIVED, AutoExpandingArchiveEnabled=False),
                     options(auto_expanding_archive=True, archive=False, archive_disable_confirm=True))


class Resolver(object):
    """A RecipientResolver stand-in: names -> rows."""

    def __init__(self, **rows):
        self.rows = dict((name.lower(), Recipient(row)) for name, row in rows.items())

    def resolve_all(self, option, identities, for_new_object=False):
        found = self.rows.get(identities[0].lower())
        if found is None:
            raise MailboxInputError("%s: '%s' was not found" % (option, identities[0]))
        return {found.key: found}

    def identify(self, label):
        return self.rows.get(label.lower())


def test_internal_forwarding_is_compared_by_recipient_whatever_the_spelling():
    carol = {'Guid': 'carol-guid', 'Name': 'carol', 'PrimarySmtpAddress': 'carol@contoso.com'}
    resolver = Resolver(carol=carol, **{'carol@contoso.com': carol, 'dave': {'Guid': 'dave-guid', 'Name': 'dave'}})
    target = forwarding_target(resolver, 'carol@contoso.com', dict(BOB, ForwardingAddress='carol'))
    assert target.same and not plan_mailbox(BOB, dict(options(), forwarding_address=target)).changed
    target = forwarding_target(resolver, 'carol@contoso.com', dict(BOB, ForwardingAddress='dave'))
    plan = plan_mailbox(BOB, dict(options(), forwarding_address=target))
    assert plan.settings == {'ForwardingAddress': 'carol-guid'} and plan.changes == {'forwarding_address': 'carol'}
    assert mailbox_facts(after_row(BOB, plan))['forwarding_address'] == 'carol'
    cleared = forwarding_target(resolver, '', dict(BOB, ForwardingAddress='dave'))
    assert plan_mailbox(BOB, dict(options(), forwarding_address=cleared)).settings == {'ForwardingAddress': CLEAR}
    assert forwarding_target(resolver, '', BOB).same, 'nothing to clear'
    with pytest.raises(MailboxInputError, match="mailboxes.0..forwarding_address: 'nobody' was not found"):
        forwarding_target(resolver, 'nobody', BOB, 'mailboxes[0].forwarding_address')


def test_changes_show_before_and_after_and_a_creation_its_names_and_state():
    facts = mailbox_facts(BOB)
    plan = plan_mailbox(BOB, options(prohibit_send_quota='45 GB', archive=True))
    shown = shown_changes(facts, plan.changes)
    assert shown == {'prohibit_send_quota': {'before': '49.5 GB (53,150,220,288 bytes)', 'after': '45 GB (48,318,382,080 bytes)'},
                     'archive': {'before': False, 'after': True}}
    parameters, row = new_mailbox('team@contoso.com', options(type='shared'))
    shown = shown_changes({}, {}, (parameters, plan_mailbox(row, options(archive=True)), 'shared'))
    assert shown['state'] == {'before': 'absent', 'after': 'present'} and shown['archive']['after'] is True
