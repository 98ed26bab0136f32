# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired-state data file against its schema (roles/desired_state/meta/argument_specs.yml)."""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.mailops.exchange.plugins.module_utils.engine.data_file import (
    IDENTITY_KEYS,
    check_data_file,
    dangling,
    lookups,
    summary,
)

ROOT = Path(__file__).resolve().parents[4]
SCHEMA = yaml.safe_load((ROOT / 'roles' / 'desired_state' / 'meta' / 'argument_specs.yml').read_text())[
    'argument_specs']['data_file']['options']
EXAMPLE = yaml.safe_load((ROOT / 'playbooks' / 'data' / 'desired_state.example.yml').read_text())

SOUND = {
    'schema_version': 1,
    'exclusive': {'permissions': True, 'members': False},
    'mailboxes': [{'identity': 'sales@contoso.com', 'type': 'shared', 'full_access': ['alice@contoso.com'],
                   'custom_attributes': {1: 'sales'}},
                  {'identity': 'room-1@contoso.com', 'type': 'room', 'resource_capacity': 8}],
    'groups': [{'name': 'team', 'members': ['sales', 'Room-1@contoso.com', 'ann@fabrikam.com', 'ed', 'm365']}],
    'unified_groups': [{'group': 'm365', 'access_type': 'private', 'owners': ['sales@contoso.com']}],
    'dynamic_groups': [{'group': 'Shared', 'recipient_filter': "RecipientTypeDetails -eq 'SharedMailbox'"}],
    'contacts': [{'contact': 'ann@fabrikam.com', 'company': 'Fabrikam'}],
    'mail_users': [{'mail_user': 'ed@contoso.com', 'initial_password': 'S3cret-pass!', 'hidden_from_address_lists': True}],
    'cas_mailboxes': [{'mailbox': 'sales@contoso.com', 'pop_enabled': False, 'smtp_client_authentication': 'enabled'}],
    'calendar_processing': [{'mailbox': 'room-1@contoso.com', 'booking_window_in_days': 90, 'resource_delegates': ['alice@contoso.com']}],
}


def with_change(path, value):
    """SOUND with the value at ``path`` (keys and indexes) replaced, or with ``...`` removed."""
    data = copy.deepcopy(SOUND)
    where = data
    for step in path[:-1]:
        where = where[step]
    if value is Ellipsis:
        del where[path[-1]]
    else:
        where[path[-1]] = value
    return data


