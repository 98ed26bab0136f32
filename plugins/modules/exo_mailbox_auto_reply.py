#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_auto_reply
short_description: Manage the automatic replies (out of office) of an Exchange Online mailbox
version_added: 0.1.0
description:
  - Turns a mailbox's automatic replies on, off or on for a period, and sets their messages and
    audience, through C(Get/Set-MailboxAutoReplyConfiguration).
  - Exchange stores a plain-text message wrapped in HTML. Messages are compared as the text a
    reader sees (tags, styles and comments dropped, entities decoded, whitespace collapsed), so a
    re-run of the same task reports no change. A change of formatting alone is not a change.
  - Times are compared as instants, whatever time zone they are written in.
  - Only the options given are managed; the others keep their values.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  mailbox:
    description:
      - The mailbox, in any identity form Exchange accepts (name, alias, UPN, SMTP address, GUID).
    type: str
    required: true
  state:
    description:
      - V(enabled) sends automatic replies until they are disabled, V(disabled) stops them,
        V(scheduled) sends them between O(start_time) and O(end_time).
    type: str
    choices: [enabled, disabled, scheduled]
    required: true
  internal_message:
    description:
      - The reply to senders in the organisation, plain text or HTML. An empty string clears it.
    type: str
  external_message:
    description:
      - The reply to senders outside the organisation, plain text or HTML. An empty string clears it.
    type: str
  external_audience:
    description:
      - Which outside senders get O(external_message) - V(none), V(known) (senders in the
        mailbox's contacts) or V(all).
    type: str
    choices: [none, known, all]
  start_time:
    description:
      - When scheduled replies start, as ISO 8601 with a time zone, for example
        V(2025-07-01T08:00:00+02:00) or V(2025-07-01T06:00:00Z). A time without a time zone is refused.
      - Required with O(state=scheduled); must be before O(end_time).
    type: str
  end_time:
    description:
      - When scheduled replies end, as ISO 8601 with a time zone; must be after O(start_time).
      - Required with O(state=scheduled).
    type: str
notes:
  - Exchange's exact HTML wrapping of plain text is not documented; the comparison does not depend on it.
  - Times are compared to the second.
seealso:
  - module: mailops.exchange.exo_mailbox_regional_configuration
"""

EXAMPLES = r"""
- name: Out of office for the summer holidays
  mailops.exchange.exo_mailbox_auto_reply:
    mailbox: alice@contoso.com
    state: scheduled
    start_time: "2025-07-01T08:00:00+02:00"
    end_time: "2025-07-21T08:00:00+02:00"
    internal_message: |
      I am on holiday until 21 July.
      Bob (bob@contoso.com) stands in for me.
    external_message: I am on holiday until 21 July.
    external_audience: known

- name: Leaver - tell every sender where to go instead
  mailops.exchange.exo_mailbox_auto_reply:
    mailbox: leaver@contoso.com
    state: enabled
    internal_message: This mailbox is no longer monitored. Please write to support@contoso.com.
    external_message: This mailbox is no longer monitored. Please write to support@contoso.com.
    external_audience: all

- name: Back at work
  mailops.exchange.exo_mailbox_auto_reply:
    mailbox: alice@contoso.com
    state: disabled
"""

RETURN = r"""
auto_reply:
  description:
    - The automatic reply settings after the task; in check mode, what they would be (with the
      messages as given, before Exchange wraps them).
  returned: always
  type: dict
  contains:
    state:
      description: V(enabled), V(disabled) or V(scheduled).
      type: str
      returned: always
      sample: scheduled
    internal_message:
      description: The internal reply as the service stores it (plain text comes back as HTML).
      type: str
      returned: always
      sample: "<html>\n<body>\nI am on holiday until 21 July.\n</body>\n</html>\n"
    external_message:
      description: The external reply as the service stores it.
      type: str
      returned: always
      sample: "<html>\n<body>\nI am on holiday until 21 July.\n</body>\n</html>\n"
    external_audience:
      description: V(none), V(known) or V(all).
      type: str
      returned: always
      sample: known
    start_time:
      description: When scheduled replies start, ISO 8601 in UTC.
      type: str
      returned: always
      sample: "2025-07-01T06:00:00Z"
    end_time:
      description: When scheduled replies end, ISO 8601 in UTC.
      type: str
      returned: always
      sample: "2025-07-21T06:00:00Z"
"""

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.auto_reply import (
    AUDIENCES,
    STATES,
    option_value,
    same_message,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.transport.timestamps import (
    format_utc,
    parse_timestamp,
    same_instant,
)


def _instant(value):
    """An instant Exchange reports (UTC, possibly without an offset), or None."""
    if value in (None, ''):
        return None
    return parse_timestamp(value, 'the reported time', assume_utc=True)


def _time(option):
    def view(value):
        moment = _instant(value)
        return format_utc(moment) if moment else ''

    return Prop(option, option.title().replace('_', ''), view=view,
                wire=lambda value: format_utc(parse_timestamp(value, option)),
                same=lambda have, want: same_instant(_instant(have), parse_timestamp(want, option)),
                spec=dict(type='str'))


class AutoReply(Resource):
    noun = 'MailboxAutoReplyConfiguration'
    identity = 'mailbox'
    key = 'auto_reply'
    what = 'recipient'
    presence = None
    write_switches = {'Confirm': False}
    module_checks = dict(required_if=[('state', 'scheduled', ('start_time', 'end_time'))])
    properties = (
        Prop('state', 'AutoReplyState', view=lambda v: option_value(STATES, v or 'Disabled'), wire=STATES.get,
             same=same_text, spec=dict(type='str', required=True, choices=list(STATES))),
        Prop('internal_message', 'InternalMessage', view=lambda v: v or '', same=same_message, spec=dict(type='str')),
        Prop('external_message', 'ExternalMessage', view=lambda v: v or '', same=same_message, spec=dict(type='str')),
        Prop('external_audience', 'ExternalAudience', view=lambda v: option_value(AUDIENCES, v or 'None'),
             wire=AUDIENCES.get, same=same_text, spec=dict(type='str', choices=list(AUDIENCES))),
        _time('start_time'),
        _time('end_time'),
    )

    def check_input(self, entry, where):
        """Invalid times, or an end not after the start, fail before anything is read."""
        if not entry['mailbox'].strip():
            raise ValueError("mailbox: %r is not an identity" % entry['mailbox'])
        times = [parse_timestamp(entry[option], option) if entry[option] is not None else None
                 for option in ('start_time', 'end_time')]
        # state: scheduled requires both times, so this covers every schedule sent; with the other
        # states the times are only stored.
        if times[0] and times[1] and times[1] <= times[0]:
            raise ValueError("end_time: '%s' is not after start_time '%s'" % (entry['end_time'], entry['start_time']))


def main():
    exo = ExoModule(**argument_spec(AutoReply))
    exo.run(lambda module: module.converge_declared(AutoReply))


if __name__ == '__main__':
    main()
