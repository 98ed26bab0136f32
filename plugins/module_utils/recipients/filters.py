# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""OPATH recipient filters (``RecipientFilter``) as the user writes them and as Exchange stores them.

Exchange does not store a dynamic distribution group's filter as given: it parses it, writes it
back with its own parentheses, spacing and property spellings, and joins clauses of its own to it
(``-and (-not(Name -like 'SystemMailbox{*')) -and ...``, the system mailboxes a group never
reaches). So a re-run compares filters by meaning: both sides parsed, the service's own clauses
dropped, property names and values folded to one case, ``-and``/``-or`` chains flattened and
sorted (:func:`filter_key`). Any other difference is a change. Pure logic (a preview is read
through the caller's ``invoke_all``); not for use outside this collection.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

COMPARISONS = ('eq', 'ne', 'lt', 'gt', 'le', 'ge', 'like', 'notlike')
LITERALS = {'$true': '$true', '$false': '$false', '$null': '$null'}
_WORD = re.compile(r"[A-Za-z0-9_.@:*\\/+{}\-]+")
_OPERATOR = re.compile(r'-([A-Za-z]+)')
_VARIABLE = re.compile(r'\$[A-Za-z]+')
# Property spellings Exchange rewrites when it stores a filter (lower case -> stored spelling).
SPELLINGS = {'recipienttypedetails': 'RecipientTypeDetailsValue'}
# The clauses Exchange Online joins to every stored filter (docs/sandbox.md lists the evidence).
SERVICE_CLAUSES = (
    ('Name', 'like', 'SystemMailbox{*'), ('Name', 'like', 'CAS_{*'),
) + tuple(('RecipientTypeDetailsValue', 'eq', kind) for kind in (
    'MailboxPlan', 'DiscoveryMailbox', 'PublicFolderMailbox', 'ArbitrationMailbox', 'AuditLogMailbox',
    'AuxAuditLogMailbox', 'SupervisoryReviewPolicyMailbox'))
# IncludedRecipients -> the RecipientType / RecipientTypeDetailsValue values it selects, in the
# order of the flags of WellKnownRecipientType (the order Exchange shows and generates them in).
INCLUDED = (
    ('MailboxUsers', (('RecipientType', 'UserMailbox'),)),
    ('Resources', (('RecipientTypeDetailsValue', 'RoomMailbox'), ('RecipientTypeDetailsValue', 'EquipmentMailbox'))),
    ('MailContacts', (('RecipientType', 'MailContact'),)),
    ('MailGroups', (('RecipientType', 'MailUniversalDistributionGroup'), ('RecipientType', 'MailUniversalSecurityGroup'),
                    ('RecipientType', 'DynamicDistributionGroup'))),
    ('MailUsers', (('RecipientType', 'MailUser'),)),
)
# The precanned conditions: Conditional<Property> -> the property they compare.
CONDITIONS = (('ConditionalCompany', 'Company'), ('ConditionalDepartment', 'Department'),
              ('ConditionalStateOrProvince', 'StateOrProvince')) + tuple(
    ('ConditionalCustomAttribute%d' % n, 'CustomAttribute%d' % n) for n in range(1, 16))
# The conditions the modules manage: option -> parameter.
CONDITION_OPTIONS = (('conditional_company', 'ConditionalCompany'), ('conditional_department', 'ConditionalDepartment'),
                     ('conditional_state_or_province', 'ConditionalStateOrProvince'))
PRECANNED_OPTIONS = ('included_recipients',) + tuple(option for option, unused in CONDITION_OPTIONS)


def _tokens(text):
    """(kind, value, position) for each token; ValueError names the position of what is not OPATH."""
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in '()':
            tokens.append((ch, ch, i))
            i += 1
        elif ch in '\'"':
            end, value = _quoted(text, i)
            tokens.append(('value', value, i))
            i = end
        elif ch == '-' and _OPERATOR.match(text, i):
            match = _OPERATOR.match(text, i)
            tokens.append(('op', match.group(1).lower(), i))
            i = match.end()
        elif ch == '$':
            match = _VARIABLE.match(text, i)
            if not match or match.group(0).lower() not in LITERALS:
                raise ValueError("'%s' at position %d: only $true, $false and $null" % (match.group(0) if match else ch, i + 1))
            tokens.append(('literal', match.group(0).lower(), i))
            i = match.end()
        else:
            match = _WORD.match(text, i)
            if not match:
                raise ValueError("'%s' at position %d" % (ch, i + 1))
            tokens.append(('word', match.group(0), i))
            i = match.end()
    return tokens


def _quoted(text, start):
    quote = text[start]
    out = []
    i = start + 1
    while i < len(text):
        if text[i] == quote:
            if text[i + 1:i + 2] == quote:
                out.append(quote)
                i += 2
                continue
            return i + 1, ''.join(out)
        out.append(text[i])
        i += 1
    raise ValueError('an unclosed quote at position %d' % (start + 1))


class _Parser(object):
    """expr := and ('-or' and)*; and := unary ('-and' unary)*; unary := '-not' unary | '(' expr ')' |
    Property -op value. Nodes: ('cmp', property, op, value), ('not', node), ('and'|'or', [nodes])."""

    def __init__(self, text):
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0

    def fail(self, what='nothing more'):
        position = self.tokens[self.index][2] + 1 if self.index < len(self.tokens) else len(self.text) + 1
        raise ValueError('expected %s at position %d' % (what, position))

    def peek(self, kind, value=None):
        if self.index < len(self.tokens):
            token = self.tokens[self.index]
            return token[0] == kind and (value is None or token[1] == value)
        return False

    def take(self, kind, what):
        if not self.peek(kind):
            self.fail(what)
        self.index += 1
        return self.tokens[self.index - 1][1]

    def parse(self):
        node = self.chain('or', lambda: self.chain('and', self.unary))
        if self.index < len(self.tokens):
            self.fail('-and, -or or the end')
        return node

    def chain(self, op, item):
        nodes = [item()]
        while self.peek('op', op):
            self.index += 1
            nodes.append(item())
        return nodes[0] if len(nodes) == 1 else (op, nodes)

    def unary(self):
        if self.peek('op', 'not'):
            self.index += 1
            return ('not', self.unary())
        if self.peek('('):
            self.index += 1
            node = self.chain('or', lambda: self.chain('and', self.unary))
            self.take(')', "')'")
            return node
        prop = self.take('word', 'a property name')
        op = self.take('op', 'an operator such as -eq')
        if op not in COMPARISONS:
            self.index -= 1
            self.fail('one of -%s' % ', -'.join(COMPARISONS))
        if not (self.peek('value') or self.peek('word') or self.peek('literal')):
            self.fail('a value')
        self.index += 1
        token = self.tokens[self.index - 1]
        return ('cmp', SPELLINGS.get(prop.lower(), prop), op, token[1] if token[0] != 'literal' else LITERALS[token[1]])


def parse(text):
    """The tree of an OPATH filter; ValueError saying what is wrong where."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError('an empty filter')
    return _Parser(text).parse()


def _flat(node):
    """Nested chains of one operator as one chain: (a -and (b -and c)) is (a -and b -and c)."""
    if node[0] == 'not':
        return ('not', _flat(node[1]))
    if node[0] == 'cmp':
        return node
    children = []
    for child in (_flat(child) for child in node[1]):
        children.extend(child[1] if child[0] == node[0] else [child])
    return (node[0], children)


def _is_service_clause(node):
    if node[0] != 'not' or node[1][0] != 'cmp':
        return False
    unused, prop, op, value = node[1]
    return any(prop.lower() == p.lower() and op == o and str(value).lower() == v.lower() for p, o, v in SERVICE_CLAUSES)


def own_part(node):
    """The filter without the clauses Exchange joins to every stored filter (None: nothing is left)."""
    node = _flat(node)
    if _is_service_clause(node):
        return None
    if node[0] != 'and':
        return node
    kept = [child for child in node[1] if not _is_service_clause(child)]
    return None if not kept else kept[0] if len(kept) == 1 else ('and', kept)


def _value(value):
    return value if value in LITERALS.values() else "'%s'" % str(value).replace("'", "''")


def render(node):
    """The filter in the form Exchange writes it: every comparison in parentheses."""
    if node[0] == 'cmp':
        return '(%s -%s %s)' % (node[1], node[2], _value(node[3]))
    if node[0] == 'not':
        return '(-not%s)' % render(node[1])
    return '(%s)' % (' -%s ' % node[0]).join(render(child) for child in node[1])


def _key(node):
    if node[0] == 'cmp':
        return '(%s -%s %s)' % (node[1].lower(), node[2], _value(str(node[3]).lower()))
    if node[0] == 'not':
        return '(-not%s)' % _key(node[1])
    return '(%s)' % (' -%s ' % node[0]).join(sorted(_key(child) for child in node[1]))


def shown(text):
    """A stored (or given) filter as the result shows it: the user's part, as Exchange writes it.
    Text that does not parse is shown as it is."""
    if not text:
        return ''
    try:
        node = own_part(parse(text))
    except ValueError:
        return text
    return render(node) if node is not None else ''


def filter_key(text):
    """What two filters share when they select the same recipients in the same way: equal keys
    mean no change (case, spacing, parentheses, order of -and/-or and the service's clauses aside)."""
    if not text:
        return ''
    try:
        node = own_part(parse(text))
    except ValueError:
        return ' '.join(str(text).lower().split())
    return _key(node) if node is not None else ''


def same_filter(have, want):
    """Whether the filter ``have`` (as stored or shown) is the filter ``want`` (as given)."""
    return filter_key(have) == filter_key(want)


def precanned_filter(included, conditions):
    """The filter Exchange generates from precanned conditions (``included``: IncludedRecipients
    names; ``conditions``: Conditional<Property> -> values), in the form :func:`render` writes."""
    parts = []
    wanted = set(name.lower() for name in included or ())
    kinds = [('cmp', prop, 'eq', value) for name, values in INCLUDED if name.lower() in wanted for prop, value in values]
    if kinds and 'allrecipients' not in wanted:
        parts.append(kinds[0] if len(kinds) == 1 else ('or', kinds))
    for parameter, prop in CONDITIONS:
        values = [('cmp', prop, 'eq', value) for value in conditions.get(parameter) or ()]
        if values:
            parts.append(values[0] if len(values) == 1 else ('or', values))
    if not parts:
        return ''
    return render(parts[0] if len(parts) == 1 else ('and', parts))


def previews(invoke_all, filters):
    """The recipients each of ``filters`` selects now (``Get-Recipient -RecipientPreviewFilter``,
    through ``invoke_all``, ten to a request), each list as results show it, sorted by name; the
    first refusal is raised."""
    answers = invoke_all([('Get-Recipient', {'RecipientPreviewFilter': text or "Name -like '*'", 'ResultSize': 'Unlimited'})
                          for text in filters])
    for answer in answers:
        if isinstance(answer, ExchangeError):
            raise answer
    return [members(answer) for answer in answers]


def members(rows):
    """The recipients of a preview as results show them, sorted by name."""
    return sorted((dict(name=str(row.get('Name') or ''), primary_smtp_address=str(row.get('PrimarySmtpAddress') or ''),
                        recipient_type_details=str(row.get('RecipientTypeDetails') or '')) for row in rows),
                  key=lambda member: member['name'].lower())


def included_names(value):
    """IncludedRecipients as Exchange shows it (``"MailboxUsers, MailContacts"``, or a list) as a sorted list."""
    items = value if isinstance(value, list) else str(value or '').split(',')
    return sorted(item.strip() for item in items if item and item.strip() and item.strip() != 'None')


def with_filter(row, given):
    """The group ``row`` once ``given`` (option -> value, None: not given) is written: a custom
    filter clears the precanned conditions; precanned conditions make Exchange generate the filter."""
    if given.get('recipient_filter') is not None:
        row.update(IncludedRecipients=None, **dict((parameter, []) for unused, parameter in CONDITION_OPTIONS))
    elif any(given.get(option) is not None for option in PRECANNED_OPTIONS):
        row['RecipientFilter'] = precanned_filter(included_names(row.get('IncludedRecipients')),
                                                  dict((p, row.get(p)) for unused, p in CONDITION_OPTIONS))
    return row
