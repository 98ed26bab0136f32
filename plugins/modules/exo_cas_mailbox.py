#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_cas_mailbox
short_description: Turn the client protocols of an Exchange Online mailbox on or off
version_added: 0.2.0
description:
  - Sets which clients may open a mailbox - Outlook on the web, Exchange ActiveSync, IMAP, POP,
    MAPI (Outlook for Windows), EWS, Outlook mobile and the new Outlook for Windows - through
    C(Get/Set-CASMailbox), the first step of most leaver runbooks.
  - Only the options given are managed; all changes to one mailbox go to Exchange in one call,
    so a value it refuses changes nothing.
  - In check mode a mailbox that does not exist yet (an earlier task of the run creates it) is
    reported with every value given as the change, and a warning.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
  - mailops.exchange.exchange_online.bulk
options:
  mailbox:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - Required unless O(mailboxes) is given.
    type: str
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), read and written ten to a request. Each entry
        names a mailbox by C(mailbox) and may set any of the options below; options it leaves
        out take the task's value, so O(owa_enabled=false) beside a list of leavers turns Outlook
        on the web off for every one of them.
      - One mailbox's failure does not stop or undo the others; the task fails at the end and
        lists every failed mailbox with its reason (RV(results) holds each mailbox's outcome).
    type: list
    elements: dict
    suboptions:
      mailbox:
        description: As O(mailbox).
        type: str
        required: true
      owa_enabled:
        description: As O(owa_enabled), for this mailbox.
        type: bool
      active_sync_enabled:
        description: As O(active_sync_enabled), for this mailbox.
        type: bool
      imap_enabled:
        description: As O(imap_enabled), for this mailbox.
        type: bool
      pop_enabled:
        description: As O(pop_enabled), for this mailbox.
        type: bool
      mapi_enabled:
        description: As O(mapi_enabled), for this mailbox.
        type: bool
      ews_enabled:
        description: As O(ews_enabled), for this mailbox.
        type: bool
      outlook_mobile_enabled:
        description: As O(outlook_mobile_enabled), for this mailbox.
        type: bool
      universal_outlook_enabled:
        description: As O(universal_outlook_enabled), for this mailbox.
        type: bool
  owa_enabled:
    description:
      - Outlook on the web (C(OWAEnabled)).
    type: bool
  active_sync_enabled:
    description:
      - Exchange ActiveSync, the protocol of most phone mail apps (C(ActiveSyncEnabled)).
    type: bool
  imap_enabled:
    description:
      - IMAP4 clients (C(ImapEnabled)).
    type: bool
  pop_enabled:
    description:
      - POP3 clients (C(PopEnabled)).
    type: bool
  mapi_enabled:
    description:
      - MAPI, the protocol of Outlook for Windows (C(MAPIEnabled)).
    type: bool
  ews_enabled:
    description:
      - Exchange Web Services, used by Outlook for Mac and many third-party apps (C(EwsEnabled)).
    type: bool
  outlook_mobile_enabled:
    description:
      - Outlook for iOS and Android (C(OutlookMobileEnabled)).
    type: bool
  universal_outlook_enabled:
    description:
      - The Mail and Calendar apps and the new Outlook for Windows (C(UniversalOutlookEnabled)).
    type: bool
notes:
  - At least one of the protocol options must be given (for each entry of O(mailboxes), by the
    entry or by the task).
  - Disabling a protocol does not end sessions already open; tokens the client holds may keep
    working until they expire.
seealso:
  - module: mailops.exchange.exo_mailbox
  - module: mailops.exchange.exo_mailbox_auto_reply
"""

EXAMPLES = r"""
- name: A leaver keeps no client access
  mailops.exchange.exo_cas_mailbox:
    mailbox: leaver@contoso.com
    owa_enabled: false
    active_sync_enabled: false
    imap_enabled: false
    pop_enabled: false
    ews_enabled: false

- name: No POP or IMAP for anyone in the list, with a phone exception for one of them
  mailops.exchange.exo_cas_mailbox:
    mailboxes:
      - mailbox: alice@contoso.com
      - mailbox: bob@contoso.com
        active_sync_enabled: true
    pop_enabled: false
    imap_enabled: false
    active_sync_enabled: false
"""

RETURN = r"""
cas_mailbox:
  description:
    - The mailbox's client access settings after the task, as Exchange reports them; in check
      mode, what they would be.
  returned: without O(mailboxes)
  type: dict
  contains:
    owa_enabled:
      description: Outlook on the web.
      type: bool
      returned: always
      sample: false
    active_sync_enabled:
      description: Exchange ActiveSync.
      type: bool
      returned: always
      sample: false
    imap_enabled:
      description: IMAP4.
      type: bool
      returned: always
      sample: false
    pop_enabled:
      description: POP3.
      type: bool
      returned: always
      sample: false
    mapi_enabled:
      description: MAPI (Outlook for Windows).
      type: bool
      returned: always
      sample: true
    ews_enabled:
      description: Exchange Web Services.
      type: bool
      returned: always
      sample: true
    outlook_mobile_enabled:
      description: Outlook for iOS and Android.
      type: bool
      returned: always
      sample: true
    universal_outlook_enabled:
      description: The Mail and Calendar apps and the new Outlook for Windows.
      type: bool
      returned: always
      sample: true
changes:
  description:
    - What changed (or in check mode would change) - for each option, its C(before) and C(after).
  returned: without O(mailboxes)
  type: dict
  sample: {owa_enabled: {before: true, after: false}}
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(cas_mailbox), C(changes)
      and C(changed) as for a single mailbox, or C(failed=true) with C(msg) and the error C(kind).
      C(key) is the entry's C(mailbox); with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(mailboxes)
  type: list
  elements: dict
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine import Prop, Resource, argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule

# option -> Get-/Set-CASMailbox property, each a boolean the service reports (True when unset).
PROTOCOLS = (
    ('owa_enabled', 'OWAEnabled'),
    ('active_sync_enabled', 'ActiveSyncEnabled'),
    ('imap_enabled', 'ImapEnabled'),
    ('pop_enabled', 'PopEnabled'),
    ('mapi_enabled', 'MAPIEnabled'),
    ('ews_enabled', 'EwsEnabled'),
    ('outlook_mobile_enabled', 'OutlookMobileEnabled'),
    ('universal_outlook_enabled', 'UniversalOutlookEnabled'),
)


def _enabled(value):
    # A property the row leaves out (or null) is on: the service's default for every protocol.
    return value is not False


class CasMailbox(Resource):
    noun = 'CASMailbox'
    identity = 'mailbox'
    key = 'cas_mailbox'
    what = 'mailbox'
    presence = None
    bulk = 'mailboxes'
    write_switches = {'Confirm': False}
    properties = tuple(Prop(option, parameter, view=_enabled, default=True, spec=dict(type='bool'))
                       for option, parameter in PROTOCOLS)

    def check_input(self, entry, where):
        if not entry['mailbox'].strip():
            raise ValueError("%smailbox: '%s' is not an identity" % (where, entry['mailbox']))
        if all(entry.get(option) is None for option, unused in PROTOCOLS):
            raise ValueError('%smailbox: \'%s\' is given no setting; one of the following is required: %s'
                             % (where, entry['mailbox'], ', '.join(option for option, unused in PROTOCOLS)))


def main():
    exo = ExoModule(**argument_spec(CasMailbox))
    exo.run(lambda module: module.converge_declared(CasMailbox))


if __name__ == '__main__':
    main()
