# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The desired-state data file checked against its schema before anything is read or written.

The schema is the ``data_file`` entry point of ``roles/desired_state/meta/argument_specs.yml``:
the same text ``ansible-doc -t role`` shows. Each entry is checked on its own, so that every
problem names its section, its index and its object (``groups[3] (project-x): unknown key
'memberz'``), which Ansible's own nested validation does not; and the checks that span entries
(an object twice, a member the file removes or does not describe) are made here too.
"""

from __future__ import annotations

import difflib

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

# The schema versions this collection reads; a file without schema_version is version 1.
SCHEMA_VERSIONS = (1,)

# Each section's identity key.
IDENTITY_KEYS = {
    'mailboxes': 'identity', 'groups': 'name', 'unified_groups': 'group', 'dynamic_groups': 'group',
    'contacts': 'contact', 'mail_users': 'mail_user', 'cas_mailboxes': 'mailbox', 'calendar_processing': 'mailbox',
}

# The sections of a mailbox's settings: an entry describes no object, it names a mailbox that must
# exist (described by the file or in the tenant), and the file must not remove it.
SETTINGS_SECTIONS = ('cas_mailboxes', 'calendar_processing')

# The keys whose values another entry may name an object by.
_NAMING_KEYS = ('name', 'alias', 'display_name', 'primary_smtp_address', 'email_addresses',
                'external_email_address', 'user_principal_name')

# The keys that name members: checked to be described in the file or, failing that, in the tenant.
MEMBER_KEYS = {'groups': ('members',), 'unified_groups': ('members', 'owners', 'subscribers')}

# How many problems one message lists at most.
MAX_PROBLEMS = 50


def check_data_file(data, schema):
    """``(problems, references)`` for the data file ``data`` against ``schema`` (the options of
    the ``data_file`` entry point).

    ``problems`` is a list of messages, each naming where (``mailboxes[2] (sales@contoso.com)``)
    and which key; empty when the file is sound. ``references`` maps each member named by a group
    that no entry of the file describes to the first place that names it, for the caller to look
    up in the tenant: ``{'where': 'groups[0] (all-staff).members', 'group': 'all-staff'}``.
    """
    if not isinstance(data, dict):
        return ['the data file must be a mapping of sections, not %s' % _kind(data)], {}
    problems = []
    version = data.get('schema_version', 1)
    if isinstance(version, bool) or version not in SCHEMA_VERSIONS:
        return ['schema_version: %r is not a schema version this collection reads (it reads %s); a newer '
                'collection may have written this file' % (version, ', '.join(str(v) for v in SCHEMA_VERSIONS))], {}
    for key in data:
        if key not in schema:
            problems.append('unknown section %r%s (known: %s)' % (key, _hint(key, schema), ', '.join(schema)))
    problems.extend(_check_entry('exclusive', data.get('exclusive'), schema['exclusive'].get('options', {}), None)
                    if data.get('exclusive') is not None else [])
    entries = {}
    for section, identity_key in IDENTITY_KEYS.items():
        listed = data.get(section)
        if listed is None:
            continue
        if not isinstance(listed, list):
            problems.append('%s: must be a list of entries, not %s' % (section, _kind(listed)))
            continue
        for index, entry in enumerate(listed):
            where = '%s[%d]' % (section, index)
            if isinstance(entry, dict) and isinstance(entry.get(identity_key), str) and entry[identity_key].strip():
                where = '%s (%s)' % (where, entry[identity_key])
            problems.extend(_check_entry(where, entry, schema[section]['options'], identity_key))
            if isinstance(entry, dict):
                entries.setdefault(section, []).append((where, entry))
    problems.extend(_duplicates(entries))
    more, references = _references(entries)
    problems.extend(more)
    return problems, references


def _check_entry(where, entry, options, identity_key):
    if not isinstance(entry, dict):
        return ['%s: must be a mapping of keys, not %s' % (where, _kind(entry))]
    problems = []
    if identity_key and not (isinstance(entry.get(identity_key), str) and entry[identity_key].strip()):
        problems.append('%s: %s is required, a non-empty string (got %s)' % (
            where, identity_key, _kind(entry[identity_key]) if identity_key in entry else 'none'))
    known = {}
    for key, value in entry.items():
        if key in options:
            known[key] = value
        else:
            problems.append('%s: unknown key %r%s' % (where, key, _hint(key, options)))
    hidden = [str(value) for key, value in known.items() if options[key].get('no_log') and value]
    spec = dict((key, dict((k, v) for k, v in option.items() if k not in ('description', 'default', 'required')))
                for key, option in options.items())
    for message in ArgumentSpecValidator(spec).validate(known).error_messages:
        for secret in hidden:
            message = message.replace(secret, '********')
        problems.append('%s: %s' % (where, message))
    return problems


def _duplicates(entries):
    problems = []
    for section, listed in entries.items():
        first = {}
        for where, entry in listed:
            identity = _folded(entry.get(IDENTITY_KEYS[section]))
            if not identity:
                continue
            if identity in first:
                problems.append('%s: %s %r is already described by %s; describe each object once' % (
                    where, IDENTITY_KEYS[section], entry[IDENTITY_KEYS[section]], first[identity]))
            else:
                first[identity] = where
    return problems


def _references(entries):
    """Members the file removes (an error) and members it does not describe (to look up)."""
    present, absent = set(), {}
    for section, listed in entries.items():
        for where, entry in listed if section not in SETTINGS_SECTIONS else ():
            names = _names(entry)
            if entry.get('state', 'present') == 'absent':
                absent.update((name, where) for name in names)
            else:
                present.update(names)
    problems, references = [], {}
    for section in SETTINGS_SECTIONS:
        for where, entry in entries.get(section, ()):
            folded = _folded(entry.get('mailbox'))
            if folded in absent:
                problems.append('%s: mailbox: %r is removed by %s (state: absent)' % (where, entry['mailbox'], absent[folded]))
    for section, keys in MEMBER_KEYS.items():
        for where, entry in entries.get(section, ()):
            if entry.get('state', 'present') == 'absent':
                continue
            for key in keys:
                members = entry.get(key)
                for member in members if isinstance(members, list) else ():
                    folded = _folded(member)
                    if not folded or folded in present:
                        continue
                    if folded in absent:
                        problems.append('%s: %s: %r is removed by %s (state: absent)' % (where, key, member, absent[folded]))
                    else:
                        references.setdefault(str(member).strip(), {'where': '%s.%s' % (where, key),
                                                                    'group': entry[IDENTITY_KEYS[section]]})
    return problems, references


def lookups(references):
    """The entries of a check-mode member task that looks up ``references``: each group with the
    members it names that the file does not describe."""
    groups = {}
    for member, place in references.items():
        groups.setdefault(place['group'], []).append(member)
    return [{'group': group, 'members': members} for group, members in groups.items()]


def dangling(references, looked_up):
    """Problems for the ``references`` that the check-mode member task ``looked_up`` (its registered
    result) did not find: it fails a group whose member is not found, and, for a group that does not
    exist yet, warns that the member does not exist yet (no entry of the file creates it either)."""
    said = [str(result.get('msg') or '') for result in looked_up.get('results') or () if result.get('failed')]
    said.extend(str(warning) for warning in looked_up.get('warnings') or ())
    problems = []
    for member, place in references.items():
        quoted = "'%s' " % member
        if any(quoted + 'was not found' in text or quoted + 'does not exist yet' in text for text in said):
            problems.append('%s: %r is neither described in the data file nor found in the tenant' % (place['where'], member))
        elif any(quoted + 'matches' in text for text in said):
            problems.append('%s: %r names more than one recipient in the tenant; give an SMTP address' % (place['where'], member))
    return problems


def _names(entry):
    """Every name an entry's object answers to, as far as the file tells: its identity, names and
    addresses, and the local part of each address (the alias Exchange derives from it)."""
    names = set()
    values = [entry.get(key) for key in IDENTITY_KEYS.values()] + [entry.get(key) for key in _NAMING_KEYS]
    for value in values:
        for text in value if isinstance(value, list) else [value]:
            folded = _folded(text)
            if folded:
                folded = folded.split(':', 1)[1] if folded.startswith('smtp:') else folded
                names.add(folded)
                if '@' in folded:
                    names.add(folded.split('@', 1)[0])
    return names


def _folded(value):
    return value.strip().lower() if isinstance(value, str) else ''


def _hint(key, known):
    close = difflib.get_close_matches(str(key), list(known), n=1)
    return '; did you mean %r?' % close[0] if close else ''


def _kind(value):
    if value is None:
        return 'null'
    if isinstance(value, dict):
        return 'a mapping'
    if isinstance(value, list):
        return 'a list'
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return '%s %r' % (kind.__name__, kind(value))
    return type(value).__name__


def summary(problems, source, read=False):
    """One message for all the problems of the data file ``source``; ``read``: the tenant was read."""
    shown = problems[:MAX_PROBLEMS]
    more = ' (and %d more)' % (len(problems) - len(shown)) if len(problems) > len(shown) else ''
    return '%s: %d problem%s, nothing was %s: %s%s' % (
        source, len(problems), '' if len(problems) == 1 else 's', 'changed' if read else 'read or changed',
        '; '.join(shown), more)
