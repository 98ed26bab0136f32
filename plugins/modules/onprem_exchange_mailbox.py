#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: onprem_exchange_mailbox
short_description: Create, mail-enable, change and remove on-premises and hybrid Exchange mailboxes
version_added: 0.1.0
description:
  - Manages one mailbox of an on-premises Exchange organisation over PowerShell remoting, as
    desired state. With O(infrastructure=onpremises) the mailbox lives on an Exchange database
    (C(New-Mailbox), C(Enable-Mailbox), C(Set-Mailbox)); with O(infrastructure=hybrid) it is a
    remote mailbox in Exchange Online managed from on premises (C(New-RemoteMailbox),
    C(Enable-RemoteMailbox), C(Set-RemoteMailbox)).
  - Every input is checked, and the user or mailbox looked up, before the first change, so bad
    input fails with a message naming the option and changes nothing.
  - Email addresses follow the same rules as M(mailops.exchange.exo_mailbox) - only SMTP addresses
    are managed, every other proxy address (X500, SIP, ...) is kept, addresses in
    O(excluded_domains) are never added or removed.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_onprem
  - mailops.exchange.exchange_onprem.attributes
options:
  identity:
    description:
      - The mailbox or user, in any form Exchange accepts (name, alias, UPN, SMTP address,
        C(DOMAIN\\sAMAccountName), GUID, distinguished name).
      - With O(create_method=new) a new user gets this as its C(Name), so later runs find it again.
      - With O(create_method=enable) it names the existing Active Directory user.
    type: str
    required: true
  state:
    description:
      - V(present) creates or mail-enables the mailbox if needed and sets the given properties.
      - V(absent) takes the mailbox away as O(absent_action) says.
    type: str
    choices: [present, absent]
    default: present
  infrastructure:
    description:
      - V(onpremises) for a mailbox on an on-premises database, V(hybrid) for a remote mailbox
        (the mailbox is in Exchange Online, the user on premises).
    type: str
    choices: [onpremises, hybrid]
    default: onpremises
  create_method:
    description:
      - How a missing mailbox is created. V(new) creates the Active Directory user and its
        mailbox (C(New-Mailbox)/C(New-RemoteMailbox)); V(enable) gives an existing user a
        mailbox (C(Enable-Mailbox)/C(Enable-RemoteMailbox)).
    type: str
    choices: [new, enable]
    default: new
  user_principal_name:
    description:
      - The new user's UPN. Required when O(create_method=new) creates the mailbox; used only then.
    type: str
  sam_account_name:
    description:
      - The new user's pre-Windows 2000 logon name; Exchange derives one when not given. Used only on creation.
    type: str
  first_name:
    description:
      - The new user's given name (used by the email address policy). Used only on creation.
    type: str
  last_name:
    description:
      - The new user's surname (used by the email address policy). Used only on creation.
    type: str
  display_name:
    description:
      - The display name in address lists. Set on creation and kept equal afterwards.
    type: str
  organizational_unit:
    description:
      - Where the new user is created, as C(domain/OU/...) or a distinguished name. Used only on
        creation with O(create_method=new); users are not moved afterwards.
    type: str
  initial_password:
    description:
      - The new user's password, sent as a SecureString. Required when O(create_method=new)
        creates the mailbox and used only then.
      - Not called C(password), which is the account this module connects with.
      - The password of an existing user is never changed or compared, so a changed value does
        not report a change.
    type: str
  database:
    description:
      - The mailbox database of a new on-premises mailbox (O(infrastructure=onpremises)); Exchange
        picks one when not given.
      - An existing mailbox is not moved; when it is on another database a warning says so.
    type: str
  remote_routing_address:
    description:
      - The remote routing address (C(alias@tenant.mail.onmicrosoft.com)) of a hybrid mailbox;
        Exchange derives one on creation when not given. Kept equal afterwards.
      - Only with O(infrastructure=hybrid).
    type: str
  primary_smtp_address:
    description:
      - The primary SMTP address. Giving it on creation turns the email address policy off for the
        mailbox, as Exchange does.
      - Changing the primary address of a mailbox whose email address policy applies needs
        O(email_address_policy_enabled=false).
    type: str
  email_addresses:
    description:
      - SMTP addresses, plain or with C(smtp:); C(SMTP:) marks the primary. Handled as
        O(email_addresses_mode) says.
    type: list
    elements: str
  email_addresses_mode:
    description:
      - V(add) adds the given addresses, V(remove) removes them, V(exact) makes them the mailbox's
        only SMTP addresses (except those in O(excluded_domains)).
    type: str
    choices: [add, remove, exact]
    default: add
  excluded_domains:
    description:
      - Domains whose SMTP addresses are never added or removed, for example the
        C(*.mail.onmicrosoft.com) routing domain of a hybrid organisation.
    type: list
    elements: str
    default: []
  email_address_policy_enabled:
    description:
      - Whether the organisation's email address policies keep the mailbox's addresses.
    type: bool
  hidden_from_address_lists:
    description:
      - Hide the mailbox from address lists.
    type: bool
  absent_action:
    description:
      - With O(state=absent), V(disable) removes the mailbox and keeps the Active Directory user
        (C(Disable-Mailbox)/C(Disable-RemoteMailbox)); V(remove) removes both
        (C(Remove-Mailbox)/C(Remove-RemoteMailbox)).
    type: str
    choices: [disable, remove]
    default: disable
