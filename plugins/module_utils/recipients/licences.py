# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Microsoft 365 licences of an Entra user, as pure logic: no I/O here (Graph shapes in docs/sandbox.md).

A licence is shown as ``{sku, disabled_plans}`` (the SKU's part number, such as ``EXCHANGESTANDARD``,
and the names of the service plans it leaves off). The tenant's ``subscribedSkus`` resolve part numbers
and plan names to ids; a user's ``licenseAssignmentStates`` tell the licences assigned to it directly,
which this collection manages, from those a group gives it, which it only reports.
"""

from __future__ import annotations

import re

_COUNTRY = re.compile(r'^[A-Za-z]{2}$')


class Catalogue(object):
    """The tenant's subscribed SKUs, by id and by part number."""

    def __init__(self, skus):
        self.by_id = dict((sku['skuId'].lower(), sku) for sku in skus)
        self.by_part = dict((sku['skuPartNumber'].lower(), sku) for sku in skus)

    def part(self, sku_id):
        sku = self.by_id.get(sku_id.lower())
        return sku['skuPartNumber'] if sku else sku_id

    def plan_names(self, sku_id, plan_ids):
        """The names of ``plan_ids`` of SKU ``sku_id``, sorted (an id the SKU does not list stays an id)."""
        plans = dict((p['servicePlanId'].lower(), p['servicePlanName'])
                     for p in (self.by_id.get(sku_id.lower()) or {}).get('servicePlans') or ())
        return sorted(plans.get(p.lower(), p) for p in plan_ids)

    def shown(self, sku_id, plan_ids):
        return {'sku': self.part(sku_id), 'disabled_plans': self.plan_names(sku_id, plan_ids)}

    def free(self, sku_id):
        """Seats bought and not assigned (``prepaidUnits.enabled`` - ``consumedUnits``), and the two counts."""
        sku = self.by_id[sku_id]
        bought = (sku.get('prepaidUnits') or {}).get('enabled') or 0
        return bought - (sku.get('consumedUnits') or 0), sku.get('consumedUnits') or 0, bought


def check_usage_location(value, where=''):
    """Refuse a usage location that is not a two-letter country code (ISO 3166-1 alpha-2)."""
    if value is not None and not _COUNTRY.match(value):
        raise ValueError("%susage_location: '%s' is not a two-letter country code such as GB, DE or US" % (where, value))


def check_entries(entries, where=''):
    """Refuse, before anything is read, a licence without a SKU or a SKU listed twice."""
    seen = set()
    for index, entry in enumerate(entries or ()):
        sku = (entry or {}).get('sku')
        if not isinstance(sku, str) or not sku.strip():
            raise ValueError('%slicences[%d].sku: %r is not a SKU part number such as EXCHANGESTANDARD' % (where, index, sku))
        if sku.strip().lower() in seen:
            raise ValueError("%slicences[%d].sku: '%s' is listed twice" % (where, index, sku))
        seen.add(sku.strip().lower())


def resolve(entries, catalogue, where=''):
    """skuId -> disabled plan ids of the licences ``entries`` name; ValueError naming an unknown SKU or plan."""
    wanted = {}
    for index, entry in enumerate(entries):
        sku = catalogue.by_part.get(entry['sku'].strip().lower())
        if sku is None:
            raise ValueError("%slicences[%d].sku: '%s' is not a SKU the tenant subscribes to (it has %s)"
                             % (where, index, entry['sku'], ', '.join(sorted(s['skuPartNumber'] for s in catalogue.by_id.values()))))
        plans = dict((p['servicePlanName'].lower(), p['servicePlanId'].lower()) for p in sku.get('servicePlans') or ())
        unknown = [name for name in entry.get('disabled_plans') or () if name.lower() not in plans]
        if unknown:
            raise ValueError("%slicences[%d].disabled_plans: '%s' is not a service plan of %s (it has %s)"
                             % (where, index, unknown[0], sku['skuPartNumber'], ', '.join(sorted(p['servicePlanName'] for p in sku['servicePlans']))))
        wanted[sku['skuId'].lower()] = sorted(plans[name.lower()] for name in entry.get('disabled_plans') or ())
    return wanted


def assignments(row):
    """``(direct, by_group)`` of a user row: skuId -> disabled plan ids, and skuId -> the ids of the groups giving it."""
    direct, by_group = {}, {}
    for state in row.get('licenseAssignmentStates') or ():
        sku_id = state['skuId'].lower()
        if state.get('assignedByGroup'):
            by_group.setdefault(sku_id, []).append(state['assignedByGroup'])
        else:
            direct[sku_id] = sorted(p.lower() for p in state.get('disabledPlans') or ())
    return direct, by_group


def plan(direct, wanted, state, exclusive):
    """``(add, remove)``: skuId -> disabled plan ids to assign (new, or with other plans off), and skuIds to remove."""
    if state == 'absent':
        return {}, sorted(s for s in wanted if s in direct)
    add = dict((s, plans) for s, plans in wanted.items() if direct.get(s) != plans)
    remove = sorted(s for s in direct if s not in wanted) if exclusive else []
    return add, remove


def take_seats(catalogue, held, add, taken, user):
    """Take a free seat of each SKU in ``add`` that the user does not hold yet (``held``), counting the seats
    ``taken`` by entries before it (skuId -> seats, updated); the message for the first SKU with none left, or None."""
    for sku_id in sorted(set(add) - set(held)):
        free, used, bought = catalogue.free(sku_id)
        if free - taken.get(sku_id, 0) <= 0:
            return ("licences: '%s' has no free licence left for user '%s' (%d of %d assigned, %d to entries before it); "
                    'free one or buy more' % (catalogue.part(sku_id), user, used, bought, taken.get(sku_id, 0)))
        taken[sku_id] = taken.get(sku_id, 0) + 1
    return None


def states_after(row, add, remove):
    """The user's ``licenseAssignmentStates`` once ``add`` and ``remove`` are made (the prediction)."""
    kept = [s for s in row.get('licenseAssignmentStates') or ()
            if s.get('assignedByGroup') or (s['skuId'].lower() not in remove and s['skuId'].lower() not in add)]
    return kept + [{'skuId': s, 'disabledPlans': plans, 'assignedByGroup': None, 'state': 'Active'} for s, plans in add.items()]


def assign_body(add, remove):
    """The ``assignLicense`` body: Graph requires both lists, empty or not."""
    return {'addLicenses': [{'skuId': s, 'disabledPlans': plans} for s, plans in sorted(add.items())],
            'removeLicenses': list(remove)}
