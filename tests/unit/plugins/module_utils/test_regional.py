# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.regional import (
    format_problem,
    known_language,
    language_name,
)


def test_language_values_as_names_or_objects():
    assert language_name('de-DE') == 'de-DE'
    assert language_name({'Name': 'fr-FR', 'LCID': 1036}) == 'fr-FR'
    assert language_name(None) == ''


def test_known_language_is_case_insensitive():
    assert known_language('DE-de') == 'de-DE'
    assert known_language('ja-JP') is None
    assert known_language(None) is None


def test_format_problems_name_option_value_language_and_valid_formats():
    assert format_problem('DateFormat', 'dd.MM.yyyy', 'de-de') is None
    problem = format_problem('DateFormat', 'M/d/yyyy', 'de-DE')
    assert problem.startswith("date_format: 'M/d/yyyy' is not valid for the language de-DE; valid formats are dd.MM.yyyy, ")
    assert format_problem('TimeFormat', 'h:mm tt', 'nl-NL').startswith("time_format: 'h:mm tt'")


def test_unknown_languages_are_left_to_exchange():
    assert format_problem('DateFormat', 'anything', 'ja-JP') is None
