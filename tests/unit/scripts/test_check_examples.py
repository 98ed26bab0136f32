# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/check_examples.py: which calls it finds, where, and what it reports about them."""

from __future__ import annotations

import textwrap

import pytest

from scripts import check_examples as ce

CONNECTION = {
    'tenant_id': {'type': 'str'},
    'client_id': {'type': 'str'},
    'organization': {'type': 'str'},
}
ONPREM_CONNECTION = {
    'server': {'type': 'str'},
    'auth': {'type': 'str', 'choices': ['kerberos', 'ntlm'], 'default': 'kerberos'},
}
MODULES = {
    'exo_mailbox_permission_info': dict(CONNECTION, mailboxes={'type': 'list', 'elements': 'str'},
                                        recipient_type_details={'type': 'list', 'elements': 'str',
                                                                'choices': ['UserMailbox', 'SharedMailbox']}),
    'exo_mailbox_permission': dict(CONNECTION, mailbox={'type': 'str', 'aliases': ['identity']},
                                   full_access={'type': 'list', 'elements': 'str'},
                                   state={'type': 'str', 'choices': ['present', 'absent'], 'default': 'present'},
                                   exclusive={'type': 'bool', 'default': False},
                                   parallel={'type': 'int', 'default': 4},
                                   mailboxes={'type': 'list', 'elements': 'dict', 'suboptions': {
                                       'mailbox': {'type': 'str', 'required': True},
                                       'full_access': {'type': 'list', 'elements': 'str'},
                                       'state': {'type': 'str', 'choices': ['present', 'absent']}}}),
    'exo_mailbox_auto_reply': dict(CONNECTION, mailbox={'type': 'str', 'required': True},
                                   state={'type': 'str', 'required': True, 'choices': ['enabled', 'disabled']}),
    'exo_app_registration': dict(CONNECTION, generate_certificate={'type': 'dict', 'suboptions': {
        'path': {'type': 'path', 'required': True},
        'key_size': {'type': 'int', 'choices': [2048, 4096]}}}),
    'onprem_exchange_mailbox': dict(ONPREM_CONNECTION, identity={'type': 'str', 'required': True}),
}
RUNTIME_GROUPS = {
    'exchange_online': ['exo_mailbox_permission_info', 'exo_mailbox_permission', 'exo_mailbox_auto_reply',
                        'exo_app_registration'],
    'exchange_onprem': ['mailops.exchange.onprem_exchange_mailbox'],
    'exchange': [{'metadata': {'extend_group': ['exchange_online', 'mailops.exchange.exchange_onprem']}}],
}
CATALOG = ce.Catalog(MODULES, ce.resolve_groups(RUNTIME_GROUPS))


def check(text, suffix='.yml', role=None, catalog=CATALOG):
    """The findings of a file's text, as 'line: module: message' strings."""
    findings, _calls = ce.check_text(textwrap.dedent(text), 'f' + suffix, catalog, suffix, role)
    return [str(f)[len('f' + suffix + ':'):] for f in findings]


def calls(text, suffix='.yml', role=None):
    return ce.check_text(textwrap.dedent(text), 'f' + suffix, CATALOG, suffix, role)[1]


# The guide as it was: a loop passing mailbox: to a module that takes only mailboxes.
CHECK_MODE_AUDITS_BEFORE = """\
Drift as data
-------------

.. code-block:: yaml

   - name: Who has access to the shared mailboxes (read only)
     mailops.exchange.exo_mailbox_permission_info:
       mailbox: "{{ item }}"
     loop: [sales@contoso.com, support@contoso.com]
     register: access
"""


@pytest.fixture(scope='module')
def real_catalog():
    """The documentation of this checkout's modules, as `make lint` reads it."""
    return ce.load_catalog(ce.ROOT)


def test_the_check_mode_audits_mistake_is_caught_with_the_real_documentation(real_catalog):
    findings, count = ce.check_text(CHECK_MODE_AUDITS_BEFORE, 'check_mode_audits.rst', real_catalog, '.rst')
    assert count == 1
    assert [(f.path, f.line, f.module) for f in findings] == [
        ('check_mode_audits.rst', 8, 'mailops.exchange.exo_mailbox_permission_info')]
    assert "unknown option 'mailbox'; did you mean 'mailboxes'?" in findings[0].message


@pytest.mark.parametrize('relative', ['docs/docsite/rst/check_mode_audits.rst', 'plugins/modules/exo_mailbox_permission_info.py'])
def test_the_shipped_guide_and_examples_pass(real_catalog, relative):
    path = ce.ROOT / relative
    findings, count = ce.check_text(path.read_text(encoding='utf-8'), relative, real_catalog, path.suffix)
    assert count >= 2
    assert findings == []


