# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module documents the action groups meta/runtime.yml puts it in (the ``action_group``
attribute, from the doc fragments), so module_defaults users can find the group to name."""

from __future__ import annotations

import ast
import importlib.util
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / 'plugins' / 'modules').glob('*.py'))
PREFIX = 'mailops.exchange.'


def runtime_groups():
    """Module name -> the action groups it is in, a group that extends others counted as holding
    their modules."""
    groups = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text())['action_groups']
    members = dict((name, set(item for item in items if isinstance(item, str))) for name, items in groups.items())
    for name, items in groups.items():
        for item in items:
            if isinstance(item, dict):
                for extended in item.get('metadata', {}).get('extend_group', []):
                    members[name] |= members[extended]
    found = {}
    for name, modules in members.items():
        for module in modules:
            found.setdefault(module, set()).add(PREFIX + name)
    return found


def attributes(path):
    """The module's documented attributes, its own merged over its doc fragments'."""
    docs = [node.value.value for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', '') == 'DOCUMENTATION']
    doc = yaml.safe_load(docs[0])
    merged = {}
    for fragment in doc.get('extends_documentation_fragment', []):
        if not fragment.startswith(PREFIX):
            continue  # another collection's fragment (ansible.builtin.files) documents no action group
        name, unused, variant = fragment[len(PREFIX):].partition('.')
        spec = importlib.util.spec_from_file_location(name, ROOT / 'plugins' / 'doc_fragments' / (name + '.py'))
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        text = getattr(loaded.ModuleDocFragment, variant.upper() if variant else 'DOCUMENTATION')
        merged.update(yaml.safe_load(text).get('attributes', {}))
    merged.update(doc.get('attributes', {}))
    return merged


@pytest.mark.parametrize('path', MODULES, ids=lambda path: path.stem)
def test_the_module_documents_its_action_groups(path):
    action_group = attributes(path).get('action_group')
    assert action_group, '%s documents no action_group attribute' % path.stem
    assert action_group['support'] == 'full'
    assert set(action_group['membership']) == runtime_groups().get(path.stem, set())
