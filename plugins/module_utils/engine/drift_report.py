# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The drift report: registered check-mode results as a JSON document and a self-contained page.

Pure functions, no I/O. ``build_report`` turns what the modules returned (a bulk result with
``results``, a looped task's ``results``, a single result, or per-object summary entries) into
one document: every object with its status and, for every drifted property, before and after.
A bulk result run with ``results: changed`` lists only the objects that changed (would change) or
failed: its ``counts`` say how many more there are, all in sync, and the report counts them as
``in_sync`` without listing them (``in_sync_unlisted`` in its summary).
``render_html`` turns that document into one HTML page with inline CSS and JavaScript only.
Object names and values come from the tenant and are untrusted: every one is escaped, and the
page's Content-Security-Policy lets only its own script (by hash) run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

# An object to be created or removed is counted apart from one whose properties drifted.
STATUSES = ('to_create', 'to_remove', 'drifted', 'failed', 'in_sync')

# A result's ``changes.state`` that creates or removes its object -> the object's status.
_PRESENCE = {('absent', 'present'): 'to_create', ('present', 'absent'): 'to_remove'}

# The collection's one vocabulary (multi_valued_options.rst) is what the report reads, for every
# module alike: a bulk entry names its object by ``key`` (a summary entry by ``object``); a noun
# result key is a dict of the object, named by its address, identity or display name; every
# ``changes`` value is ``{before, after}`` or ``{added, removed}``.
_NOUNS = ('mailbox', 'group', 'contact', 'mail_user', 'trustee')
_OBJECT_NAMES = ('primary_smtp_address', 'identity', 'display_name')
# The options a looped task's item names its object by (the noun, or an older alias).
_OPTIONS = _NOUNS + ('identity', 'name')


def build_report(sources, organization=None, generated_at=None):
    """The report document for ``sources``, a list of entries of two shapes.

    ``{kind, result}``: a registered task result of objects of that kind - a bulk result (its
    ``results`` have ``key``; ``diff`` maps each object to its state), a looped task (its
    ``results`` have ``item``) or a single module result. ``{kind, object, changed, failed, msg,
    changes, diff}``: one object's summary. Returns ``{generated_at, organization, summary,
    objects}`` (and ``organisation``, the same value under the spelling of 0.1.0's reports);
    objects are sorted by kind and name, each ``{kind, object, status, properties}`` (``msg`` and
    ``error_kind`` when it failed), each property ``{name, before, after, added, removed}``.
    The objects of a bulk result with trimmed ``results`` that its ``counts`` count but it does not
    list are in sync: ``summary.in_sync`` (and ``total``) count them, ``summary.in_sync_unlisted``
    (and each kind's) says how many of them the report does not list.
    """
    if not isinstance(sources, list):
        raise TypeError('drift report: expected a list of {kind, result} or {kind, object} entries, got %s'
                        % type(sources).__name__)
    objects = []
    unlisted = {}
    for index, source in enumerate(sources):
        if not isinstance(source, dict) or not source.get('kind'):
            raise ValueError('drift report: entry %d has no kind: %r' % (index, source))
        if 'result' in source:
            listed = _objects_of_result(source['kind'], source['result'])
            objects.extend(listed)
            unlisted[source['kind']] = unlisted.get(source['kind'], 0) + unlisted_in_sync(source['result'])
        else:
            # desired_state.yml names no object when a whole task failed before any object.
            name = source.get('object') or '(all of the task)'
            objects.append(_object(source['kind'], name, source, source.get('diff')))
    objects.sort(key=lambda o: (o['kind'], str(o['object']).lower(), str(o['object'])))
    return {
        'generated_at': generated_at,
        'organization': organization,
        'organisation': organization,
        'summary': summarise(objects, unlisted),
        'objects': objects,
    }


def unlisted_in_sync(result):
    """How many objects of a bulk result its ``counts`` count but its ``results`` do not list: with
    ``results: changed`` those in sync (every changed or failed object is listed); 0 for a result
    without ``counts`` or with every object listed."""
    if not isinstance(result, dict):
        return 0
    counts, items = result.get('counts'), result.get('results')
    if not isinstance(counts, dict) or not isinstance(items, list) or not isinstance(counts.get('total'), int):
        return 0
    return max(0, counts['total'] - len(items))


def summarise(objects, unlisted=None):
    """Counts of objects by status, overall and per kind, and the number of drifted properties
    (those of objects that exist and would stay: a new object's values are not drift).

    ``unlisted`` maps a kind to how many of its objects are in sync but not among ``objects``
    (trimmed bulk results): counted in ``in_sync`` and ``total``, and as ``in_sync_unlisted`` (always
    in the summary; in a kind's counts only when it has some, so the counts of a report without
    trimmed results keep the keys they had)."""
    by_kind = {}
    totals = dict.fromkeys(STATUSES, 0)
    for obj in objects:
        counts = by_kind.setdefault(obj['kind'], dict.fromkeys(STATUSES, 0))
        counts[obj['status']] += 1
        totals[obj['status']] += 1
    for kind, count in (unlisted or {}).items():
        if count:
            counts = by_kind.setdefault(kind, dict.fromkeys(STATUSES, 0))
            counts['in_sync'] += count
            counts['in_sync_unlisted'] = counts.get('in_sync_unlisted', 0) + count
            totals['in_sync'] += count
    for counts in by_kind.values():
        counts['total'] = sum(counts[s] for s in STATUSES)
    return dict(totals, total=sum(totals[s] for s in STATUSES), in_sync_unlisted=sum(c.get('in_sync_unlisted', 0) for c in by_kind.values()),
                properties=sum(len(o['properties']) for o in objects if o['status'] == 'drifted'),
                by_kind={k: by_kind[k] for k in sorted(by_kind)})


def _unlisted_of(summary):
    """The ``unlisted`` of :func:`summarise` that made ``summary`` (a report's or a tenant's)."""
    by_kind = summary.get('by_kind') if isinstance(summary, dict) else None
    if not isinstance(by_kind, dict):
        return {}
    return {kind: counts.get('in_sync_unlisted') or 0 for kind, counts in by_kind.items() if isinstance(counts, dict)}


# How a tenant of a report over many tenants stands: ``failed`` when it could not be compared in
# full (its audit failed, or one of its objects did), never counted as "no drift".
TENANT_STATUSES = ('failed', 'drifted', 'in_sync')


def build_tenants_report(tenants, generated_at=None):
    """One report over many tenants, from ``tenants``: a list of ``{tenant, report, failed, msg}``.

    ``report`` is that tenant's :func:`build_report` document (missing when its audit stopped
    before one was made); ``failed`` and ``msg`` say that the tenant's audit failed and why. An
    entry may also be a tenant section of an earlier result of this function, so the reports of
    the slices of a sliced run join into one.
    Returns ``{generated_at, summary, tenants}``: ``tenants`` sorted by name, each ``{tenant,
    status, summary, objects}`` (and ``msg`` when it failed) with ``status`` one of
    :data:`TENANT_STATUSES`; ``summary`` the object counts over every tenant (as
    :func:`summarise`) and, under ``tenants``, how many tenants have each status.
    """
    if not isinstance(tenants, list):
        raise TypeError('drift report: expected a list of {tenant, report} entries, got %s' % type(tenants).__name__)
    sections = [_tenant_section(index, entry) for index, entry in enumerate(tenants)]
    sections.sort(key=lambda s: (str(s['tenant']).lower(), str(s['tenant'])))
    unlisted = {}
    for section in sections:
        for kind, count in _unlisted_of(section['summary']).items():
            unlisted[kind] = unlisted.get(kind, 0) + count
    summary = summarise([obj for section in sections for obj in section['objects']], unlisted)
    counts = dict.fromkeys(TENANT_STATUSES, 0)
    for section in sections:
        counts[section['status']] += 1
    summary['tenants'] = dict(counts, total=len(sections))
    return {'generated_at': generated_at, 'summary': summary, 'tenants': sections}


def _tenant_section(index, entry):
    if not isinstance(entry, dict) or not entry.get('tenant'):
        raise ValueError('drift report: tenant entry %d has no tenant: %r' % (index, entry))
    if 'report' not in entry and 'status' in entry:
        # A section of an earlier report over many tenants (one per slice of a sliced run).
        entry = dict(entry, report={'objects': entry.get('objects'), 'summary': entry.get('summary')}, failed=entry['status'] == 'failed')
    report = entry.get('report')
    if report is not None and not isinstance(report.get('objects') if isinstance(report, dict) else None, list):
        raise ValueError('drift report: the report of tenant %r is not a drift report: %r' % (entry['tenant'], report))
    objects = list(report['objects']) if report else []
    summary = summarise(objects, _unlisted_of(report.get('summary')) if report else None)
    section = {'tenant': entry['tenant'], 'summary': summary, 'objects': objects}
    if entry.get('failed') or not report or summary['failed']:
        section['status'] = 'failed'
        section['msg'] = entry.get('msg') or (
            '%d objects could not be compared' % summary['failed'] if report else 'the audit of this tenant made no report')
    elif summary['drifted'] + summary['to_create'] + summary['to_remove']:
        section['status'] = 'drifted'
    else:
        section['status'] = 'in_sync'
    return section


def _objects_of_result(kind, result):
    if not isinstance(result, dict):
        raise ValueError('drift report: the result of kind %r is not a registered result: %r' % (kind, result))
    items = result.get('results')
    if not isinstance(items, list):
        return [_object(kind, _name_of(result), result, result.get('diff'))]
    diff = result.get('diff') or {}
    objects = []
    for item in items:
        if not isinstance(item, dict) or item.get('skipped'):
            continue
        if 'ansible_loop_var' in item or 'item' in item:
            objects.append(_object(kind, _name_of(item), item, item.get('diff')))
        else:
            name = _name_of(item)
            objects.append(_object(kind, name, item, _diff_of(diff, item)))
    return objects


def _names(result):
    """The names a result gives its object, most specific first: ``key``/``object``, then each of
    its noun's names."""
    names = [result.get('key'), result.get('object')]
    for noun in _NOUNS:
        if isinstance(result.get(noun), dict):
            names.extend(result[noun].get(name) for name in _OBJECT_NAMES)
    return [name for name in names if isinstance(name, str) and name]


def _name_of(result):
    """A bulk entry's ``key`` (a summary's ``object``); a looped task's item, by the object option it
    gave; else the object its noun key shows."""
    for name in (result.get('key'), result.get('object')):
        if isinstance(name, str) and name:
            return name
    item = result.get('item')
    if isinstance(item, dict):
        for option in _OPTIONS:
            if isinstance(item.get(option), str) and item[option]:
                return item[option]
    elif item is not None:
        return str(item)
    names = _names(result)
    return names[0] if names else '(unnamed)'


def _diff_of(diff, item):
    """One object's part of a bulk result's ``diff``, which maps objects to their state."""
    before, after = diff.get('before') or {}, diff.get('after') or {}
    for name in _names(item):
        if name in before or name in after:
            return {'before': before.get(name) or {}, 'after': after.get(name) or {}}
    return None


def _object(kind, name, result, diff):
    obj = {'kind': kind, 'object': name}
    if result.get('failed'):
        obj['status'] = 'failed'
        obj['msg'] = result.get('msg', '')
        # In a bulk result's entry, "kind" is the error's kind, not the object's.
        error_kind = result.get('error_kind')
        if error_kind:
            obj['error_kind'] = error_kind
        obj['properties'] = []
        return obj
    changes = result.get('changes') if isinstance(result.get('changes'), dict) else {}
    obj['properties'] = properties(changes, diff if isinstance(diff, dict) else None)
    obj['status'] = presence(changes, diff) or ('drifted' if result.get('changed') or obj['properties'] else 'in_sync')
    return obj


def presence(changes, diff):
    """``to_create`` or ``to_remove`` when the result creates or removes its object, else None.

    ``changes.state`` says so when it goes from absent to present or back (another ``state``, an
    auto-reply's, says nothing of the object); without it, a ``diff`` with only one side
    (modules that name no state in their changes).
    """
    state = changes.get('state')
    if isinstance(state, dict):
        return _PRESENCE.get((state.get('before'), state.get('after')))
    if isinstance(diff, dict) and bool(diff.get('before')) != bool(diff.get('after')):
        return 'to_create' if diff.get('after') else 'to_remove'
    return None


def properties(changes, diff):
    """The drifted properties of one object, sorted by name: ``{name, before, after, added, removed}``.

    ``diff`` (``{before, after}`` of the object, or None without ``--diff``) gives the values;
    ``changes`` (the module's ``changes``) names what changed when there is no diff, and its
    ``added``/``removed`` lists are kept as the module computed them. Nested dicts become
    dotted names so that each leaf that drifted is one row.
    """
    raw_before, raw_after = (diff or {}).get('before') or {}, (diff or {}).get('after') or {}
    before, after = _flatten(raw_before), _flatten(raw_after)
    flat_changes = {}
    for name, change in changes.items():
        if _is_set_change(change):
            # Modules list every managed set, with empty lists for those in sync.
            if change.get('added') or change.get('removed'):
                flat_changes[name] = change
        elif _is_value_change(change):
            # A change given as its values before and after (a mailbox's custom attributes): the
            # leaves that differ, each {before, after}, not rows named before and after.
            old, new = (_flatten({name: change[side]}) for side in ('before', 'after'))
            flat_changes.update((leaf, {'before': old.get(leaf), 'after': new.get(leaf)})
                                for leaf in set(old) | set(new) if old.get(leaf) != new.get(leaf))
        else:
            raise ValueError('drift report: changes.%s is %r, not {before, after} or {added, removed}' % (name, change))
    names = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    names.update(flat_changes)
    if diff is not None and bool(raw_before) != bool(raw_after):
        # A created (removed) object: its empty values are only what the service has not picked
        # yet (has no more), and whether it exists is the drift.
        existing = after or before
        names = {n for n in names if n in flat_changes or existing.get(n) not in (None, '', [], {})}
        names.add('state')
        before['state'], after['state'] = ('absent', 'present') if after else ('present', 'absent')
    rows = []
    for name in sorted(names):
        change = flat_changes.get(name)
        row = {'name': name, 'before': before.get(name), 'after': after.get(name), 'added': [], 'removed': []}
        if _is_set_change(change):
            row['added'] = list(change.get('added') or [])
            row['removed'] = list(change.get('removed') or [])
        elif isinstance(row['before'], list) or isinstance(row['after'], list):
            old, new = row['before'] or [], row['after'] or []
            row['added'] = [v for v in new if v not in old]
            row['removed'] = [v for v in old if v not in new]
        if _is_value_change(change):
            row['before'], row['after'] = before.get(name, change['before']), after.get(name, change['after'])
        rows.append(row)
    return rows


def _is_set_change(change):
    return isinstance(change, dict) and change and set(change) <= {'added', 'removed'}


def _is_value_change(change):
    return isinstance(change, dict) and set(change) == {'before', 'after'}


def _flatten(mapping, prefix=''):
    flat = {}
    for key, value in mapping.items():
        name = '%s%s' % (prefix, key)
        if isinstance(value, dict) and not _is_set_change(value):
            flat.update(_flatten(value, name + '.'))
        else:
            flat[name] = value
    return flat


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330}
h1{font-size:20px;margin:0 0 4px}
.meta{color:#5b6275;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{border:1px solid #d5d9e2;border-radius:6px;padding:8px 14px;min-width:96px}
.card b{display:block;font-size:22px}
.card.drifted b{color:#a15c00}.card.failed b{color:#b3261e}.card.in_sync b{color:#1e7b34}
.card.to_create b,.card.to_remove b{color:#1f5fa8}
table{border-collapse:collapse}
#objects,.objects{width:100%}
th,td{border-bottom:1px solid #e3e6ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8;position:sticky;top:0}
tbody.object{border-top:2px solid #c9ced9}
.status{font-weight:600}.status.drifted{color:#a15c00}.status.failed{color:#b3261e}
.status.in_sync{color:#1e7b34}.status.to_create,.status.to_remove{color:#1f5fa8}
.value{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
white-space:pre-wrap;overflow-wrap:anywhere;min-width:8em}
td.status{white-space:nowrap}
.added{color:#1e7b34}.removed{color:#b3261e}.none{color:#9aa0ad}
.controls{display:flex;gap:8px;margin-bottom:12px;align-items:center}
.controls input{flex:1;max-width:360px;padding:4px 6px}
#shown{color:#5b6275}
"""

# Filters whole objects (one tbody each), so that an object's properties stay together: the text
# must occur in the object's text, the kind and the status must match the selects.
_JS = """
(function () {
  var text = document.getElementById('filter-text');
  var kind = document.getElementById('filter-kind');
  var status = document.getElementById('filter-status');
  var shown = document.getElementById('shown');
  var objects = Array.prototype.slice.call(document.querySelectorAll('tbody.object'));
  function apply() {
    var q = text.value.trim().toLowerCase(), k = kind.value, s = status.value, n = 0;
    objects.forEach(function (body) {
      var visible = (!k || body.dataset.kind === k) && (!s || body.dataset.status === s) &&
        (!q || body.textContent.toLowerCase().indexOf(q) !== -1);
      body.hidden = !visible;
      if (visible) { n += 1; }
    });
    shown.textContent = n + ' of ' + objects.length + ' objects shown';
  }
  [text, kind, status].forEach(function (control) {
    control.addEventListener('input', apply);
    control.addEventListener('change', apply);
  });
  apply();
}());
"""


def render_html(report):
    """The report as one HTML page: summary cards, filters and a table, no external resource."""
    summary = report['summary']
    organization = report.get('organization') or report.get('organisation')
    title = 'Drift report' + (' - %s' % organization if organization else '')
    script_hash = base64.b64encode(hashlib.sha256(_JS.encode('utf-8')).digest()).decode('ascii')
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-%s'" % script_hash
    cards = ''.join(
        '<div class="card %s" data-count="%s"><b>%d</b>%s</div>' % (
            _e(status), _e(status), summary[status], _e(_label(status)))
        for status in STATUSES)
    cards += '<div class="card" data-count="properties"><b>%d</b>properties drifted</div>' % summary['properties']
    cards += _unlisted_card(summary)
    headers = ''.join('<th>%s</th>' % _e(_label(status)) for status in STATUSES)
    kinds = ''.join('<option value="%s">%s (%d)</option>' % (_e(k), _e(k), c['total'])
                    for k, c in summary['by_kind'].items())
    statuses = ''.join('<option value="%s">%s</option>' % (_e(s), _e(_label(s))) for s in STATUSES)
    by_kind = ''.join(
        '<tr><td>%s</td>%s<td>%d</td></tr>' % (_e(k), ''.join('<td>%d</td>' % c[s] for s in STATUSES), c['total'])
        for k, c in summary['by_kind'].items())
    bodies = ''.join(_object_html(obj) for obj in report['objects'])
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="%s">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>%s</title><style>%s</style></head><body>'
        '<h1>%s</h1><p class="meta">Generated %s.</p>'
        '<div class="cards" id="summary">%s</div>'
        '<table id="by-kind"><thead><tr><th>Kind</th>%s<th>Total</th></tr></thead><tbody>%s</tbody></table>'
        '<h2>Objects</h2><div class="controls">'
        '<input id="filter-text" type="search" placeholder="Filter by name, property or value"'
        ' aria-label="Filter text">'
        '<select id="filter-kind" aria-label="Kind"><option value="">All kinds</option>%s</select>'
        '<select id="filter-status" aria-label="Status"><option value="">All statuses</option>%s</select>'
        '<span id="shown"></span></div>'
        '<table id="objects"><thead><tr><th>Kind</th><th>Object</th><th>Status</th><th>Property</th>'
        '<th>Before</th><th>After</th><th>Added</th><th>Removed</th></tr></thead>%s</table>'
        '<script>%s</script></body></html>\n'
    ) % (_e(csp), _e(title), _CSS, _e(title), _e(report.get('generated_at') or 'at an unknown time'),
         cards, headers, by_kind, kinds, statuses, bodies, _JS)


def render_tenants_html(report):
    """The report of :func:`build_tenants_report` as one HTML page: the totals, a table of the
    tenants, and a section per tenant with its objects; the same filters as :func:`render_html`."""
    summary = report['summary']
    title = 'Drift report - %d tenants' % summary['tenants']['total']
    script_hash = base64.b64encode(hashlib.sha256(_JS.encode('utf-8')).digest()).decode('ascii')
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-%s'" % script_hash
    cards = ''.join('<div class="card %s" data-count="tenants-%s"><b>%d</b>tenants %s</div>' % (
        _e(status), _e(status), summary['tenants'][status], _e(_label(status))) for status in TENANT_STATUSES)
    cards += ''.join('<div class="card %s" data-count="%s"><b>%d</b>%s</div>' % (
        _e(status), _e(status), summary[status], _e(_label(status))) for status in STATUSES)
    cards += _unlisted_card(summary)
    tenants = ''.join(
        '<tr><td><a href="#tenant-%d">%s</a></td><td class="status %s">%s</td>%s<td class="value">%s</td></tr>' % (
            index, _e(t['tenant']), _e(t['status']), _e(_label(t['status'])),
            ''.join('<td>%d</td>' % t['summary'][s] for s in STATUSES), _e(t.get('msg', '')))
        for index, t in enumerate(report['tenants']))
    kinds = ''.join('<option value="%s">%s (%d)</option>' % (_e(k), _e(k), c['total']) for k, c in summary['by_kind'].items())
    statuses = ''.join('<option value="%s">%s</option>' % (_e(s), _e(_label(s))) for s in STATUSES)
    sections = ''.join(_tenant_html(index, t) for index, t in enumerate(report['tenants']))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="%s">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>%s</title><style>%s</style></head><body>'
        '<h1>%s</h1><p class="meta">Generated %s.</p><div class="cards" id="summary">%s</div>'
        '<table id="tenants"><thead><tr><th>Tenant</th><th>Status</th>%s<th>Why</th></tr></thead><tbody>%s</tbody></table>'
        '<h2>Objects</h2><div class="controls">'
        '<input id="filter-text" type="search" placeholder="Filter by name, property or value" aria-label="Filter text">'
        '<select id="filter-kind" aria-label="Kind"><option value="">All kinds</option>%s</select>'
        '<select id="filter-status" aria-label="Status"><option value="">All statuses</option>%s</select>'
        '<span id="shown"></span></div>%s<script>%s</script></body></html>\n'
    ) % (_e(csp), _e(title), _CSS, _e(title), _e(report.get('generated_at') or 'at an unknown time'), cards,
         ''.join('<th>%s</th>' % _e(_label(s)) for s in STATUSES), tenants, kinds, statuses, sections, _JS)


def _unlisted_card(summary):
    """A card for the in-sync objects counted but not listed (trimmed bulk results), if any."""
    count = summary.get('in_sync_unlisted') or 0
    if not count:
        return ''
    return '<div class="card in_sync" data-count="in_sync_unlisted"><b>%d</b>in sync, not listed</div>' % count


def _tenant_html(index, tenant):
    head = '<h3 id="tenant-%d">%s <span class="status %s">%s</span></h3>' % (
        index, _e(tenant['tenant']), _e(tenant['status']), _e(_label(tenant['status'])))
    if tenant.get('msg'):
        head += '<p class="status failed">%s</p>' % _e(tenant['msg'])
    if not tenant['objects']:
        return head
    return head + ('<table class="objects"><thead><tr><th>Kind</th><th>Object</th><th>Status</th><th>Property</th>'
                   '<th>Before</th><th>After</th><th>Added</th><th>Removed</th></tr></thead>%s</table>'
                   % ''.join(_object_html(obj) for obj in tenant['objects']))


def _object_html(obj):
    head = '<td>%s</td><td class="object">%s</td><td class="status %s">%s</td>' % (
        _e(obj['kind']), _e(obj['object']), _e(obj['status']), _e(_label(obj['status'])))
    if obj['status'] == 'failed':
        detail = obj.get('msg', '')
        if obj.get('error_kind'):
            detail = '%s: %s' % (obj['error_kind'], detail)
        rows = ['<tr>%s<td colspan="5" class="value">%s</td></tr>' % (head, _e(detail))]
    elif not obj['properties']:
        rows = ['<tr>%s<td colspan="5" class="none">no drift</td></tr>' % head]
    else:
        rows = []
        for index, prop in enumerate(obj['properties']):
            lead = head if index == 0 else '<td></td><td></td><td></td>'
            rows.append('<tr class="property">%s<td>%s</td><td class="value before">%s</td>'
                        '<td class="value after">%s</td><td class="value added">%s</td>'
                        '<td class="value removed">%s</td></tr>' % (
                            lead, _e(prop['name']), _value(prop['before']), _value(prop['after']),
                            _value(prop['added'] or None), _value(prop['removed'] or None)))
    return '<tbody class="object" data-kind="%s" data-status="%s">%s</tbody>' % (
        _e(obj['kind']), _e(obj['status']), ''.join(rows))


def _label(status):
    """How the page names a status: ``to_create`` is "to create"."""
    return status.replace('_', ' ')


def _value(value):
    if value is None:
        return '<span class="none">-</span>'
    if value in ([], '', {}):
        return '<span class="none">(empty)</span>'
    if isinstance(value, list):
        return _e('\n'.join(v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in value))
    if isinstance(value, str):
        return _e(value)
    return _e(json.dumps(value, sort_keys=True))


def _e(value):
    return html.escape(str(value), quote=True)