def test_the_real_catalog_has_every_module_with_doc_fragments_merged_and_the_action_groups(real_catalog):
    modules = sorted(p.stem for p in (ce.ROOT / 'plugins' / 'modules').glob('*.py'))
    assert sorted(real_catalog.modules) == modules
    assert 'tenant_id' in real_catalog.modules['exo_mailbox']  # from the exchange_online fragment
    assert 'parallel' in real_catalog.modules['exo_mailbox']  # from exchange_online.bulk
    assert real_catalog.groups['exchange'] == real_catalog.groups['exchange_online'] | real_catalog.groups['exchange_onprem']
    assert real_catalog.groups_of('onprem_exchange_mailbox') == {'exchange_onprem', 'exchange'}


def test_unknown_options_name_the_line_module_and_option_with_a_close_match():
    assert check("""\
        - name: one
          mailops.exchange.exo_mailbox_permission:
            mailbox: sales@contoso.com
            full_acess: [alice@contoso.com]
        """) == ["4: mailops.exchange.exo_mailbox_permission: unknown option 'full_acess'; did you mean 'full_access'? "
                 "(known: client_id, exclusive, full_access, mailbox, mailboxes, organization, parallel, state, tenant_id)"]


def test_aliases_are_options():
    assert check("""\
        - mailops.exchange.exo_mailbox_permission:
            identity: sales@contoso.com
        """) == []


def test_suboptions_of_a_list_of_dicts_are_checked_entry_by_entry():
    assert check("""\
        - mailops.exchange.exo_mailbox_permission:
            mailboxes:
              - mailbox: sales@contoso.com
                state: present
              - full_access: [bob@contoso.com]
                sate: absent
              - "{{ more }}"
        """) == [
        "6: mailops.exchange.exo_mailbox_permission: unknown suboption 'mailboxes[1].sate'; did you mean 'state'? "
        "(known: full_access, mailbox, state)",
        "5: mailops.exchange.exo_mailbox_permission: missing required suboption 'mailboxes[1].mailbox'"]


def test_suboptions_of_a_dict_are_checked_with_their_choices_and_types():
    assert check("""\
        - mailops.exchange.exo_app_registration:
            generate_certificate:
              key_size: 1024
              valid: 3
        """) == [
        "3: mailops.exchange.exo_app_registration: option 'generate_certificate.key_size': 1024 is not one of the choices (2048, 4096)",
        "4: mailops.exchange.exo_app_registration: unknown suboption 'generate_certificate.valid' (known: key_size, path)",
        "2: mailops.exchange.exo_app_registration: missing required suboption 'generate_certificate.path'"]


def test_a_literal_value_outside_the_choices_is_an_error_and_jinja_is_not_checked():
    assert check("""\
        - mailops.exchange.exo_mailbox_permission:
            mailbox: sales@contoso.com
            state: gone
        - mailops.exchange.exo_mailbox_permission:
            mailbox: sales@contoso.com
            state: "{{ wanted_state }}"
        - mailops.exchange.exo_mailbox_permission_info:
            recipient_type_details: [SharedMailbox, RoomMailbox, "{{ other }}"]
        """) == [
        "3: mailops.exchange.exo_mailbox_permission: option 'state': 'gone' is not one of the choices (present, absent)",
        "8: mailops.exchange.exo_mailbox_permission_info: option 'recipient_type_details[1]': 'RoomMailbox' is not one of the "
        "choices (UserMailbox, SharedMailbox)"]


def test_literal_values_are_converted_as_the_module_would_and_checked_for_their_type():
    found = check("""\
        - mailops.exchange.exo_mailbox_permission:
            mailbox: sales@contoso.com
            full_access: alice@contoso.com, bob@contoso.com
            exclusive: "yes"
            parallel: "8"
        - mailops.exchange.exo_mailbox_permission:
            mailbox: [sales@contoso.com]
            exclusive: perhaps
            parallel: many
            mailboxes: {mailbox: x}
        """)
    # The reasons after the value are ansible's own converters' words.
    assert [text.split(' (')[0] for text in found] == [
        "7: mailops.exchange.exo_mailbox_permission: option 'mailbox' is a string, got a list",
        "8: mailops.exchange.exo_mailbox_permission: option 'exclusive': 'perhaps' is not a valid bool",
        "9: mailops.exchange.exo_mailbox_permission: option 'parallel': 'many' is not a valid int",
        "10: mailops.exchange.exo_mailbox_permission: option 'mailboxes' is a list, got a mapping"]


