# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# The client access options of exo_cas_mailbox and onprem_exchange_cas_mailbox, written once: the
# two modules are one declaration over Get/Set-CASMailbox (Exchange Online's has three more options).


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  mailbox:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
      - Required unless O(mailboxes) is given.
    type: str
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
  owa_mailbox_policy:
    description:
      - The Outlook on the web mailbox policy (C(OwaMailboxPolicy)), by name, compared
        case-insensitively. A name that is no policy of the organisation (C(Get-OwaMailboxPolicy))
        fails before anything is written.
    type: str
  active_sync_mailbox_policy:
    description:
      - The mobile device (Exchange ActiveSync) mailbox policy (C(ActiveSyncMailboxPolicy)), by
        name, compared case-insensitively. A name that is no policy of the organisation
        (C(Get-MobileDeviceMailboxPolicy)) fails before anything is written.
    type: str
"""
