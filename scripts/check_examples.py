# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check every call of a mailops.exchange module that the documentation shows against the
module's documented options.

Where calls are found: each module's EXAMPLES, the YAML code blocks of the docs site guides
(docs/docsite/rst/*.rst) and of the Markdown files (README.md, docs/, roles/, extensions/), and
the YAML files under playbooks/, roles/ and extensions/. A call is a task whose action is
``mailops.exchange.<module>``, a short module name where ``collections:`` names mailops.exchange
(or in one of this collection's roles), or an ``action:``/``local_action:`` naming one of them.

What is an error (named with the file, line, module and option): a module the collection does
not have, an option or suboption the module does not document (aliases count), a literal value
that is not one of the option's choices or cannot be converted to its type, and a required
option or suboption left out, unless ``module_defaults`` in scope or templated ``args:`` may give
it. Options that ``module_defaults`` gives a module (through its action groups, meta/runtime.yml)
are checked the same way, because an option a module does not know fails the task. Values with
Jinja in them are not checked.

The documentation is what ``ansible-doc --json`` gives for this checkout (doc fragments
merged); validate-modules in ansible-test sanity keeps it equal to each argument_spec.

    python scripts/check_examples.py            # the whole collection
    python scripts/check_examples.py FILE...    # only these files
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ansible.module_utils.common.parameters import DEFAULT_TYPE_VALIDATORS
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE
from ansible.parsing.splitter import parse_kv

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE, NAME = 'mailops', 'exchange'
COLLECTION = '%s.%s' % (NAMESPACE, NAME)
PREFIX = COLLECTION + '.'

# Where calls are looked for, relative to the collection root.
SOURCES = ('plugins/modules/*.py', 'docs/docsite/rst/*.rst', 'docs/**/*.md', '*.md',
           'playbooks/**/*.yml', 'playbooks/**/*.yaml', 'playbooks/**/*.md',
           'roles/**/*.yml', 'roles/**/*.yaml', 'roles/**/*.md',
           'extensions/**/*.yml', 'extensions/**/*.yaml', 'extensions/**/*.md')
PLAY_TASK_LISTS = ('pre_tasks', 'tasks', 'post_tasks', 'handlers')
BLOCK_LISTS = ('block', 'rescue', 'always')
PLAY_ONLY_KEYS = ('hosts', 'import_playbook', 'ansible.builtin.import_playbook') + PLAY_TASK_LISTS + ('roles',)
JINJA = re.compile(r'{{|{%|{#')
RST_YAML = re.compile(r'^(?P<indent>[ \t]*)\.\. (?:code-block|code|sourcecode)::[ \t]*(?:yaml|yml|yaml\+jinja)[ \t]*$')
MD_FENCE = re.compile(r'^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<lang>[\w+-]*)')


# --------------------------------------------------------------------------------------------
# Findings and the module catalogue

@dataclass(frozen=True)
class Finding:
    """One mistake: where it is, in which module's call, and what is wrong."""

    path: str
    line: int
    module: str
    message: str

    def __str__(self):
        where = '%s:%d' % (self.path, self.line)
        return '%s: %s: %s' % (where, self.module, self.message) if self.module else '%s: %s' % (where, self.message)


@dataclass
class Catalog:
    """The documented options of each module (by short name) and the action groups'
    members (group name -> set of short module names)."""

    modules: dict
    groups: dict = field(default_factory=dict)

    def groups_of(self, module):
        """The action groups a module belongs to."""
        return {name for name, members in self.groups.items() if module in members}


def resolve_groups(action_groups):
    """meta/runtime.yml's action_groups with ``metadata.extend_group`` followed: group name ->
    set of short module names (FQCNs of this collection are shortened)."""
    raw = {}
    for name, entries in (action_groups or {}).items():
        members, extends = set(), []
        for entry in entries or []:
            if isinstance(entry, dict):
                extends.extend((entry.get('metadata') or {}).get('extend_group') or [])
            else:
                members.add(_short(entry))
        raw[name] = (members, [_short(group) for group in extends])

    def members_of(name, seen):
        members, extends = raw.get(name, (set(), []))
        result = set(members)
        for group in extends:
            if group not in seen:
                result |= members_of(group, seen | {group})
        return result

    return {name: members_of(name, {name}) for name in raw}