notes:
  - The multi-valued O(email_addresses) follows the collection's add / remove / exact convention.
seealso:
  - module: mailops.exchange.onprem_exchange_mailbox_info
  - module: mailops.exchange.exo_mailbox
"""

EXAMPLES = r"""
- name: A new on-premises user with a mailbox
  mailops.exchange.onprem_exchange_mailbox:
    identity: Erin Evans
    user_principal_name: erin@contoso.com
    first_name: Erin
    last_name: Evans
    initial_password: "{{ new_user_password }}"
    organizational_unit: contoso.local/Staff
    database: DB01

- name: Give an existing AD user a remote mailbox in Exchange Online
  mailops.exchange.onprem_exchange_mailbox:
    identity: frank@contoso.com
    infrastructure: hybrid
    create_method: enable
    remote_routing_address: frank@contoso.mail.onmicrosoft.com

- name: Exactly these SMTP addresses, keeping the routing domain's
  mailops.exchange.onprem_exchange_mailbox:
    identity: frank@contoso.com
    infrastructure: hybrid
    email_address_policy_enabled: false
    email_addresses: [SMTP:frank@contoso.com, f.foster@contoso.com]
    email_addresses_mode: exact
    excluded_domains: [contoso.mail.onmicrosoft.com]

- name: Leaver - remove the mailbox, keep the user
  mailops.exchange.onprem_exchange_mailbox:
    identity: erin@contoso.com
    state: absent
    absent_action: disable

- name: Connection options usually come from module_defaults or the environment
  module_defaults:
    group/mailops.exchange.exchange_onprem:
      server: exch01.contoso.local
      auth: kerberos
  block:
    - name: Hide a mailbox from the address lists
      mailops.exchange.onprem_exchange_mailbox:
        identity: erin@contoso.com
        hidden_from_address_lists: true
