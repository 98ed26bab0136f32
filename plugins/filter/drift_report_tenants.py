# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: drift_report_tenants
short_description: Join the drift reports of many tenants into one
version_added: 0.1.0
author:
  - mailops.exchange developers (@mailops)
description:
  - Joins the drift reports of several tenants (each made by P(mailops.exchange.drift_report#filter),
    one inventory host per tenant, see playbooks/tenants_audit.yml) into one report with a section
    per tenant and the totals.
  - A tenant whose audit failed - its credential was refused, it could not be reached, or objects
    could not be compared - has the status C(failed) and says why; it is never counted as in sync.
  - Render it with P(mailops.exchange.drift_report_html#filter).
options:
  _input:
    description:
      - One entry per tenant, C({tenant, report, failed, msg}) - C(tenant) its name, C(report) its
        drift report (omitted when its audit stopped before making one), C(failed) and C(msg) when
        its audit failed.
    type: list
    elements: dict
    required: true
  generated_at:
    description:
      - When the report was made, shown in the report, in ISO 8601.
      - By default the time the filter runs, in UTC (C(2026-11-23T17:00:00Z)).
    type: str
"""

EXAMPLES = r"""
- name: One report over every tenant of the play
  ansible.builtin.copy:
    dest: /var/reports/tenants.json
    content: >-
      {{ groups['tenants']
         | map('extract', hostvars)
         | map(attribute='tenant_audit')
         | list
         | mailops.exchange.drift_report_tenants
         | to_nice_json }}
    mode: '0644'
  check_mode: false
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    generated_at:
      description: The value of O(generated_at).
      type: str
    summary:
      description:
        - The objects of every tenant by status (C(to_create), C(to_remove), C(drifted), C(failed),
          C(in_sync)), C(total), C(properties) and C(by_kind), as in a single tenant's report, and
          C(tenants) - how many tenants are C(failed), C(drifted) and C(in_sync), and C(total).
      type: dict
    tenants:
      description:
        - Every tenant, sorted by name - C(tenant), C(status) (C(failed), C(drifted) or C(in_sync)),
          its own C(summary) and C(objects) (as in a single tenant's report), and C(msg) when it failed.
      type: list
      elements: dict
"""

import datetime

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.exchange.plugins.module_utils.engine.drift_report import build_tenants_report


def drift_report_tenants(tenants, generated_at=None):
    if generated_at is None:
        generated_at = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    try:
        return build_tenants_report(tenants, generated_at=generated_at)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule(object):
    def filters(self):
        return {'drift_report_tenants': drift_report_tenants}
