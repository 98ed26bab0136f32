# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Resources whose properties are sets: a group's members, a mailbox's trustees.

A :class:`Relation` is an engine :class:`Resource` whose :class:`Prop` rows are sets under the
collection's ``state`` + ``exclusive`` convention. The row holds each current set and the
desired value is the set the entry names, both key -> shown value; the change of each is a
:class:`SetChange`, reported ``{added, removed}``. A set is written by the resource's own
Add-/Remove- calls (``when=WRITES``, through the ``writes`` hook, which reads ``plan.detail``) or by
a Set call whose parameter ``wire`` makes of the change. Not for use outside this collection.
"""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import NOUN_KEYS, Resource
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import apply_plan, plan_set, sorted_values

WRITES = 'writes'


def check_entry(entry, where, identity, elements):
    """Refuse, before anything is read, an entry that describes no desired state: ``exclusive``
    with ``state: absent``, or a blank ``identity`` option; ``elements`` names the set's
    elements in the message (members, trustees)."""
    if entry['state'] == 'absent' and entry['exclusive']:
        raise ValueError('%sexclusive: true cannot be combined with state: absent; exclusive '
                         'describes the complete set of %s to keep' % (where, elements))
    if not isinstance(entry[identity], str) or not entry[identity].strip():
        raise ValueError('%s%s: %r is not an identity' % (where, identity, entry[identity]))


# A set option's mode (``members_mode``) -> the ``state`` and ``exclusive`` it stands for, for a
# resource whose own ``state`` says whether the object itself is present.
MODES = {
    'present': ('present', False),
    'absent': ('absent', False),
    'exact': ('present', True),
}


def plan_mode(current, wanted, mode):
    """The :class:`SetChange` that makes ``current`` (key -> shown) what ``mode`` (:data:`MODES`)
    asks of ``wanted``."""
    return SetChange(current, *plan_set(current, wanted, *MODES[mode]))


class SetChange(object):
    """The planned change of one set: ``current``, ``added`` and ``removed``, key -> shown."""

    __slots__ = ('current', 'added', 'removed')

    def __init__(self, current, added, removed):
        self.current = current
        self.added = added
        self.removed = removed

    def __bool__(self):
        return bool(self.added or self.removed)

    def after(self):
        """The set the change leaves: ``current`` itself when it changes nothing (a converged
        audit predicts a set per mailbox and kind; none of them is changed in place)."""
        return apply_plan(self.current, self.added, self.removed) if self else self.current

    def report(self):
        return {'added': sorted_values(self.added), 'removed': sorted_values(self.removed)}


class Relation(Resource):
    """A resource whose properties are sets (see the module docstring).

    A subclass reads the current sets into the rows (``prepare``) and says which sets an entry
    names (:meth:`wanted`); ``state`` and ``exclusive`` come from the entry. Its writes have a known
    effect, so the result after them is the prediction, read back from nothing.
    """

    presence = None
    reread = False

    def wanted(self, plan):
        """Option -> the set the entry names (key -> shown), or None for a set it leaves alone."""
        raise NotImplementedError

    def new_object(self, plan):
        """The row of an object that does not exist yet (check mode), before its sets."""
        return {'Identity': plan.identity}

    def facts(self, row):
        """The sets the row holds (read, or predicted, for the entry); the others are not the task's."""
        return dict((prop.option, prop.view(row[prop.parameter])) for prop in self.properties
                    if isinstance(row.get(prop.parameter), dict))

    def desired(self, plan):
        """The sets named; their changes against the row (none yet: empty) go to ``plan.detail``."""
        wanted = self.wanted(plan)
        row = plan.row or {}
        plan.detail = dict((prop.option, SetChange(row.get(prop.parameter) or {}, *plan_set(
            row.get(prop.parameter) or {}, wanted[prop.option], plan.entry['state'], bool(plan.entry.get('exclusive')))))
            for prop in self.properties if wanted.get(prop.option) is not None)
        return wanted

    def changes(self, plan, facts):
        return dict((option, change) for option, change in plan.detail.items() if change)

    def shown_changes(self, plan, facts, changes):
        """Every set the entry names, ``{added, removed}``, in sync or not."""
        return dict((option, change.report()) for option, change in plan.detail.items())

    def set_steps(self, plan, key, changes):
        """The Set calls of the sets a Set call writes, then the :meth:`writes` steps, which make
        the other sets' Add-/Remove- calls from ``plan.detail``."""
        by_set = dict((option, change) for option, change in changes.items() if self.prop(option).when != WRITES)
        return super().set_steps(plan, key, by_set)

    def prop(self, option):
        return [prop for prop in self.properties if prop.option == option][0]

    def after(self, plan, row):
        """``row`` with every named set as the plan leaves it."""
        return dict(row, **dict((self.prop(option).parameter, change.after()) for option, change in plan.detail.items()))

    def diff_after(self, result):
        """The sets after, as one result's diff shows them: not the object they belong to, which a
        result may show beside them (a mailbox's ``permission`` holds its ``mailbox``)."""
        return dict((option, value) for option, value in result[self.key].items() if option not in NOUN_KEYS)

    def predict(self, plan, changes):
        return self.after(plan, plan.row)

    def new_row(self, plan, desired):
        return self.after(plan, self.new_object(plan))
