# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape of plugins/: module_utils in layers that import only downwards, no import cycle, no
module importing another module, and every module_utils file marked for internal use."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
UTILS = ROOT / 'plugins' / 'module_utils'
PREFIX = 'ansible_collections.mailops.exchange.plugins.'
# From the bottom up: a layer may import from itself and the layers before it.
LAYERS = ('transport', 'runners', 'recipients', 'engine', 'apps')


def collection_imports(path):
    """The dotted names of this collection's plugins that ``path`` imports (module level or not)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            base = node.module[len(PREFIX):]
            names.extend(base + '.' + alias.name if base.count('.') == 1 else base for alias in node.names)
        elif isinstance(node, ast.Import):
            names.extend(alias.name[len(PREFIX):] for alias in node.names if alias.name.startswith(PREFIX))
    return names


def dotted(path):
    return '.'.join(path.relative_to(ROOT / 'plugins').with_suffix('').parts)


def utils_files():
    return sorted(p for p in UTILS.rglob('*.py') if p.name != '__init__.py')


def test_module_utils_is_layered():
    assert not list(UTILS.glob('*.py')), 'every module_utils file belongs to a layer'
    assert sorted(p.name for p in UTILS.iterdir() if p.is_dir() and p.name != '__pycache__') == sorted(LAYERS)


@pytest.mark.parametrize('path', utils_files(), ids=lambda p: str(p.relative_to(UTILS)))
def test_layer_imports_only_downwards(path):
    own = LAYERS.index(path.parent.name)
    for name in collection_imports(path):
        parts = name.split('.')
        assert parts[0] == 'module_utils', '%s imports %s' % (path.name, name)
        assert LAYERS.index(parts[1]) <= own, '%s (%s) imports %s from a layer above' % (path.name, LAYERS[own], name)


@pytest.mark.parametrize('path', utils_files(), ids=lambda p: str(p.relative_to(UTILS)))
def test_internal_use_notice(path):
    assert 'FOR INTERNAL COLLECTION USE ONLY' in ''.join(path.read_text().splitlines(True)[:8])


def test_no_import_cycle():
    graph = dict((dotted(p), set(n for n in collection_imports(p) if n.startswith('module_utils.'))) for p in utils_files())
    graph = dict((name, set(n for n in targets if n in graph)) for name, targets in graph.items())
    done, active = set(), []

    def visit(name):
        assert name not in active, 'import cycle: %s' % ' -> '.join(active[active.index(name):] + [name])
        if name in done:
            return
        active.append(name)
        for target in sorted(graph[name]):
            visit(target)
        active.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize('path', sorted((ROOT / 'plugins' / 'modules').glob('*.py'))
                         + sorted((ROOT / 'tests').rglob('*.py')), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_another_module(path):
    """A module imports no module; a module's unit tests (test_<module>*.py) import that module only."""
    modules = set(n.split('.')[1] for n in collection_imports(path) if n.startswith('modules.'))
    if 'tests' in path.parts and path.parent.name == 'modules':
        modules = set(m for m in modules if not path.stem.startswith('test_' + m))
    assert not modules, '%s imports the modules %s' % (path.relative_to(ROOT), sorted(modules))