def test_a_missing_required_option_is_an_error_unless_module_defaults_or_templated_args_may_give_it():
    assert check("""\
        - name: Plays
          hosts: localhost
          module_defaults:
            group/mailops.exchange.exchange_online:
              tenant_id: x
            mailops.exchange.exo_mailbox_auto_reply:
              state: disabled
          tasks:
            - name: state from the module's own defaults, mailbox missing
              mailops.exchange.exo_mailbox_auto_reply: {}
            - name: both from templated args
              mailops.exchange.exo_mailbox_auto_reply:
              args: "{{ auto_reply_args }}"
            - name: mailbox from args
              mailops.exchange.exo_mailbox_auto_reply:
                state: enabled
              args:
                mailbox: a@contoso.com
        - name: No defaults here
          hosts: localhost
          tasks:
            - mailops.exchange.exo_mailbox_auto_reply:
                mailbox: a@contoso.com
            - block:
                - mailops.exchange.exo_mailbox_auto_reply:
                    mailbox: a@contoso.com
              module_defaults: "{{ defaults_from_somewhere }}"
        """) == [
        "10: mailops.exchange.exo_mailbox_auto_reply: missing required option 'mailbox'",
        "22: mailops.exchange.exo_mailbox_auto_reply: missing required option 'state'"]


def test_module_defaults_are_checked_for_each_module_they_reach_and_reported_once():
    assert check("""\
        - hosts: localhost
          module_defaults:
            group/mailops.exchange.exchange:
              tenant_id: x
              server: exch01
            group/mailops.exchange.exchange_onprem:
              auth: magic
            group/mailops.exchange.exchange_cloud:
              tenant_id: x
          tasks:
            - mailops.exchange.exo_mailbox_permission:
                mailbox: a
            - mailops.exchange.exo_mailbox_permission:
                mailbox: b
            - mailops.exchange.onprem_exchange_mailbox:
                identity: c
        """) == [
        "5: mailops.exchange.exo_mailbox_permission: module_defaults group/mailops.exchange.exchange: unknown option 'server' "
        "(known: client_id, exclusive, full_access, mailbox, mailboxes, organization, parallel, state, tenant_id)",
        "8: module_defaults: mailops.exchange has no action group 'exchange_cloud' (meta/runtime.yml has exchange, "
        "exchange_online, exchange_onprem)",
        "4: mailops.exchange.onprem_exchange_mailbox: module_defaults group/mailops.exchange.exchange: unknown option 'tenant_id' "
        "(known: auth, identity, server)",
        "7: mailops.exchange.onprem_exchange_mailbox: module_defaults group/mailops.exchange.exchange_onprem: option 'auth': "
        "'magic' is not one of the choices (kerberos, ntlm)"]


def test_short_names_resolve_under_collections_and_in_the_collections_roles_only():
    play = """\
        - hosts: localhost
          collections: [mailops.exchange]
          module_defaults:
            group/exchange_online: {client_id: x}
          tasks:
            - exo_mailbox_permission:
                mailbox: a
                bogus: 1
        """
    assert check(play) == ["8: mailops.exchange.exo_mailbox_permission: unknown option 'bogus' (known: client_id, exclusive, "
                           "full_access, mailbox, mailboxes, organization, parallel, state, tenant_id)"]
    task = """\
        - exo_mailbox_auto_reply:
            mailbox: a
            state: enabled
        """
    assert check(task) == ["1: mailops.exchange.exo_mailbox_auto_reply: called by its short name where collections: does not name "
                           "mailops.exchange; write mailops.exchange.exo_mailbox_auto_reply"]
    assert check(task, role=()) == []


def test_action_and_local_action_and_key_value_arguments():
    assert check("""\
        - action:
            module: mailops.exchange.exo_mailbox_auto_reply
            mailbox: a
            state: on
        - local_action: mailops.exchange.exo_mailbox_auto_reply mailbox=a state=enabled extra=1
        - mailops.exchange.exo_mailbox_auto_reply: mailbox=a state=sometimes
        - action: ansible.builtin.debug msg=hello
        """) == [
        "4: mailops.exchange.exo_mailbox_auto_reply: option 'state': True is not one of the choices (enabled, disabled)",
        "5: mailops.exchange.exo_mailbox_auto_reply: unknown option 'extra' (known: client_id, mailbox, organization, state, tenant_id)",
        "6: mailops.exchange.exo_mailbox_auto_reply: option 'state': 'sometimes' is not one of the choices (enabled, disabled)"]