"""

RETURN = r"""
mailbox:
  description:
    - The mailbox after the task, with the keys of M(mailops.exchange.onprem_exchange_mailbox_info)'s
      RV(mailops.exchange.onprem_exchange_mailbox_info#module:mailboxes) elements.
    - In check mode, what it would be (values Exchange would derive on creation are empty).
      Empty after a removal, or when an absent mailbox stays absent.
  returned: always
  type: dict
  sample:
    name: Erin Evans
    primary_smtp_address: erin.evans@contoso.com
    email_addresses: [SMTP:erin.evans@contoso.com]
    recipient_type_details: UserMailbox
    database: DB01
changes:
  description:
    - What was (in check mode, would be) set, by option name. C(email_addresses) lists the
      addresses C(added) and C(removed); C(state) is V(present) when the mailbox was created and
      V(absent) when it was taken away.
  returned: always
  type: dict
  sample:
    state: present
    email_addresses:
      added: [smtp:e.evans@contoso.com]
      removed: []
"""

from ansible_collections.mailops.exchange.plugins.module_utils.addresses import (
    AddressError,
    AddressPlan,
    check_address,
    parse_current,
    parse_desired,
    plan_addresses,
    primary_of,
)
from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.onprem_module import (
    OnPremModule,
    onprem_mailbox_facts,
)
from ansible_collections.mailops.exchange.plugins.module_utils.outcome import create_once, remove_once
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import build_diff
from ansible_collections.mailops.exchange.plugins.module_utils.remoting_runner import Secret


class MailboxSpec(object):
    """The cmdlet names and creation parameters of one infrastructure."""

    def __init__(self, params):
        hybrid = params['infrastructure'] == 'hybrid'
        self.noun = 'RemoteMailbox' if hybrid else 'Mailbox'
        self.hybrid = hybrid

    def cmdlet(self, verb):
        return '%s-%s' % (verb, self.noun)


def check_input(params):
    """Every check that needs no server; raises AddressError or ValueError naming the option."""
    if not params['identity'].strip():
        raise ValueError("identity: %r is not an identity" % params['identity'])
    hybrid = params['infrastructure'] == 'hybrid'
    if params['database'] is not None and hybrid:
        raise ValueError("database: '%s' applies to infrastructure onpremises only; a hybrid mailbox "
                         "lives in Exchange Online" % params['database'])
    if params['remote_routing_address'] is not None:
        if not hybrid:
            raise ValueError("remote_routing_address: '%s' applies to infrastructure hybrid only"
                             % params['remote_routing_address'])
        check_address('remote_routing_address', params['remote_routing_address'].split(':', 1)[-1])
    if params['user_principal_name'] is not None:
        check_address('user_principal_name', params['user_principal_name'])
    for option in ('display_name', 'first_name', 'last_name', 'sam_account_name', 'organizational_unit'):
        if params[option] is not None and not params[option].strip():
            raise ValueError('%s: %r must not be empty' % (option, params[option]))
    # Validates every address and the primary/mode combinations against an empty mailbox.
    desired = parse_desired('email_addresses', params['email_addresses'])
    primary = params['primary_smtp_address']
    if primary is not None:
        check_address('primary_smtp_address', primary)
    elif any(p.primary for p in desired):
        primary = primary_of(desired)
    if params['email_addresses'] or primary:
        # Checked against a stand-in mailbox whose primary the options keep, so only the input's
        # own contradictions fail here; the real plan is made against the mailbox later.
        stand_in = primary
        if not stand_in and params['email_addresses_mode'] == 'exact' and desired:
            stand_in = desired[0].value
        plan_addresses(['SMTP:' + (stand_in or 'stand-in@mailops.invalid')], params['email_addresses'],
                       params['email_addresses_mode'], primary, params['excluded_domains'])
    if primary and params['email_address_policy_enabled']:
        raise ValueError("primary_smtp_address: '%s' cannot be kept while email_address_policy_enabled is "
                         "true (the policy decides the primary address); set it to false" % primary)
    return primary


class OnPremMailbox(object):
    """Reads, plans and applies one on-premises or remote mailbox."""

    def __init__(self, module, primary):
        self.module = module
        self.params = module.params
        self.spec = MailboxSpec(self.params)
        self.primary = primary
        self.changes = {}

    def fail_identity(self, err, what):
        self.module.fail("identity: '%s' %s; nothing was changed" % (self.params['identity'], what),
                         error={'kind': err.kind, 'exception_type': err.exception_type})

    def read(self, identity):
        """The mailbox row, or None when there is no mailbox of this infrastructure."""
        try:
            rows = self.module.invoke(self.spec.cmdlet('Get'), {'Identity': identity})
        except ExchangeError as err:
            if err.kind == 'not_found':
                return None
            if err.kind == 'ambiguous':
                self.fail_identity(err, 'matches more than one mailbox; give its UPN or GUID')
            raise
        return rows[0] if rows else None

    def read_user(self):
        """The AD user ``identity`` names, or None."""
        try:
            rows = self.module.invoke('Get-User', {'Identity': self.params['identity']})
        except ExchangeError as err:
            if err.kind == 'not_found':
                return None
            if err.kind == 'ambiguous':
                self.fail_identity(err, 'matches more than one user; give the UPN or GUID')
            raise
        return rows[0] if rows else None

    # -- planning -----------------------------------------------------------------------

    def plan_addresses(self, row):
        params = self.params
        if not params['email_addresses'] and not self.primary:
            return None
        current = row.get('EmailAddresses') or []
        if primary_of(parse_current(current)) is None:
            # Check mode before a creation: the email address policy will pick the primary.
            added = [str(p) for p in parse_desired('email_addresses', params['email_addresses'])
                     if params['email_addresses_mode'] != 'remove']
            return AddressPlan(parse_current(current), parse_current(current + added))
        try:
            plan = plan_addresses(current, params['email_addresses'],
                                  params['email_addresses_mode'], self.primary, params['excluded_domains'])
        except AddressError as err:
            self.module.fail('%s; nothing was changed' % err)
        policy = params['email_address_policy_enabled']
        if policy is None:
            policy = bool(row.get('EmailAddressPolicyEnabled'))
        if plan.changed and plan.primary_changed and policy:
            self.module.fail("primary_smtp_address: changing the primary address to '%s' needs "
                             "email_address_policy_enabled: false (the mailbox's email address policy "
                             "sets it); nothing was changed" % primary_of(plan.after))
        return plan if plan.changed else None

    def plan_settings(self, row):
        """The Set-* parameters that make ``row`` what the options say, and the row after them."""
        params = self.params
        settings = {}
        after = dict(row)
        address_plan = self.plan_addresses(row)
        if address_plan is not None:
            settings['EmailAddresses'] = address_plan.addresses
            after['EmailAddresses'] = address_plan.addresses
            after['PrimarySmtpAddress'] = primary_of(address_plan.after)
            self.changes['email_addresses'] = {'added': address_plan.added, 'removed': address_plan.removed}
        for option, prop in (('display_name', 'DisplayName'),
                             ('email_address_policy_enabled', 'EmailAddressPolicyEnabled'),
                             ('hidden_from_address_lists', 'HiddenFromAddressListsEnabled')):
            value = params[option]
            if value is not None and value != row.get(prop):
                settings[prop] = value
                after[prop] = value
                self.changes[option] = value
        routing = params['remote_routing_address']
        if routing is not None and routing.split(':', 1)[-1].lower() != \
                str(row.get('RemoteRoutingAddress') or '').split(':', 1)[-1].lower():
            settings['RemoteRoutingAddress'] = routing
            after['RemoteRoutingAddress'] = routing
            self.changes['remote_routing_address'] = routing
        if params['database'] and row.get('Database') and params['database'].lower() != row['Database'].lower():
            self.module.module.warn("database: the mailbox is on '%s', not '%s'; mailboxes are not moved "
                                    "(use a move request)" % (row['Database'], params['database']))
        return settings, after

    def creation(self, user):
        """The New-/Enable- parameters and the synthetic row they would give."""
        params = self.params
        created = {}
        if params['create_method'] == 'new':
            created.update(Name=params['identity'], UserPrincipalName=params['user_principal_name'],
                           Password=Secret(params['initial_password']), FirstName=params['first_name'],
                           LastName=params['last_name'], SamAccountName=params['sam_account_name'],
                           DisplayName=params['display_name'])
            ou_parameter = 'OnPremisesOrganizationalUnit' if self.spec.hybrid else 'OrganizationalUnit'
            created[ou_parameter] = params['organizational_unit']
            row = {'Name': params['identity'], 'UserPrincipalName': params['user_principal_name'],
                   'DisplayName': params['display_name'] or params['identity'],
                   'SamAccountName': params['sam_account_name'] or '',
                   'OrganizationalUnit': params['organizational_unit'] or ''}
        else:
            created.update(Identity=user['Guid'], DisplayName=params['display_name'])
            row = {k: user.get(k) for k in ('Name', 'UserPrincipalName', 'SamAccountName',
                                            'OrganizationalUnit', 'Guid')}
            row['DisplayName'] = params['display_name'] or user.get('DisplayName')
        if self.spec.hybrid:
            created['RemoteRoutingAddress'] = params['remote_routing_address']
            row['RemoteRoutingAddress'] = params['remote_routing_address'] or ''
            row['RecipientTypeDetails'] = 'RemoteUserMailbox'
        else:
            created['Database'] = params['database']
            row['Database'] = params['database'] or ''
            row['RecipientTypeDetails'] = 'UserMailbox'
        created['PrimarySmtpAddress'] = self.primary
        row['PrimarySmtpAddress'] = self.primary or ''
        row['EmailAddresses'] = ['SMTP:' + self.primary] if self.primary else []
        row['EmailAddressPolicyEnabled'] = not self.primary
        self.changes['state'] = 'present'
        return created, row


def absent(mailbox, current):
    module = mailbox.module
    if current is None:
        return dict(changed=False, mailbox={}, changes={})
    mailbox.changes['state'] = 'absent'
    if not module.check_mode:
        verb = 'Remove' if module.params['absent_action'] == 'remove' else 'Disable'
        # Sent again only if a re-read after a lost answer still finds the mailbox.
        remove_once(module.invoke, mailbox.spec.cmdlet(verb), {'Identity': current['Guid'], 'Confirm': False},
                    lambda: mailbox.read(current['Guid']) is None)
    result = dict(changed=True, mailbox={}, changes=mailbox.changes)
    if module.module._diff:
        result['diff'] = build_diff(onprem_mailbox_facts(current), {})
    return result


def present(mailbox, current):
    module = mailbox.module
    params = module.params
    before = onprem_mailbox_facts(current) if current is not None else {}
    if current is None:
        user = None
        if params['create_method'] == 'enable':
            user = mailbox.read_user()
            if user is None:
                module.fail("identity: '%s' is not an Active Directory user; create_method enable needs an "
                            "existing user (or use create_method new); nothing was changed" % params['identity'])
            if user.get('RecipientTypeDetails') not in (None, 'User', 'DisabledUser'):
                module.fail("identity: '%s' is already mail-enabled as %s, not as a %s; nothing was changed"
                            % (params['identity'], user['RecipientTypeDetails'],
                               'remote mailbox' if mailbox.spec.hybrid else 'mailbox'))
        else:
            missing = [o for o in ('user_principal_name', 'initial_password') if not params[o]]
            if missing:
                module.fail('%s required to create the mailbox of %s with create_method new; nothing was '
                            'changed' % (' and '.join(missing) + (' are' if len(missing) > 1 else ' is'),
                                         params['identity']))
            if mailbox.read_user() is not None:
                module.fail("identity: '%s' is an existing user without a %s; use create_method enable; "
                            "nothing was changed" % (params['identity'],
                                                     'remote mailbox' if mailbox.spec.hybrid else 'mailbox'))
        created, row = mailbox.creation(user)
        if not module.check_mode:
            verb = 'New' if params['create_method'] == 'new' else 'Enable'
            # Neither had a mailbox when read above (a new user's identity named no user
            # either), so a mailbox found by it after a lost answer is the one this write made.
            created_as = params['identity'] if params['create_method'] == 'new' else user['Guid']
            try:
                rows = create_once(module.invoke, mailbox.spec.cmdlet(verb), created,
                                   lambda: mailbox.read(created_as))
            except ExchangeError as err:
                # Only Exchange knows its databases; its refusal alone does not name the option.
                if not params['database'] or 'database' not in str(err).lower():
                    raise
                module.fail_error(err, prefix="database: '%s' was refused; nothing was changed" % params['database'])
            row = rows[0] if rows else mailbox.read(params['identity'])
    else:
        row = current
    settings, after = mailbox.plan_settings(row)
    if settings and not module.check_mode:
        settings.update(Identity=row['Guid'], Confirm=False)
        module.invoke(mailbox.spec.cmdlet('Set'), settings, idempotent=True)
        after = mailbox.read(row['Guid'])
    changed = bool(mailbox.changes)
    result = dict(changed=changed, mailbox=onprem_mailbox_facts(after), changes=mailbox.changes)
    if module.module._diff:
        result['diff'] = build_diff(before, result['mailbox'])
    return result


def converge(module, primary):
    mailbox = OnPremMailbox(module, primary)
    current = mailbox.read(module.params['identity'])
    if module.params['state'] == 'absent':
        return absent(mailbox, current)
    return present(mailbox, current)


def main():
    module = OnPremModule(
        argument_spec=dict(
            identity=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            infrastructure=dict(type='str', default='onpremises', choices=['onpremises', 'hybrid']),
            create_method=dict(type='str', default='new', choices=['new', 'enable']),
            user_principal_name=dict(type='str'),
            sam_account_name=dict(type='str'),
            first_name=dict(type='str'),
            last_name=dict(type='str'),
            display_name=dict(type='str'),
            organizational_unit=dict(type='str'),
            initial_password=dict(type='str', no_log=True),
            database=dict(type='str'),
            remote_routing_address=dict(type='str'),
            primary_smtp_address=dict(type='str'),
            email_addresses=dict(type='list', elements='str'),
            email_addresses_mode=dict(type='str', default='add', choices=['add', 'remove', 'exact']),
            excluded_domains=dict(type='list', elements='str', default=[]),
            email_address_policy_enabled=dict(type='bool'),
            hidden_from_address_lists=dict(type='bool'),
            absent_action=dict(type='str', default='disable', choices=['disable', 'remove']),
        ),
    )
    try:
        primary = check_input(module.params)
    except (AddressError, ValueError) as err:
        module.fail('%s; nothing was changed' % err)
    module.run(lambda m: converge(m, primary))


if __name__ == '__main__':
    main()