def _short(name):
    return name[len(PREFIX):] if name.startswith(PREFIX) else name


def load_catalog(root=ROOT):
    """The documentation of every module in ``root``/plugins/modules, read with ``ansible-doc
    --json`` from a collections tree whose only mailops.exchange is ``root`` (so another
    checkout on ANSIBLE_COLLECTIONS_PATH or sys.path cannot answer instead)."""
    root = Path(root).resolve()
    names = sorted(p.stem for p in (root / 'plugins' / 'modules').glob('*.py') if not p.stem.startswith('_'))
    with tempfile.TemporaryDirectory(prefix='check_examples.') as tmp:
        link = Path(tmp, 'ansible_collections', NAMESPACE)
        link.mkdir(parents=True)
        (link / NAME).symlink_to(root, target_is_directory=True)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=tmp, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False',
                   ANSIBLE_NOCOLOR='1')
        proc = subprocess.run([sys.executable, '-m', 'ansible.cli.doc', '--json', '-t', 'module']
                              + [PREFIX + name for name in names],
                              env=env, capture_output=True, text=True, check=False)
        try:
            docs = json.loads(proc.stdout) if proc.returncode == 0 else {}
        except ValueError:
            docs = {}
        missing = [name for name in names if PREFIX + name not in docs]
        if missing:
            raise RuntimeError('ansible-doc could not read the documentation of %s: %s'
                               % (', '.join(missing), proc.stderr.strip() or 'no output'))
        modules = {}
        for name in names:
            doc = docs[PREFIX + name]['doc']
            if Path(doc['filename']).resolve() != root / 'plugins' / 'modules' / (name + '.py'):
                raise RuntimeError('ansible-doc read %s from %s, not from %s' % (name, doc['filename'], root))
            modules[name] = doc.get('options') or {}
    runtime = yaml.safe_load((root / 'meta' / 'runtime.yml').read_text(encoding='utf-8')) or {}
    return Catalog(modules, resolve_groups(runtime.get('action_groups')))


# --------------------------------------------------------------------------------------------
# YAML with line numbers

class Map(dict):
    """A mapping that knows its line and the line of each key (1-based, in the snippet)."""

    line = 0
    key_lines = None


class Seq(list):
    """A sequence that knows its line and the line of each item."""

    line = 0
    item_lines = None


class Opaque(str):
    """A value whose content is not known before run time (``!vault``)."""


class Unsafe(str):
    """A value Ansible never templates (``!unsafe``): literal even with Jinja in it."""


class _Loader(getattr(yaml, 'CSafeLoader', yaml.SafeLoader)):  # pylint: disable=too-many-ancestors
    """SafeLoader that keeps line numbers and accepts Ansible's tags."""


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    result = Map()
    result.line, result.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader, node):
    result = Seq(loader.construct_object(item, deep=True) for item in node.value)
    result.line, result.item_lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
    return result


