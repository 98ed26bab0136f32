#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_cas_mailbox
short_description: Client protocols, SMTP AUTH and client policies of an Exchange Online mailbox
version_added: 0.2.0
description:
  - Sets which clients may open a mailbox - Outlook on the web, Exchange ActiveSync, IMAP, POP,
    MAPI (Outlook for Windows), EWS, Outlook mobile and the new Outlook for Windows - whether it
    may send over authenticated SMTP, and its Outlook on the web and mobile device policies,
    through C(Get/Set-CASMailbox) - the first step of most leaver runbooks.
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
  - mailops.exchange.bulk_results
  - mailops.exchange.cas_mailbox
options:
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
      smtp_client_authentication:
        description: As O(smtp_client_authentication), for this mailbox.
        type: str
        choices: [enabled, disabled, organization_default]
      owa_mailbox_policy:
        description: As O(owa_mailbox_policy), for this mailbox.
        type: str
      active_sync_mailbox_policy:
        description: As O(active_sync_mailbox_policy), for this mailbox.
        type: str
  outlook_mobile_enabled:
    description:
      - Outlook for iOS and Android (C(OutlookMobileEnabled)).
    type: bool
  universal_outlook_enabled:
    description:
      - The Mail and Calendar apps and the new Outlook for Windows (C(UniversalOutlookEnabled)).
    type: bool
  smtp_client_authentication:
    description:
      - Authenticated SMTP submission (SMTP AUTH, C(SmtpClientAuthenticationDisabled)), used by
        devices and applications that send mail as the mailbox.
      - V(disabled) turns it off for this mailbox and V(enabled) on, whatever the organisation
        says; V(organization_default) removes the mailbox's own setting (C($null)), so the
        organisation's C(Set-TransportConfig -SmtpClientAuthenticationDisabled) applies.
    type: str
    choices: [enabled, disabled, organization_default]
notes:
  - A policy named by O(owa_mailbox_policy) or O(active_sync_mailbox_policy) is looked up once per
    task, and only when a mailbox would change to it; a policy an earlier task creates is not
    assumed in check mode.
  - At least one of the protocol or policy options must be given (for each entry of O(mailboxes), by the
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

- name: A scanner may send as this mailbox over SMTP AUTH, with the frontline web policy
  mailops.exchange.exo_cas_mailbox:
    mailbox: scanner@contoso.com
    smtp_client_authentication: enabled
    owa_mailbox_policy: Frontline Web

- name: Back to the organisation's SMTP AUTH setting, and the restricted mobile policy
  mailops.exchange.exo_cas_mailbox:
    mailbox: scanner@contoso.com
    smtp_client_authentication: organization_default
    active_sync_mailbox_policy: Leavers No Devices
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
    smtp_client_authentication:
      description: V(enabled), V(disabled), or V(organization_default) when the mailbox has no setting of its own.
      type: str
      returned: always
      sample: organization_default
    owa_mailbox_policy:
      description: The Outlook on the web mailbox policy.
      type: str
      returned: always
      sample: OwaMailboxPolicy-Default
    active_sync_mailbox_policy:
      description: The mobile device mailbox policy.
      type: str
      returned: always
      sample: Default
changes:
  description:
    - What changed (or in check mode would change) - for each option, its C(before) and C(after).
  returned: without O(mailboxes)
  type: dict
  sample: {owa_enabled: {before: true, after: false}}
results:
  description:
    - With O(mailboxes), one entry per mailbox in the order given - RV(cas_mailbox), C(changes)
      and C(changed) as for a single mailbox, or C(failed=true) with C(msg) and the error's C(error_kind).
      C(key) is the entry's C(mailbox); with C(--diff), the task's C(diff) is keyed by it too.
  returned: with O(mailboxes)
  type: list
  elements: dict
concurrency:
  description:
    - The requests the task had in flight at once when it ended - with O(parallel=auto) what it
      settled at (it grows while the service answers and halves on throttling), with a number
      that number or fewer after throttling; never more than were in flight at once.
  returned: when the task sent requests to the service
  type: int
  sample: 12
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.cas import CasMailbox
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    exo = ExoModule(**argument_spec(CasMailbox))
    exo.run(lambda module: module.converge_declared(CasMailbox))


if __name__ == '__main__':
    main()
