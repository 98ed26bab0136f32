#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: onprem_exchange_cas_mailbox
short_description: Client protocols and client policies of an on-premises Exchange mailbox
version_added: 0.3.0
description:
  - Sets which clients may open a mailbox of an on-premises Exchange organisation - Outlook on
    the web, Exchange ActiveSync, IMAP, POP, MAPI (Outlook for Windows) and EWS - and its Outlook
    on the web and mobile device policies, through C(Get/Set-CASMailbox) over PowerShell remoting.
  - The same declaration as M(mailops.exchange.exo_cas_mailbox) (the same options, comparisons and
    results), without the settings Exchange Server does not have per mailbox (Outlook mobile, the
    new Outlook, SMTP AUTH).
  - Only mailboxes on an Exchange database are managed. A remote (hybrid) mailbox's client access
    lives in Exchange Online - use M(mailops.exchange.exo_cas_mailbox) for it; here it is not found.
  - Only the options given are managed; all changes to one mailbox go to Exchange in one call,
    so a value it refuses changes nothing.
  - In check mode a mailbox that does not exist yet (an earlier task of the run creates it) is
    reported with every value given as the change, and a warning.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_onprem
  - mailops.exchange.exchange_onprem.attributes
  - mailops.exchange.exchange_onprem.bulk
  - mailops.exchange.bulk_results
  - mailops.exchange.cas_mailbox
options:
  mailboxes:
    description:
      - Many mailboxes in one task (bulk mode), read and written over one runspace pool. Each entry
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
      owa_mailbox_policy:
        description: As O(owa_mailbox_policy), for this mailbox.
        type: str
      active_sync_mailbox_policy:
        description: As O(active_sync_mailbox_policy), for this mailbox.
        type: str
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
  mailops.exchange.onprem_exchange_cas_mailbox:
    mailbox: leaver@contoso.com
    owa_enabled: false
    active_sync_enabled: false
    imap_enabled: false
    pop_enabled: false
    ews_enabled: false

- name: No POP or IMAP for anyone in the list, with a phone exception for one of them
  mailops.exchange.onprem_exchange_cas_mailbox:
    mailboxes:
      - mailbox: alice@contoso.com
      - mailbox: bob@contoso.com
        active_sync_enabled: true
    pop_enabled: false
    imap_enabled: false
    active_sync_enabled: false

- name: The frontline web policy and the restricted mobile policy
  mailops.exchange.onprem_exchange_cas_mailbox:
    mailbox: kiosk@contoso.com
    owa_mailbox_policy: Frontline Web
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
    owa_mailbox_policy:
      description: The Outlook on the web mailbox policy.
      type: str
      returned: always
      sample: Default
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
    - The calls the task had in flight at once when it ended (pipelines on the runspace pool) -
      O(parallel), or fewer after WinRM refused pipelines for quota.
  returned: when the task sent calls to the server
  type: int
  sample: 4
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.cas import OnPremCasMailbox
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import argument_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.onprem_module import OnPremModule


def main():
    module = OnPremModule(**argument_spec(OnPremCasMailbox))
    module.run(lambda m: m.converge_declared(OnPremCasMailbox))


if __name__ == '__main__':
    main()
