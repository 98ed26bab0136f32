# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: drift_report_html
short_description: Render a drift report as a self-contained HTML page
version_added: 0.1.0
author:
  - mailops.exchange developers (@mailops)
description:
  - Renders the report of P(mailops.exchange.drift_report#filter) as one HTML page for people -
    the counts by status and kind, and a table of every object with before and after per
    drifted property, filtered by text, kind and status.
  - The page loads nothing - its CSS and JavaScript are inline and its Content-Security-Policy
    forbids every other resource - so it can be mailed, attached to a ticket or opened offline.
  - Every name and value is escaped; a display name with markup in it shows as text.
  - A report over many tenants (P(mailops.exchange.drift_report_tenants#filter)) becomes one page
    with the totals, a table of the tenants (a failed tenant shows as failed, with why) and a
    section per tenant.
options:
  _input:
    description: The report, of one tenant or of many.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The drift report for people
  ansible.builtin.copy:
    dest: /var/reports/drift.html
    content: "{{ report | mailops.exchange.drift_report_html }}"
    mode: '0644'
  check_mode: false
"""

RETURN = r"""
_value:
  description: The HTML page.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.exchange.plugins.module_utils.engine.drift_report import render_html, render_tenants_html


def drift_report_html(report):
    try:
        if isinstance(report, dict) and 'tenants' in report:
            return render_tenants_html(report)
        return render_html(report)
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError('drift_report_html: the input is not a report of mailops.exchange.drift_report: %s'
                                 % exc) from exc


class FilterModule(object):
    def filters(self):
        return {'drift_report_html': drift_report_html}
