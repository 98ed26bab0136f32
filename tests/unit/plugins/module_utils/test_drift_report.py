# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import hashlib
import html
import re

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.drift_report import (
    build_report,
    properties,
    render_html,
)

SALES = {'identity': 'Sales', 'display_name': 'Sales', 'primary_smtp_address': 'sales@contoso.com'}
SUPPORT = {'identity': 'Support', 'display_name': 'Support', 'primary_smtp_address': 'support@contoso.com'}
ALL_STAFF = {'identity': 'All Staff', 'display_name': 'All Staff', 'primary_smtp_address': 'all-staff@contoso.com'}

# exo_mailbox_permission with mailboxes: in check mode with --diff; one mailbox in sync, one failed.
PERMISSION_BULK = {
    'changed': True,
    'results': [
        {'key': 'Sales', 'mailbox': SALES, 'changed': True, 'failed': False,
         'permission': {'mailbox': SALES, 'full_access': ['alice@contoso.com', 'bob@contoso.com']},
         'changes': {'full_access': {'added': ['bob@contoso.com'], 'removed': ['carol@contoso.com']}}},
        {'key': 'support@contoso.com', 'mailbox': SUPPORT, 'changed': False, 'failed': False,
         'permission': {'mailbox': SUPPORT, 'full_access': ['alice@contoso.com']},
         'changes': {'full_access': {'added': [], 'removed': []}}},
        {'key': 'ghost@contoso.com', 'failed': True, 'error_kind': 'not_found',
         'msg': "mailboxes: 'ghost@contoso.com' was not found; nothing was changed"},
    ],
    'diff': {
        'before': {'sales@contoso.com': {'full_access': ['alice@contoso.com', 'carol@contoso.com']},
                   'support@contoso.com': {'full_access': ['alice@contoso.com']}},
        'after': {'sales@contoso.com': {'full_access': ['alice@contoso.com', 'bob@contoso.com']},
                  'support@contoso.com': {'full_access': ['alice@contoso.com']}},
    },
}

# exo_mailbox in a loop with --diff: one changed (nested litigation hold), one skipped.
MAILBOX_LOOP = {
    'changed': True,
    'results': [
        {'item': {'name': 'sales-eu'}, 'ansible_loop_var': 'item', 'changed': True, 'failed': False,
         'mailbox': {'name': 'sales-eu', 'primary_smtp_address': 'sales-eu@contoso.com'},
         'changes': {'display_name': {'before': 'Sales', 'after': 'Sales Europe'},
                     'litigation_hold': {'before': {'enabled': False, 'owner': ''}, 'after': {'enabled': True, 'owner': ''}}},
         'diff': {'before': {'display_name': 'Sales', 'guid': 'g1', 'hidden_from_address_lists': False,
                             'litigation_hold': {'enabled': False, 'owner': ''}},
                  'after': {'display_name': 'Sales Europe', 'guid': 'g1', 'hidden_from_address_lists': False,
                            'litigation_hold': {'enabled': True, 'owner': ''}}}},
        {'item': {'name': 'old'}, 'ansible_loop_var': 'item', 'skipped': True, 'changed': False},
    ],
}


def report_of(*sources):
    return build_report(list(sources), organization='contoso.onmicrosoft.com', generated_at='2026-11-23T17:00:00Z')


def test_bulk_result_gives_one_object_per_entry_with_its_part_of_the_diff():
    report = report_of({'kind': 'mailbox_permission', 'result': PERMISSION_BULK})
    objects = {o['object']: o for o in report['objects']}
    assert [o['object'] for o in report['objects']] == ['ghost@contoso.com', 'Sales', 'support@contoso.com']
    assert objects['Sales']['status'] == 'drifted'
    assert objects['Sales']['properties'] == [{
        'name': 'full_access',
        'before': ['alice@contoso.com', 'carol@contoso.com'],
        'after': ['alice@contoso.com', 'bob@contoso.com'],
        'added': ['bob@contoso.com'], 'removed': ['carol@contoso.com']}]
    assert objects['support@contoso.com'] == {'kind': 'mailbox_permission', 'object': 'support@contoso.com',
                                              'status': 'in_sync', 'properties': []}
    assert objects['ghost@contoso.com']['status'] == 'failed'
    assert objects['ghost@contoso.com']['error_kind'] == 'not_found'
    assert 'was not found' in objects['ghost@contoso.com']['msg']


