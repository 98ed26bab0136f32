# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One vocabulary for results (issue 14): every module's RETURN, parsed, gives one key one type
across modules; a noun key (the object a module manages: ``mailbox``, ``group`` ...) is always a
dict of the object, wherever it appears; ``changes`` is ``{property: {before, after}}`` or
``{property: {added, removed}}``. See the vocabulary section of docs/docsite/rst/multi_valued_options.rst."""

from __future__ import annotations

import ast
import collections
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / 'plugins' / 'modules').glob('*.py'))

# The object keys: wherever one appears in a result (top level, inside another key, in a bulk
# entry), it is a dict of the object with at least ``identity`` and ``display_name``.
NOUNS = ('mailbox', 'group', 'contact', 'mail_user', 'trustee')
# The two shapes of one property's change.
CHANGE_SHAPES = ({'before', 'after'}, {'added', 'removed'})
SAMPLE_TYPES = ((bool, 'bool'), (int, 'int'), (float, 'float'), (str, 'str'), (list, 'list'), (dict, 'dict'))


def returns(path):
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'RETURN':
            return yaml.safe_load(node.value.value) or {}
    return {}


def sample_type(value):
    for kind, name in SAMPLE_TYPES:
        if isinstance(value, kind):
            return name
    return None


def documented(module, doc, where=''):
    """(where, key, type, spec or None, sample) for each key the RETURN documents, at every depth,
    and for each key of a list-of-dicts sample (a bulk entry's keys)."""
    for key, spec in (doc or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        yield where + key, key, spec.get('type'), spec, spec.get('sample')
        yield from documented(module, spec.get('contains'), where + key + '.')
        sample = spec.get('sample')
        elements = sample if isinstance(sample, list) else [sample] if spec.get('type') == 'dict' and not spec.get('contains') else []
        for element in elements:
            if isinstance(element, dict) and spec.get('type') == 'list':
                for name, value in element.items():
                    yield '%s[].%s' % (where + key, name), name, sample_type(value), None, value


def every_key():
    return [(path.stem, entry) for path in MODULES for entry in documented(path.stem, returns(path))]


def change_problems(name, changes, spec=True):
    """Why a documented ``changes`` (its spec, or with ``spec`` False a sample) is not
    {property: {before, after}} or {property: {added, removed}}."""
    problems = []
    if spec:
        for prop, spec in (changes.get('contains') or {}).items():
            keys = set((spec.get('contains') or {}).keys())
            if spec.get('type') != 'dict' or (keys and keys not in CHANGE_SHAPES):
                problems.append('%s: changes.%s is documented as %s %s' % (name, prop, spec.get('type'), sorted(keys)))
        changes = changes.get('sample')
    for prop, value in (changes or {}).items():
        if not isinstance(value, dict) or set(value) not in CHANGE_SHAPES:
            problems.append('%s: changes.%s sample is %r' % (name, prop, sorted(value) if isinstance(value, dict) else value))
    return problems


def type_problems():
    """A top-level key with more than one type across modules."""
    types = collections.defaultdict(set)
    for module, (where, key, kind, _spec, _sample) in every_key():
        if where == key and kind:
            types[key].add((kind, module))
    return ['%s has types %s' % (key, sorted(set(kind for kind, _m in found))) for key, found in sorted(types.items())
            if len(set(kind for kind, _m in found)) > 1]


def noun_problems():
    """``mailbox``, ``group`` ... are the object (a dict), at the top level, inside another key and
    in bulk entries; a documented shape names at least its identity and display name."""
    wrong = []
    for module, (where, key, kind, spec, sample) in every_key():
        if key not in NOUNS:
            continue
        if kind is not None and kind != 'dict':
            wrong.append('%s: %s is %s' % (module, where, kind))
        shown = set((spec or {}).get('contains') or {}) or set(sample if isinstance(sample, dict) else ())
        if shown and not {'identity', 'display_name'} <= shown:
            wrong.append('%s: %s shows no %s' % (module, where, ' or '.join(sorted({'identity', 'display_name'} - shown))))
    return wrong


def changes_problems():
    problems = []
    for path in MODULES:
        doc = returns(path)
        if 'changes' in doc:
            problems += change_problems(path.stem, doc['changes'])
        for entry in (doc.get('results') or {}).get('sample') or []:
            if isinstance(entry, dict) and 'changes' in entry:
                problems += change_problems(path.stem + ' results[]', entry['changes'], spec=False)
    return problems


def error_kind_problems():
    """A failed bulk entry's error is ``error_kind`` (documented so, and so in samples)."""
    wrong = []
    for path in MODULES:
        results = returns(path).get('results') or {}
        text = ' '.join(results['description']) if isinstance(results.get('description'), list) else results.get('description') or ''
        if results and 'failed=true' in text and 'error_kind' not in text:
            wrong.append('%s: results documents no error_kind' % path.stem)
        wrong += ['%s: a failed results sample has no error_kind' % path.stem for entry in results.get('sample') or []
                  if isinstance(entry, dict) and entry.get('failed') and 'error_kind' not in entry]
    return wrong


CHECKS = (type_problems, noun_problems, changes_problems, error_kind_problems)


def test_every_module_documents_a_return():
    assert [path.stem for path in MODULES if not returns(path)] == []


@pytest.mark.parametrize('check', CHECKS, ids=[check.__name__ for check in CHECKS])
def test_one_vocabulary(check):
    assert sorted(set(check())) == []


def test_the_checks_catch_a_mixed_vocabulary():
    """The checks above fail on the shapes issue 14 found (a string mailbox, a string change)."""
    bad = {'mailbox': {'type': 'str', 'sample': 'a@contoso.com'},
           'changes': {'type': 'dict', 'sample': {'application': 'created'}}}
    assert [(where, kind) for where, _k, kind, _s, _v in documented('bad', bad)] == [('mailbox', 'str'), ('changes', 'dict')]
    assert change_problems('bad', bad['changes']) == ["bad: changes.application sample is 'created'"]
    # A sample whose property is called ``type`` is still a sample.
    assert change_problems('bad', {'type': 'shared'}, spec=False) == ["bad: changes.type sample is 'shared'"]


def fan_out_problems():
    """Every module that fans out (it has the ``parallel`` option of a bulk fragment) reports the
    concurrency it settled at as ``concurrency``, an int; no other module documents that key."""
    wrong = []
    for path in MODULES:
        fans_out = '.bulk\n' in path.read_text() or 'parallel=dict(' in path.read_text()
        spec = returns(path).get('concurrency')
        if fans_out and (not isinstance(spec, dict) or spec.get('type') != 'int'):
            wrong.append('%s: concurrency is %r' % (path.stem, spec and spec.get('type')))
        if spec and not fans_out:
            wrong.append('%s documents concurrency without a parallel option' % path.stem)
    return wrong


def test_every_module_that_fans_out_reports_its_concurrency():
    assert fan_out_problems() == []
