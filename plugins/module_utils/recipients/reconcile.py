# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Pure set reconciliation and diff building, shared by every module. No I/O here."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import Hashtable


def plan_set(current, desired, state, exclusive=False):
    """Plan the change of one multi-valued property.

    ``current`` and ``desired`` map a canonical key (a recipient GUID, a lower-cased address) to
    the value shown to the user. With ``state='present'`` the desired keys are added; with
    ``exclusive`` every current key that is not desired is removed as well. With
    ``state='absent'`` the desired keys that are present are removed.

    Returns ``(to_add, to_remove)``, each a dict of key -> shown value, in a stable order.
    """
    if state == 'present':
        to_add = {k: v for k, v in desired.items() if k not in current}
        to_remove = {k: v for k, v in current.items() if k not in desired} if exclusive else {}
    elif state == 'absent':
        to_add = {}
        to_remove = {k: v for k, v in current.items() if k in desired}
    else:
        raise ValueError('state must be present or absent, not %r' % (state,))
    return _stable(to_add), _stable(to_remove)


def apply_plan(current, to_add, to_remove):
    """Return the key -> value mapping that ``current`` becomes after a plan is applied."""
    after = {k: v for k, v in current.items() if k not in to_remove}
    after.update(to_add)
    return after


def sorted_values(mapping):
    """The shown values of a key -> value mapping, sorted case-insensitively (then exactly)."""
    return sorted(mapping.values(), key=lambda v: (str(v).lower(), str(v)))


def add_remove(added, removed):
    """The change of a multi-valued property that names only what changes, so that a value
    another run added or removed meanwhile is left as that run left it (a whole new list
    would undo it)."""
    change = Hashtable()
    if added:
        change['Add'] = list(added)
    if removed:
        change['Remove'] = list(removed)
    return change


def build_diff(before, after):
    """A ``diff`` result for Ansible: sorted copies of two dicts, lists inside sorted as well."""
    return {'before': _sorted_copy(before), 'after': _sorted_copy(after)}


def _stable(mapping):
    return dict(sorted(mapping.items(), key=lambda kv: (str(kv[1]).lower(), str(kv[0]))))


def _sorted_copy(value):
    if isinstance(value, dict):
        return {k: _sorted_copy(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_sorted_copy(v) for v in value]
        if all(isinstance(v, str) for v in items):
            return sorted(items, key=lambda v: (v.lower(), v))
        return items
    return value
