# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.recipients.auto_reply import (
    AUDIENCES,
    STATES,
    message_text,
    option_value,
    same_message,
)

WRAPPED = '<html>\n<body>\nAway &lt;until&gt; Monday &amp; back<br>\nBob\n</body>\n</html>\n'


def test_exchange_wrapping_reads_as_the_plain_text():
    assert message_text(WRAPPED) == 'Away <until> Monday & back Bob'
    assert same_message('Away <until> Monday & back\nBob', WRAPPED)


def test_outlook_html_drops_head_styles_and_comments():
    outlook = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
               '<style>p {margin: 0}</style><title>OOF</title></head><body><!-- x -->'
               '<p>I&#39;m&nbsp;out</p><p>until   Monday.</p></body></html>')
    assert message_text(outlook) == "I'm out until Monday."


def test_plain_text_is_not_unescaped():
    assert message_text('Tom &amp; Jerry') == 'Tom &amp; Jerry'
    assert message_text('if a < b and c > d') == 'if a < b and c > d'


def test_empty_and_none_are_the_same():
    assert message_text(None) == '' == message_text('   \n') == message_text('<html><body></body></html>')


@pytest.mark.parametrize('first, second', [
    ('Back on Monday', '<p>Back on Tuesday</p>'),
    ('Back', ''),
])
def test_different_text_is_a_change(first, second):
    assert not same_message(first, second)


def test_option_values_from_exchange_spellings():
    assert option_value(STATES, 'Scheduled') == 'scheduled'
    assert option_value(AUDIENCES, 'known') == 'known'
    assert option_value(AUDIENCES, 'Everyone') == 'everyone'
