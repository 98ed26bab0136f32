# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Entra ID built-in directory roles by name and template id (Microsoft Entra built-in roles reference)."""

import re

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, INVALID_ARGUMENT

DIRECTORY_ROLES = {
    'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
    'Exchange Recipient Administrator': '31392ffb-586c-42d1-9346-e59415a2cc4e',
    'Directory Writers': '9360feb5-f418-4baa-8175-e2a00bac4301',
    'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
    'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
    'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
    'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
    'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
    'Compliance Administrator': '17315797-102d-40b4-93e0-432062caca18',
}

_NAMES = dict((template.lower(), name) for name, template in DIRECTORY_ROLES.items())
_BY_LOWER_NAME = dict((name.lower(), template) for name, template in DIRECTORY_ROLES.items())
_GUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', re.IGNORECASE)


def is_guid(text):
    """True for a GUID in its 8-4-4-4-12 form (application ids, role template ids)."""
    return bool(_GUID.match(text))


def role_name(template_id):
    """The role's name for a template id, or the id itself when the role is not in the table."""
    return _NAMES.get(template_id.lower(), template_id.lower())


def resolve_roles(option, values):
    """Map role names (any case) or template ids to ``{template_id: name}``.

    Raises ``ExchangeError`` (invalid_argument) naming ``option``, the value and the known names.
    """
    resolved = {}
    for value in values:
        text = (value or '').strip()
        if is_guid(text):
            template = text.lower()
        elif text.lower() in _BY_LOWER_NAME:
            template = _BY_LOWER_NAME[text.lower()]
        else:
            raise ExchangeError(
                "%s: '%s' is not a known directory role; give a template id or one of: %s"
                % (option, value, ', '.join(sorted(DIRECTORY_ROLES))), kind=INVALID_ARGUMENT)
        resolved[template] = role_name(template)
    return resolved
