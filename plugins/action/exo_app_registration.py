# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run exo_app_registration and hide a result that carries a newly created client secret.

A module cannot mark its own result no_log (Ansible strips ``_ansible_no_log`` from module
returns), and adding the secret to the module's no_log values would mask it in the registered
result too, where the user needs it. An action plugin's result may carry ``_ansible_no_log``: the
callbacks then censor the whole result (also at -vvvv) while the registered variable keeps it.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Pass-through to the module, censoring results that contain ``client_secret``."""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update(self._execute_module(task_vars=task_vars))
        if result.get('client_secret'):
            result['_ansible_no_log'] = True
        return result
