# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail users end to end, against the sandbox tenant, at -vvvv: the walk, and the password that
never shows in anything it printed."""

from __future__ import annotations

from test_secrets import NEW_USER_PASSWORD, encodings


def test_mail_user_lifecycle_bulk_bad_input_and_a_password_never_shown(playbook, sandbox):
    result = playbook.run('mail_user.yml', '-vvvv', env={'TEST_NEW_USER_PASSWORD': NEW_USER_PASSWORD})
    printed = result.stdout + result.stderr
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in result.stdout, 'the arguments were shown, masked'
    assert [form for form in encodings(NEW_USER_PASSWORD) if form in printed] == []
    # What the service holds afterwards, read past the module: every mail user of the walk is gone.
    answer = sandbox.invoke('Get-MailUser', {'ResultSize': 'Unlimited'})
    assert answer.status_code == 200 and answer.json()['value'] == []