# (what is wrong, the data, the message expected).
MALFORMED = [
    ('unknown section', with_change(('mailbox',), []), "unknown section 'mailbox'; did you mean 'mailboxes'?"),
    ('unknown key', with_change(('mailboxes', 0, 'hiden_from_address_lists'), True),
     "mailboxes[0] (sales@contoso.com): unknown key 'hiden_from_address_lists'; did you mean 'hidden_from_address_lists'?"),
    ('a key of another kind', with_change(('contacts', 0, 'members'), ['x']), "contacts[0] (ann@fabrikam.com): unknown key 'members'"),
    ('wrong type, bool', with_change(('mailboxes', 0, 'hidden_from_address_lists'), 'maybe'),
     "mailboxes[0] (sales@contoso.com): argument 'hidden_from_address_lists' is of type str and we were unable to convert to bool"),
    ('wrong type, int', with_change(('mailboxes', 1, 'resource_capacity'), 'many'),
     "mailboxes[1] (room-1@contoso.com): argument 'resource_capacity' is of type str and we were unable to convert to int"),
    ('wrong type, dict', with_change(('groups', 0, 'custom_attributes'), ['a']),
     "groups[0] (team): argument 'custom_attributes' is of type list and we were unable to convert to dict"),
    ('bad choice', with_change(('mailboxes', 0, 'type'), 'sharde'),
     'mailboxes[0] (sales@contoso.com): value of type must be one of: regular, shared, room, equipment, got: sharde'),
    ('bad choice of a list', with_change(('dynamic_groups', 0, 'included_recipients'), ['Mailboxes']),
     'dynamic_groups[0] (Shared): value of included_recipients must be one or more of'),
    ('missing identity', with_change(('mailboxes', 0, 'identity'), Ellipsis),
     'mailboxes[0]: identity is required, a non-empty string (got none)'),
    ('empty identity', with_change(('contacts', 0, 'contact'), ' '), "contacts[0]: contact is required, a non-empty string (got str ' ')"),
    ('entry not a mapping', with_change(('groups', 0), 'team'), "groups[0]: must be a mapping of keys, not str 'team'"),
    ('section not a list', with_change(('contacts',), {'contact': 'ann@fabrikam.com'}), 'contacts: must be a list of entries, not a mapping'),
    ('duplicate identity', with_change(('mailboxes', 1, 'identity'), 'Sales@Contoso.com'),
     "mailboxes[1] (Sales@Contoso.com): identity 'Sales@Contoso.com' is already described by mailboxes[0] (sales@contoso.com)"),
    ('member that the file removes', with_change(('contacts', 0, 'state'), 'absent'),
     "groups[0] (team): members: 'ann@fabrikam.com' is removed by contacts[0] (ann@fabrikam.com) (state: absent)"),
    ('unknown exclusive key', with_change(('exclusive', 'member'), True), "exclusive: unknown key 'member'; did you mean 'members'?"),
    ('exclusive not a bool', with_change(('exclusive', 'members'), 'sometimes'),
     "exclusive: argument 'members' is of type str and we were unable to convert to bool"),
    ('unknown schema version', with_change(('schema_version',), 2),
     'schema_version: 2 is not a schema version this collection reads (it reads 1)'),
    ('schema version not a number', with_change(('schema_version',), 'one'), "schema_version: 'one' is not a schema version"),
    ('client access: unknown key', with_change(('cas_mailboxes', 0, 'pop3_enabled'), False),
     "cas_mailboxes[0] (sales@contoso.com): unknown key 'pop3_enabled'; did you mean 'pop_enabled'?"),
    ('client access: bad choice', with_change(('cas_mailboxes', 0, 'smtp_client_authentication'), 'off'),
     'cas_mailboxes[0] (sales@contoso.com): value of smtp_client_authentication must be one of: enabled, disabled, '
     'organization_default, got: off'),
    ('client access: missing mailbox', with_change(('cas_mailboxes', 0, 'mailbox'), Ellipsis),
     'cas_mailboxes[0]: mailbox is required, a non-empty string (got none)'),
    ('client access: a mailbox twice', {**SOUND, 'cas_mailboxes': SOUND['cas_mailboxes'] + [{'mailbox': 'SALES@contoso.com', 'owa_enabled': False}]},
     "cas_mailboxes[1] (SALES@contoso.com): mailbox 'SALES@contoso.com' is already described by cas_mailboxes[0] (sales@contoso.com)"),
    ('calendar processing of a mailbox the file removes',
     {**SOUND, 'mailboxes': SOUND['mailboxes'] + [{'identity': 'old-room@contoso.com', 'state': 'absent'}],
      'calendar_processing': [{'mailbox': 'Old-Room@contoso.com', 'allow_conflicts': True}]},
     "calendar_processing[0] (Old-Room@contoso.com): mailbox: 'Old-Room@contoso.com' is removed by mailboxes[2] (old-room@contoso.com)"),
    ('calendar processing: wrong type, int', with_change(('calendar_processing', 0, 'booking_window_in_days'), 'ninety'),
     "calendar_processing[0] (room-1@contoso.com): argument 'booking_window_in_days' is of type str and we were unable to convert to int"),
    ('calendar processing: wrong type, list', with_change(('calendar_processing', 0, 'book_in_policy'), {'alice': 1}),
     "calendar_processing[0] (room-1@contoso.com): argument 'book_in_policy' is of type dict and we were unable to convert to list"),
    ('calendar processing: bad choice', with_change(('calendar_processing', 0, 'automate_processing'), 'AutoAccept'),
     'calendar_processing[0] (room-1@contoso.com): value of automate_processing must be one of: none, auto_update, auto_accept'),
    ('calendar processing: a key of a mailbox', with_change(('calendar_processing', 0, 'resource_capacity'), 8),
     "calendar_processing[0] (room-1@contoso.com): unknown key 'resource_capacity'"),
    ('calendar processing: section not a list', with_change(('calendar_processing',), {'mailbox': 'room-1@contoso.com'}),
     'calendar_processing: must be a list of entries, not a mapping'),
]


def test_sound_files_pass_and_name_the_members_they_do_not_describe():
    assert check_data_file(SOUND, SCHEMA) == ([], {})
    assert check_data_file({}, SCHEMA) == ([], {})
    assert check_data_file(with_change(('schema_version',), Ellipsis), SCHEMA) == ([], {}), 'version 1 without saying so'
    problems, references = check_data_file(EXAMPLE, SCHEMA)
    assert problems == []
    assert references['paula@contoso.com'] == {'where': 'groups[0] (all-staff).members', 'group': 'all-staff'}
    assert 'projects@contoso.com' not in references, 'a mailbox of the file'


@pytest.mark.parametrize('what, data, message', MALFORMED, ids=[case[0] for case in MALFORMED])
def test_each_malformed_file_is_refused_naming_the_entry_and_the_key(what, data, message):
    problems, unused = check_data_file(data, SCHEMA)
    assert any(message in problem for problem in problems), problems
    assert len(problems) == 1, problems


