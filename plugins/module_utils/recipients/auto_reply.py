# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Automatic reply (out of office) values as pure data. No I/O.

Exchange stores a plain-text auto-reply wrapped in HTML (``<html><body>...``) and reports it that
way, so comparing the stored message with the one in a task would report a change on every run.
Messages are compared as the text a reader sees instead.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Option value -> AutoReplyState / ExternalAudience as Exchange spells them.
STATES = {'enabled': 'Enabled', 'disabled': 'Disabled', 'scheduled': 'Scheduled'}
AUDIENCES = {'none': 'None', 'known': 'Known', 'all': 'All'}

# Plain text may contain "<", ">" and "&" ("<Project X> & more" is text, which Exchange escapes);
# only a message with HTML tags or comments is read as HTML.
_MARKUP = re.compile(
    r'<\s*/?\s*(?:html|head|body|meta|style|title|script|p|br|div|span|font|b|i|u|em|strong|a|img|'
    r'hr|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|blockquote|pre|center)\b[^>]*>|<!--',
    re.IGNORECASE)

# Content a reader never sees: document metadata, styles and scripts.
_INVISIBLE = frozenset(('head', 'style', 'script', 'title'))


class _TextCollector(HTMLParser):

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.parts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _INVISIBLE:
            self._hidden += 1
        # Tags separate words: "a<br>b" reads as "a b", as the plain text "a\nb" does.
        self.parts.append(' ')

    def handle_endtag(self, tag):
        if tag in _INVISIBLE and self._hidden:
            self._hidden -= 1
        self.parts.append(' ')

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def message_text(message):
    """The text a reader sees in ``message`` (HTML or plain text), whitespace collapsed.

    A message with HTML markup has its tags, comments, styles and scripts dropped and its
    entities decoded (``&amp;`` is ``&``, ``&nbsp;`` a space); any other message is plain text
    and kept as it is. Then runs of whitespace become one space. None is the empty text.
    """
    if not message:
        return ''
    if not _MARKUP.search(str(message)):
        return ' '.join(str(message).split())
    collector = _TextCollector()
    collector.feed(str(message))
    collector.close()
    return ' '.join(''.join(collector.parts).split())


def same_message(first, second):
    """Whether two auto-reply messages read the same (see :func:`message_text`)."""
    return message_text(first) == message_text(second)


def option_value(table, value):
    """The option spelling (``enabled``) of an Exchange value (``Enabled``); unknown values lower-cased."""
    for option, exchange in table.items():
        if str(value).lower() == exchange.lower():
            return option
    return str(value).lower()
