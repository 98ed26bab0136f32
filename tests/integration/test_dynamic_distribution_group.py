# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dynamic distribution groups end to end, against the sandbox tenant."""

from __future__ import annotations


def test_dynamic_distribution_group_lifecycle_bulk_and_bad_input(playbook, sandbox):
    playbook.run('dynamic_distribution_group.yml')
    # What the service holds afterwards, read past the module: every group of the walk is gone.
    answer = sandbox.invoke('Get-DynamicDistributionGroup', {'ResultSize': 'Unlimited'})
    assert answer.status_code == 200 and answer.json()['value'] == []