def _construct_tagged(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return _construct_map(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _construct_seq(loader, node)
    value = loader.construct_scalar(node)
    return {'vault': Opaque, 'unsafe': Unsafe}.get(suffix, str)(value)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
_Loader.add_multi_constructor('!', _construct_tagged)


def load_yaml(text):
    """Every document of ``text``, with line numbers."""
    return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]  # nosec B506 - a SafeLoader


# --------------------------------------------------------------------------------------------
# Snippets: where YAML sits in the other kinds of file

def rst_yaml_blocks(text):
    """(first line, text) of each YAML code block of a reStructuredText file."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        match = RST_YAML.match(lines[i])
        i += 1
        if not match:
            continue
        outer = len(match.group('indent').expandtabs())
        while i < len(lines) and lines[i].strip().startswith(':') and _indent(lines[i]) > outer:
            i += 1  # the directive's options (:caption: ...)
        start = i
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > outer):
            i += 1
        body = lines[start:i]
        content = [n for n, line in enumerate(body) if line.strip()]
        if content:
            first, last = content[0], content[-1]
            depth = min(_indent(line) for line in body if line.strip())
            blocks.append((start + first + 1, '\n'.join(line.expandtabs()[depth:] for line in body[first:last + 1]) + '\n'))
    return blocks


def md_yaml_blocks(text):
    """(first line, text) of each ```yaml fenced block of a Markdown file."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        match = MD_FENCE.match(lines[i])
        i += 1
        if not match:
            continue
        fence, depth = match.group('fence'), len(match.group('indent'))
        start = i
        while i < len(lines) and not lines[i].strip().startswith(fence):
            i += 1
        if match.group('lang').lower() in ('yaml', 'yml', 'yaml+jinja'):
            blocks.append((start + 1, '\n'.join(line[depth:] for line in lines[start:i]) + '\n'))
        i += 1
    return blocks


def examples_block(source):
    """(first line, text) of a module's EXAMPLES string, or None."""
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'EXAMPLES' for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.lineno, node.value.value
    return None


def _indent(line):
    return len(line.expandtabs()) - len(line.expandtabs().lstrip())


# --------------------------------------------------------------------------------------------
# Walking plays and tasks

@dataclass(frozen=True)
class Scope:
    """What a task inherits: the collections searched for short names (``implicit``: inside
    this collection's roles) and the ``module_defaults`` of each enclosing level, outermost
    first."""

    collections: tuple = ()
    implicit: bool = False
    defaults: tuple = ()

    def enter(self, node):
        """The scope inside a play, block or task ``node``."""
        collections = node.get('collections')
        defaults = node.get('module_defaults')
        scope = self
        if isinstance(collections, list):
            scope = Scope(tuple(c for c in collections if isinstance(c, str)) + self.collections, self.implicit, self.defaults)
        if defaults is not None:
            scope = Scope(scope.collections, scope.implicit, scope.defaults + ((defaults, node.key_lines['module_defaults']),))
        return scope

    def short_names(self):
        """Whether short names resolve to this collection's modules."""
        return self.implicit or COLLECTION in self.collections


class Checker:
    """Finds the module calls of one file and checks each against the catalogue."""

    def __init__(self, catalog, path, offset=0):
        self.catalog = catalog
        self.path = path
        self.offset = offset
        self.findings = []
        self.calls = 0
        self._seen = set()

    def error(self, line, module, message):
        """Record a finding once (module_defaults are checked for every call they reach)."""
        finding = Finding(self.path, line + self.offset, module, message)
        if finding not in self._seen:
            self._seen.add(finding)
            self.findings.append(finding)

    # -- structure ------------------------------------------------------------------------

    def document(self, data, scope):
        """A YAML document: a list of plays or tasks, or one play or task."""
        if isinstance(data, Seq):
            for item in data:
                if isinstance(item, Map):
                    self.play_or_task(item, scope)
        elif isinstance(data, Map):
            self.play_or_task(data, scope)

    def play_or_task(self, node, scope):
        """A play (it has hosts, tasks, roles...) or a task."""
        if any(key in node for key in PLAY_ONLY_KEYS):
            inner = scope.enter(node)
            for key in PLAY_TASK_LISTS:
                self.tasks(node.get(key), inner)
        else:
            self.task(node, scope)

    def tasks(self, items, scope):
        """A list of tasks."""
        if isinstance(items, Seq):
            for item in items:
                if isinstance(item, Map):
                    self.task(item, scope)

    def task(self, node, scope):
        """A task or a block."""
        inner = scope.enter(node)
        if any(key in node for key in BLOCK_LISTS):
            for key in BLOCK_LISTS:
                self.tasks(node.get(key), inner)
            return
        call = self.find_call(node, inner)
        if call:
            self.check_call(node, inner, *call)

    def find_call(self, node, scope):
        """(module, args, templated, line) of the call of this collection's module in a task,
        or None when the task calls something else."""
        for key, value in node.items():
            if not isinstance(key, str):
                continue
            line = node.key_lines[key]
            if key in ('action', 'local_action'):
                return self._action_call(value, scope, line)
            if key.startswith(PREFIX) or key in self.catalog.modules:
                args, templated = self._inline_args(value, key, line)
                return self._named(key, scope, line), args, templated, line
        return None

    def _action_call(self, value, scope, line):
        if isinstance(value, Map):
            name = value.get('module')
            args = Map((k, v) for k, v in value.items() if k != 'module')
            args.line, args.key_lines = value.line, value.key_lines
            templated = False
        elif isinstance(value, str) and value.strip():
            name, _sep, rest = value.strip().partition(' ')
            args, templated = self._inline_args(rest or None, name, line)
        else:
            return None
        if not isinstance(name, str) or not (name.startswith(PREFIX) or name in self.catalog.modules):
            return None
        return self._named(name, scope, line), args, templated, line

    def _named(self, name, scope, line):
        """The short module name a task's key or action names (errors for a short name out of
        scope are reported here, the call is still checked)."""
        if name.startswith(PREFIX):
            return _short(name)
        if not scope.short_names():
            self.error(line, PREFIX + name, 'called by its short name where collections: does not name %s; '
                       'write %s%s' % (COLLECTION, PREFIX, name))
        return name

    def _inline_args(self, value, name, line):
        """A task's arguments to the module: (Map, templated)."""
        if value is None:
            return _map(line), False
        if isinstance(value, Map):
            return value, False
        if isinstance(value, str):
            parsed = parse_kv(value)
            raw = parsed.pop('_raw_params', None)
            args = _map(line, parsed)
            if raw is not None and JINJA.search(raw):
                return args, True
            if raw is not None:
                self.error(line, _prefixed(name), 'free-form arguments %r: the module takes key=value options only' % raw)
            return args, False
        self.error(line, _prefixed(name), 'the arguments are a %s, not a mapping of options' % type(value).__name__)
        return _map(line), True

    # -- checking ---------------------------------------------------------------------------

    def check_call(self, node, scope, module, args, templated, line):
        """Check one call: its options, the module_defaults that reach it, required options."""
        self.calls += 1
        fqcn = PREFIX + module
        options = self.catalog.modules.get(module)
        if options is None:
            close = difflib.get_close_matches(module, self.catalog.modules, n=1)
            self.error(line, fqcn, 'no such module in %s%s' % (COLLECTION, "; did you mean '%s'?" % close[0] if close else ''))
            return
        extra = node.get('args')
        if isinstance(extra, str) and JINJA.search(extra):
            templated = True
        elif isinstance(extra, Map):
            args = _merged(extra, args)
        elif extra is not None:
            self.error(node.key_lines['args'], fqcn, 'args: is a %s, not a mapping of options' % type(extra).__name__)
            templated = True
        given = self.check_options(fqcn, options, args, ())
        defaulted, defaults_templated = self.check_defaults(fqcn, module, options, scope)
        if not (templated or defaults_templated):
            for name in _required(options, given | defaulted):
                self.error(line, fqcn, "missing required option '%s'" % name)

    def check_defaults(self, fqcn, module, options, scope):
        """Check what module_defaults give this module; returns (options given, templated)."""
        given, templated = set(), False
        groups = self.catalog.groups_of(module)
        for defaults, line in scope.defaults:
            if isinstance(defaults, str) and JINJA.search(defaults):
                templated = True
                continue
            for entry in (defaults if isinstance(defaults, Seq) else [defaults]):
                if not isinstance(entry, Map):
                    self.error(line, '', 'module_defaults must be a mapping of modules or groups to options')
                    continue
                for key, values in entry.items():
                    if not self._defaults_reach(key, module, groups, scope, entry.key_lines[key]):
                        continue
                    if isinstance(values, str) and JINJA.search(values):
                        templated = True
                    elif isinstance(values, Map):
                        given |= self.check_options(fqcn, options, values, (), via='module_defaults %s: ' % key)
                    elif values is not None:
                        self.error(entry.key_lines[key], fqcn, 'module_defaults %s: not a mapping of options' % key)
        return given, templated

    def _defaults_reach(self, key, module, groups, scope, line):
        """Whether a module_defaults key (module or group/...) applies to ``module``."""
        if not isinstance(key, str):
            return False
        if key.startswith('group/'):
            group = key[len('group/'):]
            if group.startswith(PREFIX):
                group = group[len(PREFIX):]
                if group not in self.catalog.groups:
                    self.error(line, '', "module_defaults: %s has no action group '%s' (meta/runtime.yml has %s)"
                               % (COLLECTION, group, ', '.join(sorted(self.catalog.groups))))
                    return False
            elif '.' in group or not scope.short_names():
                return False
            return group in groups
        if key.startswith(PREFIX):
            if _short(key) not in self.catalog.modules:
                self.error(line, key, 'module_defaults: no such module in %s' % COLLECTION)
            return _short(key) == module
        return key == module and scope.short_names()

    def check_options(self, fqcn, options, args, path, via=''):
        """Check a mapping of (sub)options; returns the canonical names given."""
        aliases = {alias: name for name, spec in options.items() for alias in spec.get('aliases') or ()}
        given = set()
        for key, value in args.items():
            line = args.key_lines.get(key, args.line) if args.key_lines else args.line
            name = key if key in options else aliases.get(key)
            label = _label(path + (key,))
            if name is None:
                close = difflib.get_close_matches(str(key), list(options) + list(aliases), n=1)
                hint = "; did you mean '%s'?" % close[0] if close else ''
                self.error(line, fqcn, "%sunknown %s '%s'%s (known: %s)" % (via, 'suboption' if path else 'option', label, hint,
                                                                            ', '.join(sorted(options))))
                continue
            given.add(name)
            self.check_value(fqcn, options[name], value, path + (key,), line, via)
        return given

    def check_value(self, fqcn, spec, value, path, line, via=''):
        """Check a literal value against an option's type, elements, choices and suboptions."""
        if value is None or _templated(value):
            return
        kind = spec.get('type', 'str')
        if kind != 'list':
            self._check_one(fqcn, spec, kind, value, path, line, via)
        elif isinstance(value, Map):
            self.error(line, fqcn, "%soption '%s' is a list, got a mapping" % (via, _label(path)))
        else:
            items = value if isinstance(value, Seq) else _seq(line, _convert('list', value))
            for index, item in enumerate(items):
                self._check_one(fqcn, spec, spec.get('elements', 'raw'), item, path + (index,), items.item_lines[index], via)

    def _check_one(self, fqcn, spec, kind, value, path, line, via):
        """Check one value (an option's, or one element of a list option's)."""
        if value is None or _templated(value):
            return
        label = _label(path)
        if kind in ('str', 'path') and isinstance(value, (Map, Seq)):
            self.error(line, fqcn, "%soption '%s' is a string, got a %s" % (via, label, 'mapping' if isinstance(value, Map) else 'list'))
            return
        try:
            converted = _convert(kind, value)
        except (TypeError, ValueError) as exc:
            self.error(line, fqcn, "%soption '%s': %r is not a valid %s (%s)" % (via, label, value, kind, exc))
            return
        suboptions = spec.get('suboptions')
        if suboptions and kind == 'dict':
            sub = value if isinstance(value, Map) else _map(line, converted)
            given = self.check_options(fqcn, suboptions, sub, path, via)
            for name in _required(suboptions, given):
                self.error(line, fqcn, "%smissing required suboption '%s'" % (via, _label(path + (name,))))
        choices = spec.get('choices')
        if choices and not _in_choices(converted, choices):
            self.error(line, fqcn, "%soption '%s': %r is not one of the choices (%s)" % (via, label, value, ', '.join(str(c) for c in choices)))


def _convert(kind, value):
    validator = DEFAULT_TYPE_VALIDATORS.get(kind)
    if validator is None or kind == 'raw':
        return value
    if kind == 'str':
        return validator(value, allow_conversion=True)
    return validator(value)


def _in_choices(value, choices):
    """Choice check as AnsibleModule does it (a YAML boolean matches its one spelling among the choices)."""
    if value in choices:
        return True
    for text, spellings in (('False', BOOLEANS_FALSE), ('True', BOOLEANS_TRUE)):
        if value == text and len(spellings.intersection(choices)) == 1:
            return True
    return False


def _required(options, given):
    return sorted(name for name, spec in options.items() if spec.get('required') and name not in given)


def _templated(value):
    if isinstance(value, (Opaque, Unsafe)):
        return isinstance(value, Opaque)
    return isinstance(value, str) and bool(JINJA.search(value))


def _label(path):
    text = ''
    for part in path:
        text += '[%d]' % part if isinstance(part, int) else ('.%s' % part if text else str(part))
    return text


def _map(line, items=None):
    result = Map(items or {})
    result.line, result.key_lines = line, {key: line for key in result}
    return result


def _seq(line, items):
    result = Seq(items)
    result.line, result.item_lines = line, [line] * len(result)
    return result


def _merged(first, second):
    """``args:`` under the module's own arguments (which win, as in Ansible)."""
    result = _map(second.line or first.line)
    for source in (first, second):
        for key, value in source.items():
            result[key] = value
            result.key_lines[key] = source.key_lines.get(key, source.line)
    return result


def _prefixed(name):
    return name if name.startswith(PREFIX) else PREFIX + name


# --------------------------------------------------------------------------------------------
# Files

def snippets(suffix, text):
    """(first line, YAML text) of each part of a file (by its suffix) that holds tasks or plays."""
    if suffix == '.py':
        block = examples_block(text)
        return [block] if block else []
    if suffix == '.rst':
        return rst_yaml_blocks(text)
    if suffix == '.md':
        return md_yaml_blocks(text)
    if suffix in ('.yml', '.yaml'):
        return [(1, text)]
    return []


def role_collections(path, root):
    """The collections: (meta/main.yml) of the role whose tasks or handlers a file holds, or
    None for any other file (a role's README shows a play, outside the role)."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    if len(parts) < 4 or parts[0] != 'roles' or parts[2] not in ('tasks', 'handlers'):
        return None
    meta = root / 'roles' / parts[1] / 'meta' / 'main.yml'
    data = yaml.safe_load(meta.read_text(encoding='utf-8')) if meta.is_file() else None
    collections = (data or {}).get('collections') if isinstance(data, dict) else None
    return tuple(c for c in collections or () if isinstance(c, str))


def check_text(text, display, catalog, suffix='.yml', role=None):
    """Check every call in a file's text; returns (findings, number of calls)."""
    findings, calls = [], 0
    in_role = role is not None
    scope = Scope(collections=role or (), implicit=in_role)
    for first, snippet in snippets(suffix, text):
        checker = Checker(catalog, display, offset=first - 1)
        try:
            documents = load_yaml(snippet)
        except yaml.YAMLError as exc:
            mark = getattr(exc, 'problem_mark', None)
            line = mark.line + 1 if mark else 1
            findings.append(Finding(display, line + first - 1, '', 'not valid YAML: %s' % getattr(exc, 'problem', exc)))
            continue
        for document in documents:
            checker.document(document, scope)
        findings.extend(checker.findings)
        calls += checker.calls
    return findings, calls


def source_files(root):
    """Every file :data:`SOURCES` names under ``root``, tracked or not, outside hidden and build directories."""
    found = set()
    for pattern in SOURCES:
        for path in root.glob(pattern):
            parts = path.relative_to(root).parts
            if path.is_file() and not any(part.startswith('.') for part in parts) and parts[0] not in ('tests', 'changelogs'):
                found.add(path)
    return sorted(found)


def main(argv=None):
    """Check the collection (or the given files); exit status 1 when anything is wrong."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('files', nargs='*', type=Path, help='files to check (default: every place calls are documented)')
    args = parser.parse_args(argv)
    started = time.monotonic()
    catalog = load_catalog(ROOT)
    files = args.files or source_files(ROOT)
    findings, calls, with_calls = [], 0, 0
    for path in files:
        display = os.path.relpath(path.resolve(), ROOT) if path.resolve().is_relative_to(ROOT) else str(path)
        found, count = check_text(path.read_text(encoding='utf-8'), display, catalog, path.suffix,
                                  role_collections(path, ROOT))
        findings.extend(found)
        calls += count
        with_calls += bool(count)
    for finding in findings:
        print(finding)
    print('check_examples: %d calls of %s modules in %d of %d files, %d mistake%s (%.1f s)'
          % (calls, COLLECTION, with_calls, len(files), len(findings), '' if len(findings) == 1 else 's',
             time.monotonic() - started), file=sys.stderr)
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