def test_an_unknown_module_of_the_collection_is_an_error():
    assert check("""\
        - mailops.exchange.exo_mailbox_permissions:
            mailbox: a
        """) == ["1: mailops.exchange.exo_mailbox_permissions: no such module in mailops.exchange; did you mean 'exo_mailbox_permission'?"]


def test_blocks_handlers_and_every_task_list_of_a_play_are_walked():
    assert calls("""\
        - hosts: localhost
          pre_tasks:
            - mailops.exchange.exo_mailbox_permission: {mailbox: a}
          tasks:
            - block:
                - mailops.exchange.exo_mailbox_permission: {mailbox: a}
              rescue:
                - mailops.exchange.exo_mailbox_permission: {mailbox: a}
              always:
                - mailops.exchange.exo_mailbox_permission: {mailbox: a}
          post_tasks:
            - mailops.exchange.exo_mailbox_permission: {mailbox: a}
          handlers:
            - name: h
              mailops.exchange.exo_mailbox_permission: {mailbox: a}
        - ansible.builtin.import_playbook: other.yml
        """) == 6


def test_data_that_is_not_tasks_is_left_alone():
    assert calls("""\
        mailboxes:
          - identity: sales@contoso.com
            mailops.exchange.exo_mailbox: not a task
        """) == 0


def test_rst_yaml_blocks_are_found_with_their_file_lines():
    text = textwrap.dedent("""\
        Title
        =====

        .. code-block:: sh

           ansible-playbook x.yml

        - A list item with a block:

          .. code-block:: yaml
             :caption: tasks

             - mailops.exchange.exo_mailbox_permission:
                 mailbox: a

                 bogus: true
          after
        """)
    assert ce.rst_yaml_blocks(text) == [(13, '- mailops.exchange.exo_mailbox_permission:\n    mailbox: a\n\n    bogus: true\n')]
    assert [f.line for f in ce.check_text(text, 'g.rst', CATALOG, '.rst')[0]] == [16]


def test_markdown_yaml_fences_are_found_with_their_file_lines():
    text = textwrap.dedent("""\
        # Roles

        ```sh
        mailops.exchange.exo_mailbox_permission: not yaml
        ```

        ```yaml
        - mailops.exchange.exo_mailbox_permission:
            bogus: 1
        ```
        """)
    assert ce.md_yaml_blocks(text) == [(8, '- mailops.exchange.exo_mailbox_permission:\n    bogus: 1\n')]
    assert [f.line for f in ce.check_text(text, 'r.md', CATALOG, '.md')[0]] == [9]


def test_module_examples_are_found_with_their_file_lines():
    source = 'DOCUMENTATION = r"""\noptions: {}\n"""\n\nEXAMPLES = r"""\n- mailops.exchange.exo_mailbox_permission:\n    bogus: 1\n"""\n'
    assert ce.examples_block(source) == (5, '\n- mailops.exchange.exo_mailbox_permission:\n    bogus: 1\n')
    assert [f.line for f in ce.check_text(source, 'm.py', CATALOG, '.py')[0]] == [7]


def test_a_yaml_block_that_does_not_parse_is_an_error_and_ansible_tags_load():
    found = check("""\
        - mailops.exchange.exo_mailbox_permission:
            mailbox: [a
        """)
    assert len(found) == 1 and found[0].startswith('3: not valid YAML: ')
    assert check("""\
        - mailops.exchange.exo_mailbox_permission:
            mailbox: a
            state: !unsafe '{{ not templated }}'
            full_access: !vault |
              $ANSIBLE_VAULT;1.1;AES256
              6162
        """) == ["3: mailops.exchange.exo_mailbox_permission: option 'state': '{{ not templated }}' is not one of the choices "
                 "(present, absent)"]


def test_only_a_roles_tasks_and_handlers_are_inside_the_role(tmp_path):
    meta = tmp_path / 'roles' / 'r' / 'meta'
    meta.mkdir(parents=True)
    (meta / 'main.yml').write_text('collections: [community.windows]\n', encoding='utf-8')
    role = tmp_path / 'roles' / 'r'
    assert ce.role_collections(role / 'tasks' / 'main.yml', tmp_path) == ('community.windows',)
    assert ce.role_collections(role / 'handlers' / 'main.yml', tmp_path) == ('community.windows',)
    assert ce.role_collections(role / 'README.md', tmp_path) is None
    assert ce.role_collections(role / 'defaults' / 'main.yml', tmp_path) is None
    assert ce.role_collections(tmp_path / 'playbooks' / 'site.yml', tmp_path) is None
