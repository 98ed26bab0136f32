# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: data_file_check
short_description: Check a desired-state data file against its schema
version_added: 0.1.0
author:
  - mailops.exchange developers (@mailops)
description:
  - Checks the content of a desired-state data file (see the role R(mailops.exchange.desired_state,
    ansible_collections.mailops.exchange.docsite.data_file)) against its schema, the C(data_file)
    entry point of the role's C(meta/argument_specs.yml), entry by entry, so that each problem
    names its section, index, object and key.
  - Also checks what spans entries - an object described twice in a section, a group member that
    another entry removes - and lists the members that no entry describes, for the caller to
    look up in the tenant.
  - Sends nothing anywhere.
options:
  _input:
    description: The data file's content.
    type: raw
    required: true
  schema:
    description: The options of the C(data_file) entry point.
    type: dict
    required: true
  tenant:
    description:
      - The registered result of the check-mode M(mailops.exchange.exo_distribution_group_member) task
        that looked up the C(lookup) of a first call; the members it did not find become problems.
    type: dict
  source:
    description: The data file's name, for the message.
    type: str
    default: data file
"""

EXAMPLES = r"""
- name: The data file is sound
  ansible.builtin.assert:
    that: checked.problems | length == 0
    fail_msg: "{{ checked.msg }}"
  vars:
    schema: "{{ (lookup('ansible.builtin.file', 'roles/desired_state/meta/argument_specs.yml') | from_yaml).argument_specs.data_file.options }}"
    checked: "{{ desired_state | mailops.exchange.data_file_check(schema, source='tenant.yml') }}"
"""

RETURN = r"""
_value:
  description: The outcome.
  type: dict
  contains:
    problems:
      description: One message per problem, each naming where (C(groups[1] (project-x))) and the key.
      type: list
      elements: str
    msg:
      description: All the problems in one message, empty when there are none.
      type: str
    references:
      description:
        - Each member that no entry of the file describes, with the first place that names it
          (C(where)) and the group (C(group)).
      type: dict
    lookup:
      description:
        - The O(mailops.exchange.exo_distribution_group_member#module:groups) of a check-mode task
          that looks the C(references) up in the tenant.
      type: list
      elements: dict
"""

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.exchange.plugins.module_utils.engine.data_file import check_data_file, dangling, lookups, summary


def data_file_check(data, schema, source='data file', tenant=None):
    if not isinstance(schema, dict):
        raise AnsibleFilterError('data_file_check: schema must be the options of the data_file entry point')
    # Plain values, read once: each access to the templated containers Ansible passes in costs a
    # template lookup, which made the check of 200 entries take seconds.
    data, schema = _plain(data), _plain(schema)
    problems, references = check_data_file(data, schema)
    if tenant is not None and not problems:
        problems = dangling(references, _plain(tenant))
    return {'problems': problems, 'references': references, 'lookup': lookups(references),
            'msg': summary(problems, source, read=tenant is not None) if problems else ''}


def _plain(value):
    return json.loads(json.dumps(value, default=str))


class FilterModule(object):
    def filters(self):
        return {'data_file_check': data_file_check}
