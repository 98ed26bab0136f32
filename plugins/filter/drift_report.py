# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: drift_report
short_description: Turn check-mode results into a drift report
version_added: 0.1.0
author:
  - mailops.exchange developers (@mailops)
description:
  - Builds the drift report of a check-mode run (see playbooks/audit.yml) from the results the
    modules of this collection returned - every object with its status and, for every property
    that drifted, its value before and after.
  - The input is a list of entries. C({kind, result}) holds a registered task result of objects
    of one kind - a bulk result (for example M(mailops.exchange.exo_mailbox_permission) with
    O(mailops.exchange.exo_mailbox_permission#module:mailboxes)), a looped task, or a single
    module result. C({kind, object, changed, failed, msg, changes, diff}) is one object's summary.
  - Values before and after come from the results' C(diff), so run the tasks in diff mode
    (C(--diff)); without it the report shows what the modules' C(changes) say.
  - Render it with P(mailops.exchange.drift_report_html#filter) and write it with
    M(ansible.builtin.copy).
options:
  _input:
    description: The results, as described above.
    type: list
    elements: dict
    required: true
  organization:
    description:
      - The organization (tenant) the report is about, shown in the report - the value the modules'
        O(mailops.exchange.exo_mailbox#module:organization) takes.
      - C(organisation), the spelling of release 0.1.0, is an alias.
    type: str
    aliases: [organisation]
  generated_at:
    description:
      - When the report was made, shown in the report, in ISO 8601.
      - By default the time the filter runs, in UTC (C(2026-11-23T17:00:00Z)).
    type: str
"""

EXAMPLES = r"""
- name: The drift of the shared mailboxes' access, as JSON
  ansible.builtin.copy:
    dest: /var/reports/drift.json
    content: >-
      {{ [{'kind': 'mailbox_permission', 'result': access}]
         | mailops.exchange.drift_report(organization='contoso.onmicrosoft.com')
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
    organization:
      description: The value of O(organization).
      type: str
    organisation:
      description: The same as RV(_value.organization), under the name reports of release 0.1.0 used.
      type: str
    summary:
      description:
        - Objects by status (C(to_create), C(to_remove), C(drifted), C(failed), C(in_sync)),
          C(total), the number of drifted C(properties) (of the C(drifted) objects only), and the
          same status counts per object kind in C(by_kind).
        - C(in_sync_unlisted) - how many of the C(in_sync) objects were counted without being listed in
          RV(_value.objects), the objects of a bulk result with trimmed C(results) (V(changed)) that its
          C(counts) count and its C(results) leave out; also per kind in C(by_kind) for a kind that has some.
      type: dict
    objects:
      description:
        - Every object listed, sorted by kind and name - C(kind), C(object), C(status), C(properties),
          and for a failed object C(msg) and the error's C(error_kind).
        - C(status) is V(to_create) for an object that does not exist and would be created (its
          C(properties) are the values it would get, with C(state) from C(absent) to C(present)),
          V(to_remove) for one that would be removed, V(drifted) for one whose properties would
          change, V(in_sync) or V(failed).
        - Each property is C({name, before, after, added, removed}); nested values have dotted
          names (C(litigation_hold.enabled)), C(added) and C(removed) are set for list values.
      type: list
      elements: dict
"""

import datetime

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.exchange.plugins.module_utils.engine.drift_report import build_report


def drift_report(sources, organization=None, generated_at=None, organisation=None):
    if organization and organisation and organization != organisation:
        raise AnsibleFilterError("drift_report: organization: '%s' and organisation: '%s' differ; give one of them"
                                 % (organization, organisation))
    if generated_at is None:
        generated_at = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    try:
        return build_report(sources, organization=organization or organisation, generated_at=generated_at)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule(object):
    def filters(self):
        return {'drift_report': drift_report}
