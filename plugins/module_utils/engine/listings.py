# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""What the ``_info`` modules list (their :class:`info.Listing` declarations), kept here so that
exo_tenant_export reads every kind of object with the very readers the ``_info`` modules use."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.calendar_processing import PEOPLE, RESOURCE_TYPES, CalendarProcessing
from ansible_collections.mailops.exchange.plugins.module_utils.engine.cas import CasMailbox
from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import Listing
from ansible_collections.mailops.exchange.plugins.module_utils.engine.unified_groups import LINKS, links_read, unified_group_facts
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.filters import CONDITION_OPTIONS, included_names, previews, shown
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.groups import (
    group_facts,
    list_labels,
    members_from_rows,
    members_read,
    read_lists,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    KEPT_FROM_PAGES,
    MAILBOX_FACTS_READ,
    RecipientResolver,
    as_text,
    custom_attribute_facts,
    object_summary,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.mailbox_properties import plain_smtp
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import (
    KINDS,
    read_all_trustees,
    read_mailboxes,
    trustee_map,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import sorted_values
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import INVALID_ARGUMENT, ExchangeError

# Result key -> Get-Recipient property, as exo_mail_contact shows them.
CONTACT_TEXT = (('identity', 'Identity'), ('name', 'Name'), ('display_name', 'DisplayName'), ('alias', 'Alias'),
                ('primary_smtp_address', 'PrimarySmtpAddress'), ('first_name', 'FirstName'), ('last_name', 'LastName'),
                ('company', 'Company'), ('department', 'Department'), ('title', 'Title'), ('phone', 'Phone'),
                ('office', 'Office'))
# Result key -> Get-Recipient property, as exo_mail_user shows them.
MAIL_USER_TEXT = (('identity', 'Identity'), ('name', 'Name'), ('display_name', 'DisplayName'), ('alias', 'Alias'),
                  ('primary_smtp_address', 'PrimarySmtpAddress'), ('first_name', 'FirstName'), ('last_name', 'LastName'))
# Result key -> Get-DynamicDistributionGroup property.
DYNAMIC_TEXT = (('identity', 'Identity'), ('guid', 'Guid'), ('name', 'Name'), ('alias', 'Alias'), ('display_name', 'DisplayName'),
                ('primary_smtp_address', 'PrimarySmtpAddress'), ('recipient_container', 'RecipientContainer'),
                ('managed_by', 'ManagedBy'), ('notes', 'Notes'), ('stored_recipient_filter', 'RecipientFilter'),
                ('ldap_recipient_filter', 'LdapRecipientFilter'))
MAILBOX_TYPES = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox', 'SchedulingMailbox',
                 'DiscoveryMailbox', 'TeamMailbox', 'LinkedMailbox', 'GroupMailbox']


class MailContacts(Listing):
    cmdlet = 'Get-Recipient'
    parameters = {'RecipientTypeDetails': 'MailContact'}
    key = 'contacts'
    what = 'recipient'

    def facts(self, row):
        facts = dict((key, row.get(prop) or '') for key, prop in CONTACT_TEXT)
        facts.update(
            guid=str(row.get('Guid') or ''),
            external_email_address=plain_smtp(row.get('ExternalEmailAddress')),
            email_addresses=list(row.get('EmailAddresses') or ()),
            hidden_from_address_lists=bool(row.get('HiddenFromAddressListsEnabled')),
            custom_attributes=custom_attribute_facts(row),
        )
        return facts


class MailUsers(Listing):
    cmdlet = 'Get-Recipient'
    parameters = {'RecipientTypeDetails': 'MailUser'}
    key = 'mail_users'
    what = 'recipient'

    def facts(self, row):
        facts = dict((key, row.get(prop) or '') for key, prop in MAIL_USER_TEXT)
        facts.update(
            guid=str(row.get('Guid') or ''),
            user_principal_name=row.get('MicrosoftOnlineServicesID') or row.get('UserPrincipalName') or row.get('WindowsLiveID') or '',
            external_email_address=plain_smtp(row.get('ExternalEmailAddress')),
            email_addresses=list(row.get('EmailAddresses') or ()),
            hidden_from_address_lists=bool(row.get('HiddenFromAddressListsEnabled')),
            custom_attributes=custom_attribute_facts(row),
        )
        return facts


class DistributionGroups(Listing):
    cmdlet = 'Get-DistributionGroup'
    key = 'groups'
    what = 'group'
    result_size = False
    options = {'include_members': dict(type='bool', default=True)}

    def complete(self, rows):
        """Each group with its recipient lists (owners, moderators, senders) and, unless left out, its
        direct members: the members of all groups read ten to a request; the recipients the lists
        name that are not members looked up the same way."""
        exo = self.module
        resolver = RecipientResolver(exo.invoke)
        members = [None] * len(rows)
        if exo.params['include_members']:
            for index, answer in enumerate(exo.invoke_all([members_read(row.get('Guid')) for row in rows])):
                if isinstance(answer, ExchangeError):
                    raise answer
                members[index] = sorted_values(members_from_rows(resolver, answer))
        resolver.prefetch(exo.runner, (), exo.parallel, labels=[label for row in rows for label in list_labels(row)])
        groups = []
        for row, current in zip(rows, members):
            facts = group_facts(row, read_lists(resolver, row))
            if current is not None:
                facts['members'] = current
            groups.append(facts)
        return groups


class DynamicGroups(Listing):
    cmdlet = 'Get-DynamicDistributionGroup'
    key = 'groups'
    what = 'dynamic distribution group'
    options = {'preview_members': dict(type='bool', default=False)}

    def facts(self, row):
        facts = dict((key, as_text(row.get(prop))) for key, prop in DYNAMIC_TEXT)
        facts.update((key, list(row.get(prop) or ())) for key, prop in CONDITION_OPTIONS)
        facts.update(
            recipient_filter=shown(row.get('RecipientFilter')),
            included_recipients=included_names(row.get('IncludedRecipients')),
            email_addresses=list(row.get('EmailAddresses') or ()),
            hidden_from_address_lists=bool(row.get('HiddenFromAddressListsEnabled')),
            custom_attributes=custom_attribute_facts(row),
        )
        return facts

    def complete(self, rows):
        """Each group's facts and, with preview_members, the recipients its filter selects now
        (ten groups to a request)."""
        groups = [self.facts(row) for row in rows]
        if self.module.params['preview_members']:
            for facts, found in zip(groups, previews(self.module.invoke_all, [row.get('RecipientFilter') for row in rows])):
                facts['members'] = found
        return groups


class UnifiedGroups(Listing):
    cmdlet = 'Get-UnifiedGroup'
    key = 'groups'
    what = 'Microsoft 365 group'
    options = {'links': dict(type='list', elements='str', choices=[option for option, unused in LINKS], default=[])}

    def complete(self, rows):
        """Each group with the links asked for: every group's kinds read ten to a request."""
        kinds = [kind for option, kind in LINKS if option in self.module.params['links']]
        calls = [(row, kind) for row in rows for kind in kinds]
        resolver = RecipientResolver(self.module.invoke)
        for (row, kind), answer in zip(calls, self.module.invoke_all([links_read(row['Guid'], kind) for row, kind in calls])):
            if isinstance(answer, ExchangeError):
                raise answer
            row[kind] = dict((recipient.key, recipient.shown) for recipient in map(resolver.remember, answer))
        return [unified_group_facts(row) for row in rows]


class MailboxPermissions(Listing):
    """The explicit delegates of mailboxes. Listed mailboxes are read the way the permission
    modules read them (organisation-wide when most of it is asked for), so the audit costs
    requests, not mailboxes; the organisation's size, when a read saw all of it, tells the
    trustee reads whether an organisation-wide Send As read pays."""

    cmdlet = 'Get-Mailbox'
    key = 'permissions'
    one = None
    many = 'mailboxes'
    what = 'recipient'
    result_size = False
    # Only what names, resolves and summarises a mailbox, its Send on Behalf, and what
    # exo_tenant_export's mailbox entries show (mailbox_facts): a whole Get-Mailbox row is about
    # 8 KB parsed, 160 MB for 20,000 mailboxes.
    select = KEPT_FROM_PAGES | MAILBOX_FACTS_READ
    narrowing = ('recipient_type_details',)
    options = {'recipient_type_details': dict(type='list', elements='str', choices=MAILBOX_TYPES)}
    org_size = None

    def named(self, identities, option):
        rows, missing, problems = [], [], []
        answers, self.org_size = read_mailboxes(self.module.runner, identities, self.module.parallel)
        for identity in identities:
            answer = answers[identity]
            if not isinstance(answer, ExchangeError):
                rows.append(answer)
            elif answer.kind == 'not_found':
                missing.append(identity)
            elif answer.kind == 'ambiguous':
                problems.append("'%s' matches more than one recipient" % identity)
            else:
                raise answer
        if problems:
            raise ExchangeError('%s: %s; give an SMTP address or GUID' % (option, '; '.join(problems)), kind=INVALID_ARGUMENT)
        return rows, missing

    def everything(self):
        rows = super().everything()
        # Unfiltered, these rows are every mailbox of the organisation.
        if self.module.params['filter'] is None and self.module.params['recipient_type_details'] is None:
            self.org_size = len(rows)
        return rows

    def query_parameters(self):
        return dict(RecipientTypeDetails=self.module.params['recipient_type_details'])

    def complete(self, rows):
        """Every mailbox's explicit trustees per kind, each mailbox once, read in bulk."""
        resolver = RecipientResolver(self.module.invoke)
        mailboxes, seen = [], set()
        for mailbox, row in ((resolver.remember(row), row) for row in rows):
            if mailbox.key not in seen:
                seen.add(mailbox.key)
                mailboxes.append((mailbox, row))
        trustees = read_all_trustees(self.module.runner, resolver, [(mailbox, KINDS) for mailbox, _row in mailboxes],
                                     self.module.parallel, org_size=self.org_size)
        audited = []
        for mailbox, row in mailboxes:
            # The mailbox as every module shows it (exo_mailbox_permission's permission.mailbox).
            entry = {'mailbox': object_summary(row)}
            for kind in KINDS:
                found = trustees[mailbox.key][kind]
                if isinstance(found, ExchangeError):
                    raise found
                entry[kind] = sorted_values(trustee_map(resolver, found))
            audited.append(entry)
        return audited


def _defaults(resource):
    """Each property of ``resource`` with the value a new object has, in the option's shape (the
    way the module's result shows it: SMTP AUTH unset is V(organization_default))."""
    return dict((prop.option, prop.view(prop.default)) for prop in resource.properties)


class CasMailboxes(Listing):
    """Every mailbox's client access settings (organisation-wide ``Get-CASMailbox`` pages), each in
    exo_cas_mailbox's shape, with the organisation's default policies (``default_policies``: the
    option -> the policy ``IsDefault`` names, read only when a row names a policy)."""

    cmdlet = 'Get-CASMailbox'
    key = 'cas_mailboxes'
    what = 'mailbox'
    # Only the settings and the names the entries show: the export reads these pages beside the
    # mailboxes section's permission reads, whole rows would add to that peak.
    select = frozenset(prop.parameter for prop in CasMailbox.properties) | frozenset(('Guid', 'Identity', 'Name', 'PrimarySmtpAddress'))
    default_policies = None

    def complete(self, rows):
        policies = [prop for prop in CasMailbox.properties if prop.refers]
        self.default_policies = {}
        for prop in policies:
            if any(row.get(prop.parameter) for row in rows):
                found = [policy for policy in self.module.invoke(prop.refers, {}) if policy.get('IsDefault')]
                self.default_policies[prop.option] = as_text(found[0].get('Name')) if found else None
        return [dict(((prop.option, prop.read(row)) for prop in CasMailbox.properties),
                     primary_smtp_address=as_text(row.get('PrimarySmtpAddress')), name=as_text(row.get('Name')))
                for row in rows]

    def defaults(self):
        """What a mailbox has unless it was given otherwise: every protocol on, SMTP AUTH as the
        organisation says, the organisation's default policies (after :meth:`complete`)."""
        return dict(_defaults(CasMailbox), **(self.default_policies or {}))


class CalendarSettings(Listing):
    """The calendar processing of every room and equipment mailbox: the mailboxes read
    organisation-wide, their ``Get-CalendarProcessing`` (which takes one mailbox) ten to a
    request, and the recipients its lists name looked up together."""

    cmdlet = 'Get-Mailbox'
    parameters = {'RecipientTypeDetails': list(RESOURCE_TYPES)}
    key = 'calendar_processing'
    what = 'mailbox'

    def complete(self, rows):
        answers = self.module.invoke_all([('Get-CalendarProcessing', {'Identity': str(row.get('Guid'))}) for row in rows])
        resolver = RecipientResolver(self.module.invoke)
        found = []
        for row, answer in zip(rows, answers):
            if isinstance(answer, ExchangeError):
                raise answer
            if answer:
                resolver.remember(row)
                found.append((row, answer[0]))
        labels = [label for unused, settings in found for unused_option, parameter in PEOPLE for label in settings.get(parameter) or ()]
        if labels:
            resolver.prefetch(self.module.runner, (), self.module.parallel, labels=labels)
        settings = []
        for row, calendar in found:
            facts = dict((prop.option, prop.read(calendar)) for prop in CalendarProcessing.properties)
            facts.update((option, sorted_values(trustee_map(resolver, calendar.get(parameter) or ()))) for option, parameter in PEOPLE)
            facts.update(primary_smtp_address=as_text(row.get('PrimarySmtpAddress')), name=as_text(row.get('Name')))
            settings.append(facts)
        return settings

    @staticmethod
    def defaults():
        """What Exchange gives a new room or equipment mailbox (the declaration's defaults)."""
        return _defaults(CalendarProcessing)
