# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data files for playbooks/desired_state.yml describing N seeded shared mailboxes.

The sandbox must be started with at least ``--shared N`` and ``--users`` covering the trustees
(``users_needed(n_mailboxes)``). Each seeded mailbox ``shared{i:04d}`` gets the shape issue 7's
benchmark names: 2 Full Access, 1 Send As and 1 Send on Behalf trustee, and membership of one
group; besides a display name and a second address, and every fifth is hidden. ``rooms`` room
mailboxes and every group are new, so a first run also creates objects.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sandbox.testing import SandboxProcess

DOMAIN = 'contoso.onmicrosoft.com'
GROUP_SIZE = 10


def users_needed(n_mailboxes):
    """How many seeded users (``--users``) the trustees of ``n_mailboxes`` mailboxes name."""
    return n_mailboxes + 3


def start_tenant(tmp, n_mailboxes):
    """A sandbox of its own under ``tmp``, seeded for ``n_mailboxes`` (a context manager)."""
    return SandboxProcess().start(tmp / 'sandbox', users=users_needed(n_mailboxes), shared=n_mailboxes)


def mailbox_name(index):
    """The seeded shared mailbox number ``index`` (from 1)."""
    return 'shared%04d' % index


def user_name(index):
    """The seeded user number ``index`` (from 1)."""
    return 'user%04d' % index


def group_name(index):
    """The generated group number ``index`` (from 1)."""
    return 'ds-group-%03d' % index


def room_name(index):
    """The generated room mailbox number ``index`` (from 1)."""
    return 'ds-room-%02d' % index


# The same data file for the sandbox's on-premises organisation (test_desired_state_onprem.py):
# new mailboxes in its vanity domain (the seeded shared mailboxes are Exchange Online's), and its
# Active Directory users as trustees, by sAMAccountName.
ONPREM_DOMAIN = 'contoso.com'
ONPREM_USERS = ('erin', 'frank', 'grace', 'henry', 'exadmin')


def onprem_mailbox_name(index):
    """The on-premises shared mailbox number ``index`` (from 1), new to the sandbox."""
    return 'ds-desk%02d' % index


def onprem_user_name(index):
    """The on-premises AD user number ``index`` (from 1): mailbox ``i``'s trustees are ``i`` to ``i+3``."""
    return ONPREM_USERS[index - 1]


