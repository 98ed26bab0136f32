# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft 365 groups' facts and link plans (module_utils/unified_groups.py), without a server."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.unified_groups import (
    link_steps,
    linkable,
    plan_links,
    unified_group_facts,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import Recipient

ALICE, BOB, CAROL = {'a': 'alice@contoso.com'}, {'b': 'bob@contoso.com'}, {'c': 'carol@contoso.com'}
MODES = {'members': 'present', 'owners': 'present', 'subscribers': 'present'}


def plan(current, wanted, **modes):
    return plan_links(current, wanted, dict(MODES, **modes), 'groups[0].')


def shown(changes):
    return dict((option, change.report()) for option, change in changes.items())


def test_a_new_owner_is_added_as_a_member_first():
    changes = plan({'members': dict(ALICE), 'owners': dict(ALICE)}, {'owners': dict(BOB)})
    assert shown(changes) == {'owners': {'added': ['bob@contoso.com'], 'removed': []},
                              'members': {'added': ['bob@contoso.com'], 'removed': []}}
    calls = [step[0] for step in link_steps('g', changes)]
    assert [(c, p['LinkType'], p['Links']) for c, p in calls] == [
        ('Add-UnifiedGroupLinks', 'Members', ['b']), ('Add-UnifiedGroupLinks', 'Owners', ['b'])]


def test_exact_members_without_a_new_owner_is_refused():
    with pytest.raises(ValueError, match="groups\\[0\\].members: 'bob@contoso.com' would be one of the group's owners but not a member"):
        plan({'members': dict(ALICE), 'owners': dict(ALICE)}, {'members': dict(ALICE), 'owners': dict(BOB, **ALICE)},
             members='exact')


def test_a_member_who_stays_an_owner_cannot_be_removed():
    with pytest.raises(ValueError, match="members: 'alice@contoso.com' would be one of the group's owners"):
        plan({'members': dict(ALICE, **BOB), 'owners': dict(ALICE)}, {'members': dict(ALICE)}, members='absent')


def test_the_last_owner_cannot_be_removed_but_can_be_replaced():
    current = {'members': dict(ALICE, **BOB), 'owners': dict(ALICE)}
    with pytest.raises(ValueError, match='owners: removing alice@contoso.com would leave the group without an owner'):
        plan(current, {'owners': {}}, owners='exact')
    changes = plan(current, {'owners': dict(BOB), 'members': dict(BOB)}, owners='exact', members='exact')
    calls = [step[0] for step in link_steps('g', changes)]
    assert [(c.split('-')[0], p['LinkType'], p['Links']) for c, p in calls] == [
        ('Add', 'Owners', ['b']), ('Remove', 'Owners', ['a']), ('Remove', 'Members', ['a'])]


def test_a_group_with_no_owner_may_stay_without_one_and_in_sync_links_write_nothing():
    changes = plan({'members': dict(CAROL), 'owners': {}}, {'members': dict(CAROL), 'owners': {}}, owners='exact')
    assert not any(changes.values()) and link_steps('g', changes) == []


def test_facts_show_the_links_read_and_invert_sender_authentication():
    facts = unified_group_facts({'Alias': 'x', 'AccessType': 'Private', 'RequireSenderAuthenticationEnabled': False,
                                 'Language': {'Name': 'de-DE'}, 'Notes': None, 'CustomAttribute2': 'eu',
                                 'Members': dict(BOB, **ALICE)})
    assert (facts['access_type'], facts['accept_external_senders'], facts['language'], facts['notes']) == (
        'private', True, 'de-DE', '')
    assert facts['custom_attributes'] == {'2': 'eu'} and facts['members'] == ['alice@contoso.com', 'bob@contoso.com']
    assert 'owners' not in facts


def test_only_users_can_be_linked():
    alice = Recipient({'Guid': 'a', 'PrimarySmtpAddress': 'alice@contoso.com', 'RecipientTypeDetails': 'UserMailbox'})
    staff = Recipient({'Guid': 's', 'PrimarySmtpAddress': 'all-staff@contoso.com',
                       'RecipientTypeDetails': 'MailUniversalDistributionGroup'})
    assert linkable('members', alice) == 'alice@contoso.com'
    with pytest.raises(ValueError, match="groups\\[0\\].members: 'all-staff@contoso.com' is a MailUniversalDistributionGroup; only users"):
        linkable('groups[0].members', staff)