def test_bulk_members_find_their_diff_by_group_when_the_key_is_another_identity():
    result = {'changed': True, 'results': [
        {'key': 'all staff', 'group': ALL_STAFF, 'changed': True, 'failed': False,
         'members': ['a@contoso.com', 'c@contoso.com'], 'changes': {'members': {'added': ['c@contoso.com'], 'removed': ['b@contoso.com']}}},
    ], 'diff': {'before': {'all-staff@contoso.com': {'members': ['a@contoso.com', 'b@contoso.com']}},
                'after': {'all-staff@contoso.com': {'members': ['a@contoso.com', 'c@contoso.com']}}}}
    members = report_of({'kind': 'group_member', 'result': result})['objects'][0]
    assert members['object'] == 'all staff'
    assert members['properties'] == [{'name': 'members', 'before': ['a@contoso.com', 'b@contoso.com'],
                                      'after': ['a@contoso.com', 'c@contoso.com'],
                                      'added': ['c@contoso.com'], 'removed': ['b@contoso.com']}]


def test_loop_result_flattens_nested_values_and_skips_skipped_items():
    report = report_of({'kind': 'mailbox', 'result': MAILBOX_LOOP})
    assert [o['object'] for o in report['objects']] == ['sales-eu']
    props = report['objects'][0]['properties']
    assert [p['name'] for p in props] == ['display_name', 'litigation_hold.enabled']
    assert (props[0]['before'], props[0]['after']) == ('Sales', 'Sales Europe')
    assert (props[1]['before'], props[1]['after'], props[1]['added']) == (False, True, [])


def test_without_diff_the_changes_name_the_properties_and_their_new_values():
    result = {'changed': True, 'group': ALL_STAFF, 'members': ['a@contoso.com'],
              'changes': {'members': {'added': ['a@contoso.com'], 'removed': ['b@contoso.com']}}}
    member = report_of({'kind': 'group_member', 'result': result})['objects'][0]
    # A single result names its object by its noun's address, as every module shows it.
    assert member['object'] == 'all-staff@contoso.com'
    assert member['status'] == 'drifted'
    assert member['properties'] == [
        {'name': 'members', 'before': None, 'after': None, 'added': ['a@contoso.com'], 'removed': ['b@contoso.com']}]
    rows = properties({'display_name': {'before': 'Sales', 'after': 'Sales Europe'}, 'state': {'before': 'absent', 'after': 'present'},
                       'email_addresses': {'added': ['smtp:x@contoso.com'], 'removed': []}}, None)
    assert rows == [
        {'name': 'display_name', 'before': 'Sales', 'after': 'Sales Europe', 'added': [], 'removed': []},
        {'name': 'email_addresses', 'before': None, 'after': None, 'added': ['smtp:x@contoso.com'],
         'removed': []},
        {'name': 'state', 'before': 'absent', 'after': 'present', 'added': [], 'removed': []},
    ]


def test_a_change_of_another_shape_is_refused_naming_it():
    """The report reads the one vocabulary and guesses no module's own shape."""
    with pytest.raises(ValueError, match=r"changes.application is 'created', not \{before, after\} or \{added, removed\}"):
        properties({'application': 'created'}, None)


def test_created_object_shows_state_and_the_values_it_will_have():
    rows = properties({'state': {'before': 'absent', 'after': 'present'}}, {'before': {}, 'after': {
        'name': 'new', 'hidden': False, 'guid': '', 'custom_attributes': {}, 'members': []}})
    assert rows == [
        {'name': 'hidden', 'before': None, 'after': False, 'added': [], 'removed': []},
        {'name': 'name', 'before': None, 'after': 'new', 'added': [], 'removed': []},
        {'name': 'state', 'before': 'absent', 'after': 'present', 'added': [], 'removed': []},
    ]
    # exo_distribution_group names no state in its changes; the diff says it is removed.
    assert properties({}, {'before': {'name': 'old', 'guid': ''}, 'after': {}}) == [
        {'name': 'name', 'before': 'old', 'after': None, 'added': [], 'removed': []},
        {'name': 'state', 'before': 'present', 'after': 'absent', 'added': [], 'removed': []},
    ]


def test_a_first_value_in_an_empty_dict_is_one_leaf():
    rows = properties({'custom_attributes': {'before': {}, 'after': {'1': 'helpdesk'}}},
                      {'before': {'custom_attributes': {}}, 'after': {'custom_attributes': {'1': 'helpdesk'}}})
    assert rows == [{'name': 'custom_attributes.1', 'before': None, 'after': 'helpdesk', 'added': [], 'removed': []}]


def test_a_change_given_as_before_and_after_is_its_leaves_that_differ():
    # exo_mailbox gives a custom attribute changed by hand as the attributes before and after.
    change = {'custom_attributes': {'before': {'1': 'by hand', '2': 'same'}, 'after': {'1': 'helpdesk', '2': 'same'}}}
    diff = {'before': {'custom_attributes': {'1': 'by hand', '2': 'same'}}, 'after': {'custom_attributes': {'1': 'helpdesk', '2': 'same'}}}
    row = {'name': 'custom_attributes.1', 'before': 'by hand', 'after': 'helpdesk', 'added': [], 'removed': []}
    assert properties(change, diff) == [row]
    # Without --diff the change itself gives both values (the one vocabulary: {before, after}).
    assert properties(change, None) == [row]


