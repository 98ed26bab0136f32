#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mailbox_regional_configuration
short_description: Manage the language, time zone and date and time formats of an Exchange Online mailbox
version_added: 0.1.0
description:
  - Sets a mailbox's regional settings through C(Get/Set-MailboxRegionalConfiguration), the
    values Outlook on the web asks for at the first sign-in.
  - Only the options given are managed; all changes go to Exchange in one call, so a value it
    refuses changes nothing.
  - The date and time formats must be ones the language allows. For V(en-US), V(en-GB),
    V(de-DE), V(fr-FR) and V(nl-NL) that is checked before anything is sent; for other
    languages Exchange checks it, and its refusal fails the task naming the option.
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
  language:
    description:
      - The mailbox language as a culture name such as V(de-DE) (compared case-insensitively).
    type: str
  time_zone:
    description:
      - The time zone as a Windows time zone id such as V(W. Europe Standard Time) or
        V(Pacific Standard Time) (compared case-insensitively). Exchange checks it.
    type: str
  date_format:
    description:
      - The short date format, one the language allows, such as V(dd.MM.yyyy) for V(de-DE)
        (compared exactly - V(MM) is the month, V(mm) the minute).
      - Checked against O(language) when it is given, else against the mailbox's language.
    type: str
  time_format:
    description:
      - The short time format, one the language allows, such as V(HH:mm) or V(h:mm tt).
    type: str
  localize_default_folder_name:
    description:
      - Rename the default folders (Inbox, Calendar, Sent Items...) into the language - in
        V(de-DE) the calendar becomes C(Kalender).
      - Only takes effect when O(language) changes; it is not part of the desired state.
    type: bool
    default: false
notes:
  - When only the language changes, Exchange may replace date and time formats that the new
    language does not allow with its defaults; the result shows what Exchange reports afterwards.
seealso:
  - module: mailops.exchange.exo_mailbox_folder_permission
  - module: mailops.exchange.exo_mailbox_auto_reply
"""

EXAMPLES = r"""
- name: A German mailbox with German folder names
  mailops.exchange.exo_mailbox_regional_configuration:
    mailbox: jonas@contoso.com
    language: de-DE
    time_zone: W. Europe Standard Time
    date_format: dd.MM.yyyy
    time_format: HH:mm
    localize_default_folder_name: true

- name: Only the time zone, for someone who moved
  mailops.exchange.exo_mailbox_regional_configuration:
    mailbox: alice@contoso.com
    time_zone: Eastern Standard Time
"""

RETURN = r"""
regional_configuration:
  description:
    - The regional settings after the task, as Exchange reports them; in check mode, what they would be.
  returned: always
  type: dict
  contains:
    language:
      description: The culture name.
      type: str
      returned: always
      sample: de-DE
    time_zone:
      description: The Windows time zone id.
      type: str
      returned: always
      sample: W. Europe Standard Time
    date_format:
      description: The short date format.
      type: str
      returned: always
      sample: dd.MM.yyyy
    time_format:
      description: The short time format.
      type: str
      returned: always
      sample: HH:mm
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Prop, Resource, argument_spec, same_text
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.regional import format_problem, language_name


def _text(value):
    return value or ''


class RegionalConfiguration(Resource):
    noun = 'MailboxRegionalConfiguration'
    identity = 'mailbox'
    key = 'regional_configuration'
    what = 'recipient'
    presence = None
    options = {'localize_default_folder_name': dict(type='bool', default=False)}
    module_checks = dict(required_one_of=[['language', 'time_zone', 'date_format', 'time_format']])
    properties = (
        Prop('language', 'Language', view=language_name, same=same_text, spec=dict(type='str')),
        Prop('time_zone', 'TimeZone', view=_text, same=same_text, spec=dict(type='str')),
        Prop('date_format', 'DateFormat', view=_text, spec=dict(type='str')),
        Prop('time_format', 'TimeFormat', view=_text, spec=dict(type='str')),
    )

    def check_input(self, entry, where):
        if not entry['mailbox'].strip():
            raise ValueError("mailbox: %r is not an identity" % entry['mailbox'])
        for prop in self.properties:
            value = entry[prop.option]
            if value is not None and not value.strip():
                raise ValueError("%s: '%s' is empty; leave the option out to keep the current value" % (prop.option, value))

    def validate(self, plan, changes):
        entry = plan.entry
        language = entry['language'] or language_name((plan.row or {}).get('Language'))
        for option, name in (('date_format', 'DateFormat'), ('time_format', 'TimeFormat')):
            if entry[option] is not None:
                problem = format_problem(name, entry[option], language)
                if problem:
                    return problem
        return None

    def write_parameters(self, entry, changes):
        if 'language' in changes and entry['localize_default_folder_name']:
            return {'Confirm': False, 'LocalizeDefaultFolderName': True}
        return {'Confirm': False}


def main():
    exo = ExoModule(**argument_spec(RegionalConfiguration))
    exo.run(lambda module: module.converge_declared(RegionalConfiguration))


if __name__ == '__main__':
    main()
