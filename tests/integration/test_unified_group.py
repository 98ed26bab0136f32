# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft 365 groups (exo_unified_group, exo_unified_group_info) end to end, against the sandbox tenant."""

from __future__ import annotations


def test_unified_group_lifecycle_bulk_and_bad_input(playbook, sandbox):
    playbook.run('unified_group.yml')
    # What the service holds afterwards, read past the module: every group of the walk is gone,
    # and the distribution groups never saw them.
    answer = sandbox.invoke('Get-UnifiedGroup', {'ResultSize': 'Unlimited'})
    assert answer.status_code == 200 and answer.json()['value'] == []
    groups = sandbox.invoke('Get-DistributionGroup', {'ResultSize': 'Unlimited'}).json()['value']
    assert sorted(row['Name'] for row in groups) == ['all-staff', 'finance', 'sales-team']
