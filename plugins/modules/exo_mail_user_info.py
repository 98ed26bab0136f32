#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_mail_user_info
short_description: Read Exchange Online mail users
version_added: 0.2.0
description:
  - Reads one mail user by O(identity), several by O(mail_users), or every mail user that
    matches an OPATH O(filter), following the service's paging until the end.
  - Mail users are read with C(Get-Recipient -RecipientTypeDetails MailUser), which shows their
    mail settings and person properties together, and returned with the snake_case keys of
    M(mailops.exchange.exo_mail_user), plus their addresses and custom attributes. Passwords
    cannot be read, so none is ever returned.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.info_attributes
options:
  identity:
    description:
      - One mail user, in any identity form Exchange accepts (name, alias, user principal name,
        address, GUID).
      - A mail user that does not exist gives an empty RV(mail_users) list, not an error.
    type: str
  mail_users:
    description:
      - Several mail users, in any identity form, read ten to a request.
      - RV(mail_users) holds them in the order given, each once; the identities that name no
        mail user are listed in RV(not_found), not an error.
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter, for example V(ExternalEmailAddress -like '*@fabrikam.com') or V(CustomAttribute1 -eq 'contractor').
    type: str
  result_size:
    description:
      - The most mail users to return. By default every matching mail user is returned.
    type: int
notes:
  - O(identity) and O(mail_users) cannot be combined with each other, O(filter) or O(result_size).
seealso:
  - module: mailops.exchange.exo_mail_user
"""

EXAMPLES = r"""
- name: Read one mail user
  mailops.exchange.exo_mail_user_info:
    identity: ed@contoso.com
  register: ed

- name: Every mail user whose mail goes to Fabrikam
  mailops.exchange.exo_mail_user_info:
    filter: "ExternalEmailAddress -like '*@fabrikam.com'"
  register: fabrikam

- name: Three mail users in one read
  mailops.exchange.exo_mail_user_info:
    mail_users: [ed@contoso.com, Ann Beebe, ghost@contoso.com]
  register: some
"""

RETURN = r"""
not_found:
  description: With O(mail_users), the identities given that name no mail user, in the order given.
  returned: with O(mail_users)
  type: list
  elements: str
  sample: [ghost@contoso.com]
mail_users:
  description:
    - The mail users found, in the order the service returned them (with O(mail_users), in the order given).
  returned: always
  type: list
  elements: dict
  contains:
    identity:
      description: The mail user's Exchange identity (in Exchange Online, its name).
      type: str
    guid:
      description: The recipient GUID.
      type: str
    name:
      description: The name.
      type: str
    user_principal_name:
      description: The account (C(MicrosoftOnlineServicesID), shown by C(Get-Recipient) as C(WindowsLiveID)).
      type: str
      sample: ed@contoso.com
    external_email_address:
      description: The external address, without its C(SMTP:) prefix.
      type: str
      sample: ed@tailspintoys.com
    primary_smtp_address:
      description: The primary SMTP address.
      type: str
    email_addresses:
      description: Every proxy address, C(SMTP:) for the primary, C(smtp:) for the others.
      type: list
      elements: str
    display_name:
      description: The display name.
      type: str
    alias:
      description: The mail alias.
      type: str
    first_name:
      description: The first name.
      type: str
    last_name:
      description: The last name.
      type: str
    hidden_from_address_lists:
      description: Whether the mail user is hidden from address lists.
      type: bool
    custom_attributes:
      description: The non-empty custom attributes, keyed by their number C(1) to C(15).
      type: dict
      sample: {"1": "contractor"}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.engine.info import listing_spec
from ansible_collections.mailops.exchange.plugins.module_utils.engine.listings import MailUsers
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


def main():
    ExoModule(**listing_spec(MailUsers)).list_declared(MailUsers)


if __name__ == '__main__':
    main()