def test_summary_entries_and_counts_by_kind_and_status():
    report = report_of(
        {'kind': 'mailbox_permission', 'result': PERMISSION_BULK},
        {'kind': 'mailbox', 'object': 'room-1', 'changed': False},
        {'kind': 'mailbox', 'object': 'room-2', 'changed': True,
         'diff': {'before': {'hidden': False}, 'after': {'hidden': True}}},
        {'kind': 'mailbox', 'object': 'room-3', 'failed': True, 'msg': 'throttled', 'kind_of_error': 'x'},
    )
    summary = report['summary']
    assert (summary['drifted'], summary['failed'], summary['in_sync'], summary['total']) == (2, 2, 2, 6)
    assert summary['properties'] == 2
    assert summary['by_kind'] == {
        'mailbox': {'to_create': 0, 'to_remove': 0, 'drifted': 1, 'failed': 1, 'in_sync': 1, 'total': 3},
        'mailbox_permission': {'to_create': 0, 'to_remove': 0, 'drifted': 1, 'failed': 1, 'in_sync': 1, 'total': 3},
    }
    failed = [o for o in report['objects'] if o['object'] == 'room-3'][0]
    assert 'error_kind' not in failed
    assert (report['generated_at'], report['organization']) == ('2026-11-23T17:00:00Z', 'contoso.onmicrosoft.com')
    assert report['organisation'] == report['organization'], "0.1.0's spelling stays for its readers"


def test_a_task_that_failed_as_a_whole_is_one_failed_object():
    report = report_of({'kind': 'group_member', 'object': None, 'changed': False, 'failed': True,
                        'msg': 'members: unsupported parameter', 'changes': {}})
    assert report['objects'] == [{'kind': 'group_member', 'object': '(all of the task)', 'status': 'failed',
                                  'msg': 'members: unsupported parameter', 'properties': []}]


@pytest.mark.parametrize('sources, message', [
    ({'kind': 'mailbox'}, 'expected a list'),
    ([{'result': {}}], 'entry 0 has no kind'),
    ([{'kind': 'mailbox', 'result': 'changed'}], "kind 'mailbox' is not a registered result"),
])
def test_bad_input_is_named(sources, message):
    with pytest.raises((TypeError, ValueError), match=message):
        build_report(sources)


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_page():
    return render_html(report_of(
        {'kind': 'mailbox_permission', 'result': PERMISSION_BULK},
        {'kind': 'mailbox', 'object': HOSTILE, 'changed': True,
         'diff': {'before': {'display_name': 'a&b'}, 'after': {'display_name': HOSTILE}}},
    ))


def test_html_escapes_every_name_and_value():
    page = hostile_page()
    assert HOSTILE not in page
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' in page
    assert 'a&amp;b' in page
    assert page.count('<script') == 1 and '<img' not in page


def test_html_loads_nothing_and_allows_only_its_own_script():
    page = hostile_page()
    assert not re.search(r'https?:|//[a-z]|@import|url\(|<link|\bsrc=', page.replace('src=x', ''))
    script = re.search(r'<script>(.*?)</script>', page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode('ascii')
    policy = html.unescape(re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1))
    assert policy == "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-%s'" % digest


def test_html_has_summary_counts_and_one_tbody_per_object():
    page = hostile_page()
    assert '<div class="card drifted" data-count="drifted"><b>2</b>' in page
    assert '<div class="card failed" data-count="failed"><b>1</b>' in page
    assert page.count('<tbody class="object"') == 4
    assert '<td class="value before">alice@contoso.com\ncarol@contoso.com</td>' in page
    assert '<td class="value removed">carol@contoso.com</td>' in page
    assert '<td class="value before"><span class="none">(empty)</span></td>' in render_html(report_of(
        {'kind': 'mailbox', 'object': 'a', 'diff': {'before': {'send_as': []}, 'after': {'send_as': ['b']}}}))


def test_nothing_to_compare_is_an_empty_report_and_page():
    report = build_report([], generated_at='2026-11-23T17:00:00Z')
    assert report['summary'] == {'to_create': 0, 'to_remove': 0, 'drifted': 0, 'failed': 0, 'in_sync': 0, 'total': 0,
                                 'in_sync_unlisted': 0, 'properties': 0, 'by_kind': {}}
    page = render_html(report)
    assert '<title>Drift report</title>' in page and '<tbody class="object"' not in page


