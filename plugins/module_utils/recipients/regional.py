# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Mailbox regional settings as pure data: languages and the date and time formats they allow.

Exchange accepts only the short date and short time patterns of the mailbox language's culture
and refuses any other with "The DateFormat "x" isn't valid for current language setting". For
the languages below the formats are checked before anything is sent, so a bad format changes
nothing and sends no write; for other languages Exchange is the judge. No I/O.
"""

from __future__ import annotations

# The short date and short time patterns of the .NET cultures Exchange uses, first the default.
DATE_FORMATS = {
    'en-US': ('M/d/yyyy', 'M/d/yy', 'MM/dd/yy', 'MM/dd/yyyy', 'yy/MM/dd', 'yyyy-MM-dd', 'dd-MMM-yy'),
    'en-GB': ('dd/MM/yyyy', 'dd/MM/yy', 'd/M/yy', 'd.M.yy', 'yyyy-MM-dd'),
    'de-DE': ('dd.MM.yyyy', 'dd.MM.yy', 'd.M.yyyy', 'd.M.yy', 'yyyy-MM-dd'),
    'fr-FR': ('dd/MM/yyyy', 'dd/MM/yy', 'dd.MM.yy', 'dd-MM-yy', 'yyyy-MM-dd'),
    'nl-NL': ('d-M-yyyy', 'dd-MM-yy', 'dd/MM/yy', 'dd.MM.yy', 'yyyy-MM-dd'),
}
TIME_FORMATS = {
    'en-US': ('h:mm tt', 'hh:mm tt', 'H:mm', 'HH:mm'),
    'en-GB': ('HH:mm', 'H:mm', 'hh:mm tt', 'h:mm tt'),
    'de-DE': ('HH:mm', 'H:mm'),
    'fr-FR': ('HH:mm', "HH' h 'mm", 'H:mm', 'HH.mm'),
    'nl-NL': ('HH:mm', 'H:mm'),
}

# Exchange parameter -> (option, table of allowed values per language).
_FORMAT_TABLES = {
    'DateFormat': ('date_format', DATE_FORMATS),
    'TimeFormat': ('time_format', TIME_FORMATS),
}


def language_name(value):
    """A culture name from Exchange's Language value: a name, an object with ``Name``, or None."""
    if isinstance(value, dict):
        value = value.get('Name') or value.get('name')
    return '' if value is None else str(value)


def known_language(language):
    """The table's spelling of ``language`` (matched case-insensitively), or None if unknown."""
    for name in DATE_FORMATS:
        if name.lower() == str(language or '').lower():
            return name
    return None


def format_problem(parameter, value, language):
    """Why ``value`` cannot be the ``DateFormat``/``TimeFormat`` under ``language``, or None.

    None as well when the language is not in the table: then Exchange decides.
    """
    option, table = _FORMAT_TABLES[parameter]
    known = known_language(language)
    if known is None or value in table[known]:
        return None
    return ('%s: \'%s\' is not valid for the language %s; valid formats are %s'
            % (option, value, known, ', '.join(table[known])))
