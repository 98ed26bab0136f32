#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_tenant_export
short_description: Export an Exchange Online tenant as the data file of the desired-state playbook
version_added: 0.3.0
description:
  - Reads the objects of a tenant and returns them as the data file of C(playbooks/desired_state.yml)
    (RV(desired_state)), and with O(dest) writes it as YAML, so that an existing tenant can be put
    under desired state without writing its data file by hand.
  - Every entry names its object by its primary SMTP address and holds only the options the
    desired-state modules manage, with what a new object has anyway (empty lists, false flags,
    Exchange's defaults) left out. Sections are sorted by address and keys come in a fixed
    order, so that two exports of the same tenant are the same text and a change is a small diff.
  - Mailboxes with their type, names, secondary addresses (C(email_addresses_mode=exact)), hidden
    flag, litigation hold, custom attributes, forwarding, capacity and Full Access, Send As and
    Send on Behalf trustees; distribution and security groups with their settings, recipient
    lists and members; Microsoft 365 groups with members, owners and subscribers; dynamic
    distribution groups; mail contacts; mail users (never a password); the client access settings
    of mailboxes (C(cas_mailboxes), as M(mailops.exchange.exo_cas_mailbox) sets them) and the
    calendar processing of room and equipment mailboxes (C(calendar_processing), as
    M(mailops.exchange.exo_calendar_processing) sets it), each only for a mailbox with a setting
    that is not the service's default (a protocol off, SMTP AUTH set, a policy other than the
    organisation's default, a booking setting changed).
  - Reads the way the audit does, with the readers of the C(_info) modules, in one module run with
    one token; organisation-wide reads follow every page, per-object reads (permissions,
    members, links, calendar processing) go ten to a C($batch) request. Nothing in Exchange is ever changed.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - ansible.builtin.files
options:
  kinds:
    description: The sections to export; the others are left out of the file.
    type: list
    elements: str
    choices: [mailboxes, groups, unified_groups, dynamic_groups, contacts, mail_users, cas_mailboxes, calendar_processing]
    default: [mailboxes, groups, unified_groups, dynamic_groups, contacts, mail_users, cas_mailboxes, calendar_processing]
  filter:
    description:
      - An OPATH filter that narrows the organisation-wide read of every kind exported, for
        example V(Department -eq 'Sales') or V(Name -like 'proj*'). A filter the service refuses
        for a kind fails the task naming it.
      - Members, trustees and owners are written whether or not the filter selects them.
    type: str
  dest:
    description:
      - Where to write the data file. It is replaced in one atomic move, and only when its
        content differs (the task reports C(changed) then); with C(--diff) the diff shows the old and new text.
      - In check mode nothing is written; the result says what would be.
      - Without O(dest) the data are only returned.
    type: path
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The tenant is only read; check mode writes no file.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The text of O(dest) before and after.
seealso:
  - module: mailops.exchange.exo_mailbox_permission_info
  - module: mailops.exchange.exo_distribution_group_info
"""

EXAMPLES = r"""
- name: The whole tenant into a data file kept in git
  mailops.exchange.exo_tenant_export:
    dest: tenant.yml
    mode: "0644"

- name: Only the shared mailboxes and their delegates
  mailops.exchange.exo_tenant_export:
    kinds: [mailboxes]
    filter: "RecipientTypeDetails -eq 'SharedMailbox'"
    dest: shared.yml

- name: What would change in the file
  mailops.exchange.exo_tenant_export:
    dest: tenant.yml
  check_mode: true
  diff: true
"""

RETURN = r"""
desired_state:
  description: The data file, as C(playbooks/desired_state.yml) reads it.
  returned: always
  type: dict
  sample: {"exclusive": {"members": true, "permissions": true},
           "mailboxes": [{"identity": "sales@contoso.com", "type": "shared", "full_access": ["alice@contoso.com"]}]}
counts:
  description: How many entries each exported section has.
  returned: always
  type: dict
  sample: {"mailboxes": 1013, "groups": 2}
dest:
  description: The file written (or, in check mode, that would be).
  returned: with O(dest)
  type: str
msg:
  description: What was written (in check mode, what would be), or that the file is up to date.
  returned: with O(dest)
  type: str
  sample: would write 1024 entries to tenant.yml
"""

import os
import tempfile

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import (
    CalendarSettings, CasMailboxes, DistributionGroups, DynamicGroups, MailboxPermissions, MailContacts, MailUsers, UnifiedGroups)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import state_export
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import mailbox_facts
from ansible_collections.mailops.exchange.plugins.module_utils.runners.fanout import Background

# Each section: its listing, the listing's options it is read with, and the entry of one object.
READERS = dict(
    mailboxes=(MailboxPermissions, {}, None),
    groups=(DistributionGroups, {'include_members': True}, state_export.group_entry),
    unified_groups=(UnifiedGroups, {'links': ['members', 'owners', 'subscribers']}, state_export.unified_group_entry),
    dynamic_groups=(DynamicGroups, {}, state_export.dynamic_group_entry),
    contacts=(MailContacts, {}, state_export.contact_entry),
    mail_users=(MailUsers, {}, state_export.mail_user_entry),
    cas_mailboxes=(CasMailboxes, {}, None),
    calendar_processing=(CalendarSettings, {}, None),
)


class Reading(object):
    """The export's module as a listing sees it: the same runner, the listing's own options."""

    def __init__(self, exo, params):
        self.exo = exo
        self.params = params

    def __getattr__(self, name):
        return getattr(self.exo, name)


def read_section(exo, section):
    """The entries of one section: every object the filter selects, read by the section's listing."""
    listing, options, entry = READERS[section]
    params = dict((name, option.get('default')) for name, option in listing_spec(listing)['argument_spec'].items())
    params.update(options, filter=exo.params['filter'])
    reader = listing(Reading(exo, params))
    rows = reader.everything()
    found = reader.complete(rows)
    if section in state_export.SETTINGS:
        defaults = reader.defaults()
        return [state_export.settings_entry(facts, defaults) for facts in found]
    if section != 'mailboxes':
        return [entry(facts) for facts in found]
    # The permission listing reads each mailbox once, in the order of the rows.
    return [state_export.mailbox_entry(mailbox_facts(row), permissions) for row, permissions in zip(rows, found)]


def read_sections(exo, names):
    """Each section's entries. The mailboxes section (the permission reads, the longest) is read
    beside the others, which one thread reads one after another (:class:`fanout.Background`): both
    share the runner and its concurrency gate, so the requests in flight stay within the budget. An
    error of either is raised here, in the module's thread; a failed mailboxes section fails the task
    at once, without waiting for the other thread."""
    rest = [name for name in names if name != 'mailboxes']
    if not rest or len(rest) == len(names):
        return dict((name, read_section(exo, name)) for name in names)
    exo.runner  # pylint: disable=pointless-statement  # built once, before two threads use it
    side = Background(lambda: dict((name, read_section(exo, name)) for name in rest))
    found = dict(mailboxes=read_section(exo, 'mailboxes'))
    found.update(side.join())
    return dict((name, found[name]) for name in names)


def write(exo, text, result):
    """Replace ``dest`` with ``text`` when it differs (not in check mode), then its file attributes;
    whether the text differed."""
    module, dest = exo.module, exo.params['dest']
    before = None
    if os.path.exists(dest):
        with open(dest, encoding='utf-8') as current:
            before = current.read()
    result.update(dest=dest, changed=before != text)
    if module._diff:
        result['diff'] = dict(before=before or '', after=text, before_header=dest, after_header=dest)
    if result['changed'] and not exo.check_mode:
        handle, temporary = tempfile.mkstemp(prefix='.exo_tenant_export-', dir=os.path.dirname(os.path.abspath(dest)))
        with os.fdopen(handle, 'w', encoding='utf-8') as out:
            out.write(text)
        module.atomic_move(temporary, dest)
    written = result['changed']
    if os.path.exists(dest):
        attributes = module.load_file_common_arguments(module.params, path=dest)
        result['changed'] = module.set_fs_attributes_if_different(attributes, result['changed'])
    return written


def export(exo):
    params = exo.params
    if not params['kinds']:
        exo.fail('kinds: [] selects nothing to export; give one or more of %s' % ', '.join(state_export.SECTIONS))
    if params['filter'] is not None and not params['filter'].strip():
        exo.fail("filter: %r must not be empty" % params['filter'])
    dest = params['dest']
    if dest and (os.path.isdir(dest) or not os.path.isdir(os.path.dirname(os.path.abspath(dest)))):
        exo.fail("dest: '%s' is a directory or in a directory that does not exist; nothing was read or written" % dest)
    sections = read_sections(exo, [section for section in state_export.SECTIONS if section in params['kinds']])
    data = state_export.data_file(sections)
    result = dict(changed=False, desired_state=data, counts=dict((name, len(data[name])) for name in sections))
    if params['dest']:
        header = ('The desired state of %s, exported by mailops.exchange.exo_tenant_export (%s%s).\n'
                  'Read by playbooks/desired_state.yml; schema: docs/docsite/rst/desired_state.rst.'
                  % (params['organization'] or 'the tenant', ', '.join(sections),
                     "; filter: %s" % params['filter'] if params['filter'] else ''))
        written = write(exo, state_export.dump(data, header), result)
        result['msg'] = '%s %d entries to %s' % ('would write' if exo.check_mode else 'wrote', sum(result['counts'].values()),
                                                 params['dest']) if written else '%s holds them already' % params['dest']
    return result


def main():
    exo = ExoModule(dict(kinds=dict(type='list', elements='str', choices=list(state_export.SECTIONS),
                                    default=list(state_export.SECTIONS)),
                         filter=dict(type='str'), dest=dict(type='path')), add_file_common_args=True)
    if not state_export.HAS_YAML:
        exo.module.fail_json(msg=missing_required_lib('PyYAML'))
    exo.run(export)


if __name__ == '__main__':
    main()
