# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""A mailbox's client access settings (``Get-/Set-CASMailbox``), declared once for both
transports: ``exo_cas_mailbox`` declares :class:`CasMailbox` as it is, and
``onprem_exchange_cas_mailbox`` the on-premises subset of its property table
(:data:`ONPREM_OPTIONS`: Exchange Server has no per-mailbox switch for Outlook mobile, the new
Outlook or SMTP client authentication).
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR

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

# SmtpClientAuthenticationDisabled: True, False, or null for "as the organisation says"
# (Set-TransportConfig), which Set-CASMailbox takes back with $null.
SMTP_AUTH = {'enabled': False, 'disabled': True, 'organization_default': CLEAR}

# The options Set-CASMailbox has on Exchange Server 2016 and 2019 too.
ONPREM_OPTIONS = ('owa_enabled', 'active_sync_enabled', 'imap_enabled', 'pop_enabled', 'mapi_enabled', 'ews_enabled',
                  'owa_mailbox_policy', 'active_sync_mailbox_policy')


def _enabled(value):
    # A property the row leaves out (or null) is on: the service's default for every protocol.
    return value is not False


def _smtp_auth(value):
    return 'disabled' if value is True else 'enabled' if value is False else 'organization_default'


class CasMailbox(Resource):
    noun = 'CASMailbox'
    identity = 'mailbox'
    key = 'cas_mailbox'
    what = 'mailbox'
    presence = None
    bulk = 'mailboxes'
    write_switches = {'Confirm': False}
    properties = tuple(Prop(option, parameter, view=_enabled, default=True, spec=dict(type='bool'))
                       for option, parameter in PROTOCOLS) + (
        Prop('smtp_client_authentication', 'SmtpClientAuthenticationDisabled', view=_smtp_auth, wire=SMTP_AUTH.get,
             spec=dict(type='str', choices=list(SMTP_AUTH))),
        Prop('owa_mailbox_policy', 'OwaMailboxPolicy', same=same_text, refers='Get-OwaMailboxPolicy', spec=dict(type='str')),
        Prop('active_sync_mailbox_policy', 'ActiveSyncMailboxPolicy', same=same_text, refers='Get-MobileDeviceMailboxPolicy',
             spec=dict(type='str')),
    )

    def check_input(self, entry, where):
        if not entry['mailbox'].strip():
            raise ValueError("%smailbox: '%s' is not an identity" % (where, entry['mailbox']))
        if all(entry.get(prop.option) is None for prop in self.properties):
            raise ValueError('%smailbox: \'%s\' is given no setting; one of the following is required: %s'
                             % (where, entry['mailbox'], ', '.join(prop.option for prop in self.properties)))
        for option in ('owa_mailbox_policy', 'active_sync_mailbox_policy'):
            if entry.get(option) is not None and not entry[option].strip():
                raise ValueError("%s%s: '%s' is not a policy name" % (where, option, entry[option]))


class OnPremCasMailbox(CasMailbox):
    """The same declaration over PowerShell remoting, with the options Exchange Server has."""
    properties = tuple(prop for prop in CasMailbox.properties if prop.option in ONPREM_OPTIONS)
    not_found_hint = (' among the on-premises mailboxes (the client access settings of a remote mailbox live in '
                      'Exchange Online: use mailops.exchange.exo_cas_mailbox for it)')
