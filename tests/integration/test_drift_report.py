# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/audit.yml against a drifted sandbox tenant, and its HTML page in headless Chromium.

Set MAILOPS_UPDATE_SCREENSHOT=1 to write the screenshot the docs show
(docs/docsite/rst/images/drift_report.png).
"""

from __future__ import annotations

import json
import os
import re

import pytest
import yaml

from desired_state_data import contact_address, desired_state, mail_user_account, mailbox_name, user_name
from headless_chromium import INSTALL_HINT, HeadlessChromium, find_chromium
from conftest import REPO

DOMAIN = 'contoso.onmicrosoft.com'
# A display name someone set in the tenant: the page must show it as text and run none of it.
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> Shared 1'
SCREENSHOT = REPO / 'docs' / 'docsite' / 'rst' / 'images' / 'drift_report.png'


def address(name):
    return '%s@%s' % (name, DOMAIN)


@pytest.fixture
def chromium():
    path = find_chromium()
    if path is None:
        pytest.fail(INSTALL_HINT)
    return path


def test_audit_writes_a_report_that_chromium_shows_and_filters(sandbox, playbook, tmp_path, chromium):
    # Three seeded mailboxes to converge, a new room and a new group (whose access and members
    # check mode predicts), two mailboxes already as described, and one permission entry naming a
    # trustee that does not exist; a new mail contact and a new mail user.
    data = desired_state(3, rooms=1, contacts=1, mail_users=1)
    data['mailboxes'] += [
        {'identity': address(mailbox_name(4)), 'type': 'shared'},
        {'identity': 'support@contoso.com', 'type': 'shared', 'full_access': ['nobody-such@contoso.com']},
    ]
    data_file = tmp_path / 'tenant.yml'
    data_file.write_text(yaml.safe_dump(data))
    assert sandbox.invoke('Set-Mailbox', {'Identity': mailbox_name(1), 'DisplayName': HOSTILE}).ok
    sandbox.reset()
    audit = str(REPO / 'playbooks' / 'audit.yml')

    refused = playbook.run(audit, check=False, extra_vars={
        'desired_state_file': data_file, 'report_dir': tmp_path / 'refused'})
    assert refused.returncode == 2
    assert 'must run in check mode' in refused.stdout
    assert not (tmp_path / 'refused').exists()

    report_dir = tmp_path / 'report'
    run = playbook.run(audit, '--check', '--diff', check=False, extra_vars={
        'desired_state_file': data_file, 'report_dir': report_dir})
    # The report is written, then the run fails because one object could not be compared.
    assert run.returncode == 2, run.stdout[-5000:]
    assert '1 objects could not be compared' in run.stdout
    assert sandbox.stats()['writes'] == 0

    report = json.loads((report_dir / 'drift.json').read_text())
    assert report['organization'] == report['organisation'] == sandbox.env['EXO_ORGANIZATION']
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', report['generated_at'])
    # The room, the group (with its access and members), the contact and the mail user are new:
    # counted to create, apart from the objects that exist and drifted.
    assert {k: report['summary'][k] for k in ('to_create', 'to_remove', 'drifted', 'failed', 'in_sync', 'total')} == {
        'to_create': 6, 'to_remove': 0, 'drifted': 6, 'failed': 1, 'in_sync': 2, 'total': 15}
    assert report['summary']['by_kind']['mailbox'] == {'to_create': 1, 'to_remove': 0, 'drifted': 3, 'failed': 0,
                                                       'in_sync': 2, 'total': 6}
    assert report['summary']['properties'] == sum(len(o['properties']) for o in report['objects'] if o['status'] == 'drifted')
    objects = {(o['kind'], o['object']): o for o in report['objects']}
    first = {p['name']: p for p in objects['mailbox', address(mailbox_name(1))]['properties']}
    assert (first['display_name']['before'], first['display_name']['after']) == (HOSTILE, 'Desired shared0001')
    assert first['email_addresses']['added'] == ['smtp:shared0001-team@%s' % DOMAIN]
    second = objects['mailbox_permission', address(mailbox_name(2))]['properties']
    assert [(p['name'], p['before'], p['added']) for p in second] == [
        ('full_access', [], [address(user_name(2)), address(user_name(3))]),
        ('send_as', [], [address(user_name(4))]),
        ('send_on_behalf', [], [address(user_name(5))]),
    ]
    room = {p['name']: p for p in objects['mailbox', address('ds-room-01')]['properties']}
    assert (room['state']['before'], room['state']['after'], room['resource_capacity']['after']) == (
        'absent', 'present', 6)
    contact = {p['name']: p for p in objects['contact', contact_address(1)]['properties']}
    assert (contact['state']['after'], contact['company']['after'], contact['hidden_from_address_lists']['after']) == (
        'present', 'Fabrikam', True)
    mail_user = objects['mail_user', mail_user_account(1)]
    assert mail_user['status'] == 'to_create' and 'initial_password' not in [p['name'] for p in mail_user['properties']]
    assert report['summary']['by_kind']['mail_user'] == {'to_create': 1, 'to_remove': 0, 'drifted': 0, 'failed': 0,
                                                         'in_sync': 0, 'total': 1}
    assert objects['mailbox', address('ds-room-01')]['status'] == 'to_create'
    failed = objects['mailbox_permission', 'support@contoso.com']
    assert failed['status'] == 'failed' and 'nobody-such@contoso.com' in failed['msg']
    assert objects['mailbox', 'support@contoso.com']['status'] == 'in_sync'

    # The same audit with trimmed bulk results (desired_state_bulk_results: changed) lists only what
    # differs or failed, and counts the objects in sync from each task's counts: the same summary.
    trimmed_dir = tmp_path / 'trimmed'
    trimmed_run = playbook.run(audit, '--check', '--diff', check=False, extra_vars={
        'desired_state_file': data_file, 'report_dir': trimmed_dir, 'desired_state_bulk_results': 'changed'})
    assert trimmed_run.returncode == 2, trimmed_run.stdout[-5000:]
    trimmed = json.loads((trimmed_dir / 'drift.json').read_text())
    assert dict(trimmed['summary'], in_sync_unlisted=0, by_kind=None) == dict(report['summary'], by_kind=None)
    assert trimmed['summary']['in_sync_unlisted'] == 2 and report['summary']['in_sync_unlisted'] == 0
    assert trimmed['summary']['by_kind']['mailbox'] == dict(report['summary']['by_kind']['mailbox'], in_sync_unlisted=2)
    assert trimmed['objects'] == [o for o in report['objects'] if o['status'] != 'in_sync']
    assert 'data-count="in_sync_unlisted"><b>2</b>in sync, not listed' in (trimmed_dir / 'drift.html').read_text()

    page = (report_dir / 'drift.html').resolve().as_uri()
    with HeadlessChromium(chromium, tmp_path / 'profile') as browser:
        browser.open(page)
        visible = browser.evaluate('document.body.innerText')
        cards = browser.evaluate(
            "Object.fromEntries([...document.querySelectorAll('[data-count]')]"
            ".map(c => [c.dataset.count, c.querySelector('b').innerText]))")
        assert cards == {'to_create': '6', 'to_remove': '0', 'drifted': '6', 'failed': '1', 'in_sync': '2',
                         'properties': str(report['summary']['properties'])}
        assert '15 of 15 objects shown' in visible
        # The hostile display name is text in the before column; none of it ran or loaded.
        before = browser.evaluate(
            "[...document.querySelectorAll('tbody.object')].find(b => b.dataset.kind === 'mailbox' &&"
            " b.innerText.includes('shared0001@')).querySelector('td.before').textContent")
        assert before == HOSTILE
        assert browser.evaluate('typeof window.pwned') == 'undefined'
        assert browser.evaluate('document.scripts.length') == 1
        assert browser.evaluate("document.querySelectorAll('img').length") == 0
        assert 'Desired shared0002' in visible and 'user0005@' in visible

        browser.type_text('#filter-text', 'shared0002')
        # The new group lists shared0002 among its predicted members.
        assert shown_objects(browser) == [['group_member', 'ds-group-001'], ['mailbox', address(mailbox_name(2))],
                                          ['mailbox_permission', address(mailbox_name(2))]]
        visible = browser.evaluate('document.body.innerText')
        assert '3 of 15 objects shown' in visible and 'Desired shared0003' not in visible
        png = browser.screenshot(full_page=False)

        browser.evaluate("document.querySelector('#filter-text').value = ''")
        choose(browser, '#filter-status', 'to_create')
        assert len(shown_objects(browser)) == 6 and ['mailbox', address('ds-room-01')] in shown_objects(browser)
        choose(browser, '#filter-status', 'failed')
        assert shown_objects(browser) == [['mailbox_permission', 'support@contoso.com']]
        assert 'nobody-such@contoso.com' in browser.evaluate('document.body.innerText')

        choose(browser, '#filter-status', 'in_sync')
        choose(browser, '#filter-kind', 'mailbox')
        assert shown_objects(browser) == [['mailbox', address(mailbox_name(4))], ['mailbox', 'support@contoso.com']]

        choose(browser, '#filter-status', '')
        choose(browser, '#filter-kind', '')
        assert len(shown_objects(browser)) == 15
        assert browser.requested_urls() == [page]

    assert png.startswith(b'\x89PNG\r\n\x1a\n') and len(png) > 20000
    (tmp_path / 'drift_report.png').write_bytes(png)
    if os.environ.get('MAILOPS_UPDATE_SCREENSHOT'):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(png)


def shown_objects(browser):
    return browser.evaluate(
        "[...document.querySelectorAll('tbody.object')].filter(b => b.checkVisibility())"
        ".map(b => [b.dataset.kind, b.querySelector('td.object').textContent])")


def choose(browser, selector, value):
    """Pick an option of a select as a user's choice does: set it, then the change event."""
    browser.evaluate("(s => { s.value = %s; s.dispatchEvent(new Event('change')); })(document.querySelector(%s))"
                     % (json.dumps(value), json.dumps(selector)))