def desired_state(n_mailboxes, rooms=2, exclusive=True, group_size=GROUP_SIZE, contacts=0, mail_users=0,
                  onprem=False):
    """The data file's content as a dict: ``mailboxes``, ``groups`` and ``exclusive``, and with
    ``contacts`` or ``mail_users`` those sections (:func:`external_recipients`).

    Mailbox ``i`` is granted to users ``i`` and ``i+1`` (Full Access), ``i+2`` (Send As) and
    ``i+3`` (Send on Behalf), and is a member of group ``(i-1)//group_size+1``, which user 1 owns.
    With ``onprem`` the same for the on-premises organisation (at most 2 mailboxes, no rooms), where
    mailbox 1 owns the groups.
    """
    mailbox_of, user_of, domain = (onprem_mailbox_name, onprem_user_name, ONPREM_DOMAIN) if onprem else (
        mailbox_name, user_name, DOMAIN)
    mailboxes = []
    for i in range(1, n_mailboxes + 1):
        name = mailbox_of(i)
        mailboxes.append({
            'identity': '%s@%s' % (name, domain),
            'type': 'shared',
            'display_name': 'Desired %s' % name,
            'email_addresses': ['%s-team@%s' % (name, domain)],
            'hidden_from_address_lists': i % 5 == 0,
            'full_access': [user_of(i), user_of(i + 1)],
            'send_as': [user_of(i + 2)],
            'send_on_behalf': [user_of(i + 3)],
        })
    for i in range(1, rooms + 1):
        name = room_name(i)
        mailboxes.append({
            'identity': '%s@%s' % (name, domain),
            'name': name,
            'type': 'room',
            'display_name': 'Room %02d' % i,
            'resource_capacity': 4 + 2 * i,
            'full_access': [user_of(1)],
        })
    groups = []
    for g in range(1, (n_mailboxes + group_size - 1) // group_size + 1):
        first = (g - 1) * group_size + 1
        last = min(g * group_size, n_mailboxes)
        groups.append({
            'name': group_name(g),
            'display_name': 'Desired group %03d' % g,
            'primary_smtp_address': '%s@%s' % (group_name(g), domain),
            # On premises an owner must be mail-enabled, which the seeded AD users are not.
            'managed_by': [mailbox_of(1) if onprem else user_of(1)],
            'require_sender_authentication': True,
            'members': [mailbox_of(i) for i in range(first, last + 1)],
        })
    return dict({
        'exclusive': {'permissions': exclusive, 'members': exclusive},
        'mailboxes': mailboxes,
        'groups': groups,
    }, **external_recipients(contacts, mail_users))


def write_desired_state(path, n_mailboxes, rooms=2, exclusive=True, group_size=GROUP_SIZE, contacts=0, mail_users=0):
    """Write ``desired_state(...)`` with these arguments as YAML to ``path``; returns the dict."""
    data = desired_state(n_mailboxes, rooms=rooms, exclusive=exclusive, group_size=group_size, contacts=contacts,
                         mail_users=mail_users)
    Path(path).write_text(yaml.safe_dump(data, sort_keys=False, default_flow_style=False))
    return data


def expected_writes(n_mailboxes, rooms, groups, contacts=0, mail_users=0):
    """The writes a first run of the data file sends to a freshly seeded sandbox, per cmdlet."""
    return dict(external_recipient_writes(contacts, mail_users), **{
        'New-Mailbox': rooms,
        # Each seeded mailbox: its properties in one Set-Mailbox, Send on Behalf in another;
        # each room: its capacity after New-Mailbox.
        'Set-Mailbox': 2 * n_mailboxes + rooms,
        'Add-MailboxPermission': 2 * n_mailboxes + rooms,
        'Add-RecipientPermission': n_mailboxes,
        'New-DistributionGroup': groups,
        'Add-DistributionGroupMember': n_mailboxes,
    })


# -- mail contacts and mail users (issue 16 item 5) ---------------------------------------------

# The initial password of the data file's mail users: a test value, where a user would give it
# from a vault (desired_state_initial_password).
MAIL_USER_PASSWORD = 'Desired-State-2026!'


def contact_address(index):
    """The external address of the generated mail contact number ``index`` (from 1)."""
    return 'ds-partner%02d@fabrikam.com' % index


def mail_user_account(index):
    """The account of the generated mail user number ``index`` (from 1)."""
    return 'ds-consultant%02d@%s' % (index, DOMAIN)


def external_recipients(contacts, mail_users):
    """The ``contacts`` and ``mail_users`` sections, new to a seeded sandbox: partners of Fabrikam
    (the first hidden from the address lists) and hidden consultants with an account here."""
    sections = {}
    if contacts:
        sections['contacts'] = [{
            'contact': contact_address(i), 'name': contact_address(i).partition('@')[0],
            'external_email_address': contact_address(i), 'company': 'Fabrikam', 'hidden_from_address_lists': i == 1,
        } for i in range(1, contacts + 1)]
    if mail_users:
        sections['mail_users'] = [{
            'mail_user': mail_user_account(i), 'user_principal_name': mail_user_account(i),
            'external_email_address': 'ds-consultant%02d@northwindtraders.com' % i, 'last_name': 'Consultant %d' % i,
            'initial_password': MAIL_USER_PASSWORD, 'hidden_from_address_lists': True,
        } for i in range(1, mail_users + 1)]
    return sections


def external_recipient_writes(contacts, mail_users):
    """The writes a first run sends for them: each contact's company goes by Set-Contact after its
    creation, the first one's visibility by Set-MailContact; each mail user's by Set-MailUser."""
    writes = {}
    if contacts:
        writes.update({'New-MailContact': contacts, 'Set-Contact': contacts, 'Set-MailContact': 1})
    if mail_users:
        writes.update({'New-MailUser': mail_users, 'Set-MailUser': mail_users})
    return writes