def test_objects_to_create_or_remove_have_their_own_status_and_counts_apart_from_drift():
    report = report_of(
        {'kind': 'contact', 'object': 'new@fabrikam.com', 'changed': True,
         'changes': {'state': {'before': 'absent', 'after': 'present'}, 'company': {'before': None, 'after': 'Fabrikam'}},
         'diff': {'before': {}, 'after': {'company': 'Fabrikam', 'name': 'New'}}},
        # exo_distribution_group names no state in its changes: the diff says it goes.
        {'kind': 'group', 'object': 'old-team', 'changed': True, 'diff': {'before': {'name': 'old-team'}, 'after': {}}},
        # An auto-reply's state is a property, not the object's presence.
        {'kind': 'auto_reply', 'object': 'dave', 'changed': True, 'changes': {'state': {'before': 'disabled', 'after': 'enabled'}},
         'diff': {'before': {'state': 'disabled'}, 'after': {'state': 'enabled'}}},
        {'kind': 'contact', 'object': 'kept@fabrikam.com', 'changed': False},
    )
    statuses = dict((o['object'], o['status']) for o in report['objects'])
    assert statuses == {'new@fabrikam.com': 'to_create', 'old-team': 'to_remove', 'dave': 'drifted', 'kept@fabrikam.com': 'in_sync'}
    summary = report['summary']
    assert [summary[s] for s in ('to_create', 'to_remove', 'drifted', 'failed', 'in_sync', 'total')] == [1, 1, 1, 0, 1, 4]
    assert summary['properties'] == 1, "only the drifted object's properties; a new object's values are not drift"
    assert summary['by_kind']['contact'] == {'to_create': 1, 'to_remove': 0, 'drifted': 0, 'failed': 0, 'in_sync': 1, 'total': 2}
    created = [o for o in report['objects'] if o['status'] == 'to_create'][0]
    assert ('state', 'absent', 'present') in [(p['name'], p['before'], p['after']) for p in created['properties']]
    page = render_html(report)
    assert '<div class="card to_create" data-count="to_create"><b>1</b>to create</div>' in page
    assert '<th>to remove</th>' in page and '<option value="to_remove">to remove</option>' in page


def trimmed(result):
    """``result`` as the module returns it with ``results: changed``: only the objects that changed
    or failed, their diff, and the counts of every object."""
    items = result['results']
    kept = [r for r in items if r.get('failed') or r.get('changed')]
    unchanged = sum(1 for r in items if not r.get('failed') and not r.get('changed'))
    counts = {'total': len(items), 'changed': sum(1 for r in items if r.get('changed')),
              'failed': sum(1 for r in items if r.get('failed')), 'unchanged': unchanged}
    names = {'sales@contoso.com'}
    diff = {side: {k: v for k, v in result['diff'][side].items() if k in names} for side in ('before', 'after')}
    return dict(result, results=kept, counts=counts, diff=diff)


def test_trimmed_results_count_their_in_sync_objects_from_counts():
    full = report_of({'kind': 'mailbox_permission', 'result': dict(PERMISSION_BULK, counts={
        'total': 3, 'changed': 1, 'failed': 1, 'unchanged': 1})})
    short = report_of({'kind': 'mailbox_permission', 'result': trimmed(PERMISSION_BULK)})
    assert [o['object'] for o in short['objects']] == ['ghost@contoso.com', 'Sales']
    by_kind = dict(short['summary']['by_kind']['mailbox_permission'])
    assert by_kind.pop('in_sync_unlisted') == 1
    unlisted = dict(short['summary'], in_sync_unlisted=0, by_kind={'mailbox_permission': by_kind})
    assert unlisted == full['summary'], 'the same summary whether the task ran with results: all or changed'
    assert short['summary']['in_sync'] == 1 and short['summary']['total'] == 3
    assert short['summary']['in_sync_unlisted'] == 1
    assert full['summary']['in_sync_unlisted'] == 0
    assert '<div class="card in_sync" data-count="in_sync_unlisted"><b>1</b>in sync, not listed</div>' in render_html(short)
    assert 'data-count="in_sync_unlisted"' not in render_html(full)


def test_an_audit_in_sync_with_trimmed_results_is_all_counted():
    result = {'changed': False, 'results': [], 'counts': {'total': 5000, 'changed': 0, 'failed': 0, 'unchanged': 5000}}
    report = report_of({'kind': 'mailbox', 'result': result}, {'kind': 'mailbox', 'result': dict(result)},
                       {'kind': 'group', 'result': {'changed': False, 'results': []}})
    assert report['objects'] == []
    assert report['summary']['in_sync'] == report['summary']['total'] == report['summary']['in_sync_unlisted'] == 10000
    assert report['summary']['by_kind'] == {'mailbox': {'to_create': 0, 'to_remove': 0, 'drifted': 0, 'failed': 0, 'in_sync': 10000,
                                                        'in_sync_unlisted': 10000, 'total': 10000}}
