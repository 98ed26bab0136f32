# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Members of Entra licence groups (exo_entra_group_member) end to end, against the sandbox tenant."""

from __future__ import annotations


def graph(sandbox, path, **params):
    """A Graph read past the module."""
    token = sandbox.mint_token(audience=sandbox.env['EXO_GRAPH_URL'], roles=['Directory.Read.All'])
    answer = sandbox.request('GET', '/graph/v1.0/' + path, params=params, headers={'Authorization': 'Bearer ' + token})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_entra_group_member_lifecycle_and_bad_input(playbook, sandbox):
    playbook.run('entra_group_member.yml')
    group = graph(sandbox, 'groups', **{'$filter': "displayName eq 'Licence - Exchange Online'"})['value'][0]
    assert graph(sandbox, 'groups/%s/members' % group['id'])['value'] == []
    # Nina joined and left the licence group: her mailbox came and was disconnected.
    nina = graph(sandbox, 'users/nina.novak@contoso.com', **{'$select': 'usageLocation,assignedLicenses'})
    assert (nina['usageLocation'], nina['assignedLicenses']) == ('DE', [])
    assert sandbox.invoke('Get-Mailbox', {'Identity': 'nina.novak@contoso.com', 'SoftDeletedMailbox': True}).status_code == 200