def test_every_problem_is_listed_at_once_and_secrets_are_not_shown():
    data = with_change(('mail_users', 0, 'hidden_from_address_lists'), 'S3cret-pass!')
    data['mailboxes'][0]['typo'] = 1
    data['groups'].append(copy.deepcopy(data['groups'][0]))
    problems, unused = check_data_file(data, SCHEMA)
    assert len(problems) == 3, problems
    assert 'S3cret-pass!' not in str(problems)
    assert "mail_users[0] (ed@contoso.com): argument 'hidden_from_address_lists' is of type str" in problems[1]
    message = summary(problems, 'tenant.yml')
    assert message.startswith('tenant.yml: 3 problems, nothing was read or changed: mailboxes[0]')
    assert summary(['x'] * 60, 'f').endswith('(and 10 more)')
    assert summary(['x'], 'f', read=True) == 'f: 1 problem, nothing was changed: x'


def test_not_a_mapping():
    assert check_data_file(['mailboxes'], SCHEMA) == (['the data file must be a mapping of sections, not a list'], {})


def test_members_not_in_the_file_are_looked_up_and_those_the_tenant_lacks_are_refused():
    data = with_change(('groups', 0, 'members'), ['sales', 'alice@contoso.com', 'ghost@contoso.com', 'twin'])
    data['unified_groups'][0]['members'] = ['new@contoso.com']
    problems, references = check_data_file(data, SCHEMA)
    assert problems == []
    assert lookups(references) == [{'group': 'team', 'members': ['alice@contoso.com', 'ghost@contoso.com', 'twin']},
                                   {'group': 'm365', 'members': ['new@contoso.com']}]
    # What the check-mode member task said: an existing group fails with the members not found, a
    # group still to be created warns about them, and an ambiguous name fails too.
    looked_up = {
        'results': [{'key': 'team', 'failed': True,
                     'msg': "members: 'ghost@contoso.com' was not found; 'twin' matches more than one recipient"},
                    {'key': 'm365', 'failed': False}],
        'warnings': ["members: 'new@contoso.com' does not exist yet; check mode assumes an earlier task creates it"],
    }
    assert dangling(references, looked_up) == [
        "groups[0] (team).members: 'ghost@contoso.com' is neither described in the data file nor found in the tenant",
        "groups[0] (team).members: 'twin' names more than one recipient in the tenant; give an SMTP address",
        "unified_groups[0] (m365).members: 'new@contoso.com' is neither described in the data file nor found in the tenant"]
    assert dangling(references, {'results': [{'key': 'team', 'failed': False}]}) == []


MODULES = {'mailboxes': [('exo_mailbox', 'mailboxes'), ('exo_mailbox_permission', 'mailboxes')],
           'groups': [('exo_distribution_group', 'groups')], 'unified_groups': [('exo_unified_group', 'groups')],
           'dynamic_groups': [('exo_dynamic_distribution_group', 'groups')], 'contacts': [('exo_mail_contact', 'contacts')],
           'mail_users': [('exo_mail_user', 'mail_users')], 'cas_mailboxes': [('exo_cas_mailbox', 'mailboxes')],
           'calendar_processing': [('exo_calendar_processing', 'mailboxes')]}


def module_options(module):
    """The module's documented options, with those of this collection's doc fragments it extends
    (the module's own first, then each fragment's in order, as ansible-doc merges them)."""
    text = (ROOT / 'plugins' / 'modules' / ('%s.py' % module)).read_text()
    documentation = yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', text, re.S).group(1))
    options = dict(documentation.get('options') or {})
    for fragment in documentation.get('extends_documentation_fragment') or ():
        if not fragment.startswith('mailops.exchange.'):
            continue
        name, unused, variant = fragment[len('mailops.exchange.'):].partition('.')
        spec = importlib.util.spec_from_file_location(name, ROOT / 'plugins' / 'doc_fragments' / (name + '.py'))
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        for key, value in (yaml.safe_load(getattr(loaded.ModuleDocFragment, variant.upper() or 'DOCUMENTATION')).get('options') or {}).items():
            options.setdefault(key, value)
    return options


def module_suboptions(module, option):
    suboptions = {}
    for name, spec in module_options(module)[option]['suboptions'].items():
        for alias in [name] + list(spec.get('aliases') or ()):
            suboptions[alias] = spec
    return suboptions


@pytest.mark.parametrize('section', sorted(MODULES))
def test_the_schema_takes_each_key_as_the_module_does(section):
    """A key of the data file has the type, elements and choices of the module option it goes to."""
    assert set(SCHEMA) == {'schema_version', 'exclusive'} | set(IDENTITY_KEYS)
    for key, spec in SCHEMA[section]['options'].items():
        found = [subs[key] for subs in (module_suboptions(*m) for m in MODULES[section]) if key in subs]
        assert found, '%s.%s is no option of %s' % (section, key, MODULES[section])
        for attribute in ('type', 'elements', 'choices'):
            assert spec.get(attribute) == found[0].get(attribute, 'str' if attribute == 'type' else None), (key, attribute)
