# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine on declared resources, against an in-memory organisation (no server)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import (
    CREATE,
    SET,
    Engine,
    Prop,
    Resource,
    one_row,
    same_text,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError


class FakeModule(object):
    """The engine's view of a module: answers Get/Set/New/Remove from ``objects`` (identity ->
    row) and records every call and every group of calls sent together."""

    def __init__(self, objects, check_mode=False, set_error=None, get_error=None, parallel=4):
        self.objects = {k: dict(v) for k, v in objects.items()}
        self.check_mode = check_mode
        self.parallel = parallel
        self.set_error = set_error
        self.get_error = get_error
        self.calls = []
        self.groups = []
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def invoke(self, cmdlet, parameters=None, **unused):
        self.calls.append((cmdlet, dict(parameters or {})))
        parameters = dict(parameters or {})
        verb, unused_noun = cmdlet.split('-', 1)
        identity = parameters.pop('Identity', None)
        if verb == 'Get':
            if self.get_error:
                raise self.get_error
            if identity not in self.objects:
                raise CmdletError("couldn't be found", kind='not_found')
            return [dict(self.objects[identity])]
        if verb == 'Set':
            if self.set_error:
                raise self.set_error
            if parameters.get('Colour') == 'bad':
                raise CmdletError("Colour 'bad' isn't valid", kind='invalid_argument')
            self.objects[identity].update((k, v) for k, v in parameters.items() if k not in ('Confirm', 'Force'))
            return []
        if verb == 'New':
            row = dict(parameters, Guid='guid-' + parameters['Name'])
            self.objects[parameters['Name']] = self.objects[row['Guid']] = row
            return [dict(row)]
        if verb == 'Add' or 'Member' in parameters:
            return []
        row = self.objects.pop(identity)
        self.objects = {k: v for k, v in self.objects.items() if v is not row}
        return []

    def invoke_one(self, call, idempotent=None):
        try:
            return self.invoke(*call)
        except ExchangeError as err:
            return err

    def invoke_all(self, calls, idempotent=None):
        self.groups.append([cmdlet for cmdlet, unused in calls])
        return [self.invoke_one(call) for call in calls]

    def sent(self, verb):
        return [call for call in self.calls if call[0].startswith(verb + '-')]


class Regional(Resource):
    noun = 'MailboxRegionalConfiguration'
    identity = 'mailbox'
    key = 'regional'
    presence = None
    write_switches = {'Confirm': False}
    properties = (
        Prop('language', 'Language', same=same_text),
        Prop('date_format', 'DateFormat'),
    )

    def validate(self, plan, changes):
        return 'date_format: no' if plan.entry.get('date_format') == 'bad' else None


class Widget(Resource):
    noun = 'Widget'
    identity = 'name'
    key = 'widget'
    create = True
    remove = True
    properties = (
        Prop('name', 'Name', when=CREATE),
        Prop('colour', 'Colour', same=same_text),
        Prop('hidden', 'Hidden', when=SET, default=False),
        Prop('company', 'Company', cmdlet='User'),
    )


def converge(module, resource, *entries):
    plans = Engine(module, resource(module)).converge(list(entries), [''] * len(entries))
    return plans[0] if len(plans) == 1 else plans


def test_only_differing_properties_are_sent_in_one_set_call_then_read_back():
    module = FakeModule({'jonas': {'Language': 'en-US', 'DateFormat': 'M/d/yyyy'}})
    plan = converge(module, Regional, {'mailbox': 'jonas', 'language': 'de-DE', 'date_format': 'M/d/yyyy'})
    assert [c[0] for c in module.calls] == ['Get-MailboxRegionalConfiguration', 'Set-MailboxRegionalConfiguration',
                                            'Get-MailboxRegionalConfiguration']
    assert module.calls[1][1] == {'Identity': 'jonas', 'Confirm': False, 'Language': 'de-DE'}
    assert plan.result['changed'] is True
    assert plan.result['changes'] == {'language': {'before': 'en-US', 'after': 'de-DE'}}
    assert plan.result['regional'] == {'language': 'de-DE', 'date_format': 'M/d/yyyy'}
    assert plan.result['before']['language'] == 'en-US'


def test_nothing_to_change_reads_once_and_check_mode_predicts_without_writing():
    module = FakeModule({'jonas': {'Language': 'en-US'}})
    assert converge(module, Regional, {'mailbox': 'jonas', 'language': 'EN-us'}).result['changed'] is False
    assert len(module.calls) == 1
    module = FakeModule({'jonas': {'Language': 'en-US', 'DateFormat': 'x'}}, check_mode=True)
    plan = converge(module, Regional, {'mailbox': 'jonas', 'language': 'de-DE'})
    assert plan.result['regional'] == {'language': 'de-DE', 'date_format': 'x'} and plan.result['changed']
    assert [c[0] for c in module.calls] == ['Get-MailboxRegionalConfiguration']


def test_a_validation_problem_fails_before_any_write():
    module = FakeModule({'jonas': {'Language': 'en-US'}})
    plan = converge(module, Regional, {'mailbox': 'jonas', 'language': 'de-DE', 'date_format': 'bad'})
    assert str(plan.error) == 'date_format: no; nothing was changed'
    assert not module.sent('Set')


@pytest.mark.parametrize('kind, text', [
    ('not_found', "mailbox: 'jonas' was not found; nothing was changed"),
    ('ambiguous', "mailbox: 'jonas' matches more than one object"),
])
def test_unknown_or_ambiguous_object(kind, text):
    module = FakeModule({}, get_error=CmdletError('gone', kind=kind))
    plan = converge(module, Regional, {'mailbox': 'jonas', 'language': 'de-DE'})
    assert str(plan.error).startswith(text)


def test_an_object_without_create_says_where_else_it_may_live():
    class Elsewhere(Regional):
        not_found_hint = ' here (it may live in Exchange Online)'

    plan = converge(FakeModule({}, get_error=CmdletError('gone', kind='not_found')), Elsewhere,
                    {'mailbox': 'jonas', 'language': 'de-DE'})
    assert str(plan.error) == "mailbox: 'jonas' was not found here (it may live in Exchange Online); nothing was changed"


def test_two_rows_for_one_identity_are_ambiguous():
    with pytest.raises(ExchangeError, match="name: 'x' matches more than one group"):
        one_row([{'Guid': 1}, {'Guid': 2}], 'name', 'x', 'group')
    assert one_row([], 'name', 'x') is None


def test_in_check_mode_a_missing_object_an_earlier_task_creates_is_predicted_with_a_warning():
    module = FakeModule({}, check_mode=True)
    plan = converge(module, Regional, {'mailbox': 'new', 'language': 'de-DE', 'date_format': None})
    assert plan.error is None and plan.result['changed'] is True
    assert plan.result['changes'] == {'language': {'before': None, 'after': 'de-DE'}}
    assert "'new' does not exist yet" in module.warnings[0]


def test_a_refusal_is_reported_under_the_option_the_message_names_first():
    refusal = CmdletError('The DateFormat "x" isn\'t valid for current language setting "it-IT".',
                          kind='invalid_argument', exception_type='TaskArgumentException')
    module = FakeModule({'jonas': {'Language': 'en-US', 'DateFormat': 'M/d/yyyy'}}, set_error=refusal)
    plan = converge(module, Regional, {'mailbox': 'jonas', 'language': 'it-IT', 'date_format': 'x'})
    assert str(plan.error).startswith("date_format: 'x' was refused; nothing was changed: ")
    throttled = CmdletError('slow down', kind='throttled')
    plan = converge(FakeModule({'jonas': {}}, set_error=throttled), Regional, {'mailbox': 'jonas', 'language': 'x'})
    assert plan.error is throttled


def test_create_sends_new_then_set_only_properties_then_reads_back():
    module = FakeModule({})
    plan = converge(module, Widget, {'name': 'w', 'state': 'present', 'colour': 'red', 'hidden': True,
                                     'company': None})
    assert module.sent('New') == [('New-Widget', {'Name': 'w', 'Colour': 'red'})]
    assert module.sent('Set') == [('Set-Widget', {'Identity': 'guid-w', 'Hidden': True})]
    assert plan.result['widget'] == {'name': 'w', 'colour': 'red', 'hidden': True, 'company': None}
    assert plan.result['before'] == {} and plan.result['changed'] is True


def test_a_refused_create_is_reported_under_the_option_the_message_names():
    module = FakeModule({})
    refusal = CmdletError("Cannot bind parameter 'Colour' to the target: 'mauve' is no colour",
                          kind='invalid_argument', exception_type='ParameterBindingException')

    answer = module.invoke

    def refuse(cmdlet, parameters=None, **unused):
        if cmdlet.startswith('New-'):
            raise refusal
        return answer(cmdlet, parameters)
    module.invoke = refuse
    plan = converge(module, Widget, {'name': 'w', 'state': 'present', 'colour': 'mauve', 'hidden': None, 'company': None})
    assert str(plan.error).startswith("colour: 'mauve' was refused; nothing was changed: ParameterBindingException: Cannot bind parameter 'Colour'")
    assert plan.error.exception_type == 'ParameterBindingException' and plan.result is None


def test_check_mode_create_predicts_defaults_and_sends_nothing():
    module = FakeModule({}, check_mode=True)
    plan = converge(module, Widget, {'name': 'w', 'state': 'present', 'colour': 'red', 'hidden': None,
                                     'company': None})
    assert plan.result['widget'] == {'name': 'w', 'colour': 'red', 'hidden': False, 'company': None}
    assert [c[0] for c in module.calls] == ['Get-Widget']


def test_a_property_of_another_cmdlet_goes_in_its_own_call_and_create_only_ones_are_refused():
    module = FakeModule({'w': {'Guid': 'g1', 'Name': 'w', 'Colour': 'red', 'Company': 'A'}})
    module.objects['g1'] = module.objects['w']
    converge(module, Widget, {'name': 'w', 'state': 'present', 'colour': 'Blue', 'company': 'B'})
    assert module.sent('Set') == [('Set-Widget', {'Identity': 'g1', 'Colour': 'Blue'}),
                                  ('Set-User', {'Identity': 'g1', 'Company': 'B'})]


def test_remove_is_idempotent():
    module = FakeModule({'w': {'Guid': 'g1', 'Name': 'w'}})
    module.objects['g1'] = module.objects['w']
    plan = converge(module, Widget, {'name': 'w', 'state': 'absent'})
    assert plan.result['changed'] and plan.result['widget'] == {}
    assert module.sent('Remove') == [('Remove-Widget', {'Identity': 'g1', 'Confirm': False})]
    again = converge(module, Widget, {'name': 'w', 'state': 'absent'})
    assert again.result['changed'] is False and not module.sent('Remove')[1:]


def test_many_entries_read_write_and_reread_together_and_one_failure_is_its_own():
    objects = dict(('w%d' % i, {'Guid': 'w%d' % i, 'Name': 'w%d' % i, 'Colour': 'red'}) for i in range(12))
    module = FakeModule(objects)
    entries = [{'name': 'w%d' % i, 'state': 'present', 'colour': 'blue' if i != 5 else 'bad'} for i in range(12)]
    plans = Engine(module, Widget(module)).converge(entries, ['widgets[%d].' % i for i in range(12)])
    assert module.groups == [['Get-Widget'] * 12, ['Set-Widget'] * 12, ['Get-Widget'] * 11]
    assert str(plans[5].error).startswith("colour: 'bad' was refused; nothing was changed")
    assert all(plan.result['widget']['colour'] == 'blue' for plan in plans if plan is not plans[5])


class Team(Widget):
    """A widget with members written by their own Add- calls, all in one step."""

    def writes(self, plan, key, changes):
        members = plan.entry.get('members') or []
        return [[('Add-WidgetMember', {'Identity': key, 'Member': member}) for member in members]] if members else []


def test_write_steps_of_several_objects_go_one_object_at_a_time_in_turn():
    objects = dict((name, {'Guid': name, 'Name': name, 'Colour': 'red'}) for name in ('a', 'b'))
    module = FakeModule(objects)
    entries = [{'name': 'a', 'state': 'present', 'colour': 'blue', 'members': ['x', 'y', 'z']},
               {'name': 'b', 'state': 'present', 'colour': 'green', 'members': ['x']}]
    plans = Engine(module, Team(module)).converge(entries, ['', ''])
    assert module.groups[1:3] == [['Set-Widget'] * 2, ['Add-WidgetMember'] * 4]
    added = [(c[1]['Identity'], c[1]['Member']) for c in module.calls if c[0] == 'Add-WidgetMember']
    assert added == [('a', 'x'), ('b', 'x'), ('a', 'y'), ('a', 'z')]
    assert all(plan.result['changed'] for plan in plans)


def test_a_removal_not_safe_to_repeat_is_reconciled_by_reading_after_a_lost_answer():
    class Fragile(Widget):
        remove_repeatable = False

    module = FakeModule({'w': {'Guid': 'w', 'Name': 'w'}})
    real = module.invoke

    def lose_answer(cmdlet, parameters=None, **kwargs):
        rows = real(cmdlet, parameters, **kwargs)
        if cmdlet.startswith('Remove-'):
            lost = ExchangeError('connection dropped', kind='transient')
            lost.outcome_unknown = True
            raise lost
        return rows

    module.invoke = lose_answer
    plan = converge(module, Fragile, {'name': 'w', 'state': 'absent'})
    assert plan.error is None and plan.result['changed']
    assert len(module.sent('Remove')) == 1


class Tagged(Widget):
    """A widget whose tags are a set: reported as added and removed, sent as the difference, and
    planned after a create against the row the create gave."""

    properties = Widget.properties + (
        Prop('tags', 'Tags', when=SET, same=lambda have, want: not (set(want) - set(have or ())),
             wire=lambda want: {'Add': sorted(want)},
             change=lambda before, want: {'added': sorted(set(want) - set(before or ())), 'removed': []}),
    )

    def after_create(self, plan, row):
        later = super().after_create(plan, row)
        if 'tags' in later:
            later['tags'] = sorted(set(later['tags']) - set(row.get('Tags') or ()))
        return later


def test_a_property_can_report_its_change_as_added_and_removed():
    module = FakeModule({'w': {'Guid': 'w', 'Name': 'w', 'Tags': ['a']}})
    plan = converge(module, Tagged, {'name': 'w', 'state': 'present', 'tags': ['a', 'b']})
    assert plan.result['changes'] == {'tags': {'added': ['b'], 'removed': []}}
    assert module.sent('Set') == [('Set-Widget', {'Identity': 'w', 'Tags': {'Add': ['a', 'b']}})]


def test_a_create_reports_the_state_and_after_create_plans_against_the_created_row():
    module = FakeModule({}, check_mode=True)
    plan = converge(module, Tagged, {'name': 'w', 'state': 'present', 'colour': 'red', 'tags': ['a']})
    assert plan.result['changes'] == {'state': {'before': 'absent', 'after': 'present'},
                                      'name': {'before': None, 'after': 'w'},
                                      'colour': {'before': None, 'after': 'red'},
                                      'tags': {'added': ['a'], 'removed': []}}
    module = FakeModule({})
    real = module.invoke

    def tagged_on_create(cmdlet, parameters=None, **kwargs):
        rows = real(cmdlet, parameters, **kwargs)
        if cmdlet.startswith('New-'):
            module.objects['w']['Tags'] = rows[0]['Tags'] = ['a']
        return rows

    module.invoke = tagged_on_create
    converge(module, Tagged, {'name': 'w', 'state': 'present', 'tags': ['a', 'b']})
    assert module.sent('Set') == [('Set-Widget', {'Identity': 'guid-w', 'Tags': {'Add': ['b']}})]


class Club(Resource):
    """An object whose members are written by Add-/Remove- calls, known without a read back."""

    noun = 'Club'
    identity = 'name'
    key = 'members'
    presence = None
    reread = False
    properties = (Prop('members', 'Members'),)

    def set_steps(self, plan, key, changes):
        wanted = changes.get('members') or []
        return [[('Add-ClubMember', {'Identity': key, 'Member': member}) for member in wanted]] if wanted else []

    def predict(self, plan, changes):
        return dict(plan.row, Members=changes.get('members', plan.row.get('Members')))

    def write_error(self, call, err):
        return None if call[0].startswith('Add-') and err.kind == 'already_exists' else err

    def present(self, facts, row):
        return dict(facts, club=row.get('Name') if row else None)

    def diff_name(self, result):
        return result['club']

    def diff_after(self, result):
        return {'members': result['members']}


def test_a_resource_without_read_back_reports_its_prediction_and_shapes_its_result():
    module = FakeModule({'chess': {'Guid': 'c1', 'Name': 'Chess', 'Members': ['ann']}})
    plan = converge(module, Club, {'name': 'chess', 'members': ['ann', 'bob']})
    assert [c[0] for c in module.calls] == ['Get-Club', 'Add-ClubMember', 'Add-ClubMember']
    assert plan.result == {'club': 'Chess', 'members': ['ann', 'bob'], 'changed': True,
                           'changes': {'members': {'before': ['ann'], 'after': ['ann', 'bob']}},
                           'before': {'members': ['ann']}}
    club = Club(module)
    assert (club.diff_name(plan.result), club.diff_after(plan.result)) == ('Chess', {'members': ['ann', 'bob']})


def test_a_write_the_resource_counts_as_done_is_no_error_and_others_still_fail():
    module = FakeModule({'chess': {'Guid': 'c1', 'Name': 'Chess', 'Members': []}})
    real = module.invoke

    def refuse(cmdlet, parameters=None, **kwargs):
        if cmdlet == 'Add-ClubMember':
            kind = 'already_exists' if parameters['Member'] == 'ann' else 'forbidden'
            raise CmdletError('refused %s' % parameters['Member'], kind=kind)
        return real(cmdlet, parameters, **kwargs)

    module.invoke = refuse
    plan = converge(module, Club, {'name': 'chess', 'members': ['ann']})
    assert plan.error is None and plan.result['members'] == ['ann']
    plan = converge(module, Club, {'name': 'chess', 'members': ['bob']})
    assert plan.error.kind == 'forbidden'


def test_a_resource_may_read_its_objects_its_own_way():
    class Paged(Regional):
        def read_answers(self, plans):
            self.module.calls.append(('Get-MailboxRegionalConfiguration', {'ResultSize': 'Unlimited'}))
            return [[{'Identity': plan.identity, 'Language': 'de-DE'}] if plan.identity != 'ghost'
                    else CmdletError("couldn't be found", kind='not_found') for plan in plans]

    module = FakeModule({}, check_mode=True)
    found, ghost = converge(module, Paged, {'mailbox': 'jonas', 'language': 'de-DE'},
                            {'mailbox': 'ghost', 'language': 'de-DE'})
    assert module.calls == [('Get-MailboxRegionalConfiguration', {'ResultSize': 'Unlimited'})]
    assert found.result['changed'] is False and found.result['regional']['language'] == 'de-DE'
    assert ghost.result['changed'] is True and module.warnings


def test_two_entries_for_one_object_or_one_new_object_fail_naming_each_other_before_any_write():
    module = FakeModule({'w': {'Guid': 'g1', 'Name': 'w', 'Colour': 'red'}})
    module.objects['W@contoso.com'] = module.objects['g1'] = module.objects['w']
    entries = [{'name': 'w', 'state': 'present', 'colour': 'blue'},
               {'name': 'W@contoso.com', 'state': 'present', 'colour': 'green'},
               {'name': 'new', 'state': 'present', 'colour': 'red'},
               {'name': 'NEW', 'state': 'present', 'colour': 'red'},
               {'name': 'other', 'state': 'present', 'colour': 'red'}]
    plans = Engine(module, Widget(module)).converge(entries, ['widgets[%d].' % i for i in range(5)])
    assert str(plans[0].error) == ("widgets[0].name: 'w' names the same object as widgets[1].name 'W@contoso.com'; "
                                   'give each object once; nothing was changed')
    assert "widgets[1].name: 'W@contoso.com' names the same object as widgets[0].name 'w'" in str(plans[1].error)
    assert plans[2].error and plans[3].error and plans[4].error is None
    assert [call[1]['Name'] for call in module.sent('New')] == ['other'] and not module.sent('Set')


class Settings(Resource):
    noun = 'CASMailbox'
    identity = 'mailbox'
    key = 'cas'
    presence = None
    properties = (Prop('policy', 'Policy', same=same_text, refers='Get-Policy'), Prop('colour', 'Colour'))


def test_a_value_naming_another_object_is_read_once_before_any_write_and_one_naming_nothing_is_refused():
    module = FakeModule({'a': {'Policy': 'Default'}, 'b': {'Policy': 'Default'}, 'c': {'Policy': 'strict'},
                         'd': {'Policy': 'Default'}, 'Strict': {'Name': 'Strict'}})
    plans = converge(module, Settings, {'mailbox': 'a', 'policy': 'Strict'}, {'mailbox': 'b', 'policy': 'STRICT'},
                     {'mailbox': 'c', 'policy': 'Strict'}, {'mailbox': 'd', 'policy': 'Nope', 'colour': 'red'})
    assert module.groups[1] == ['Get-Policy', 'Get-Policy'], 'each changed name once, together, after the reads'
    assert sorted(call[1]['Identity'] for call in module.sent('Get') if call[0] == 'Get-Policy') == ['Nope', 'Strict']
    assert str(plans[3].error) == "policy: 'Nope' was not found (Get-Policy found no such object); nothing was changed"
    assert [call[1]['Identity'] for call in module.sent('Set')] == ['a', 'b'], 'd wrote nothing, not even its colour'
    assert plans[2].result['changed'] is False
    module.calls = []
    converge(module, Settings, {'mailbox': 'a', 'policy': 'strict'})
    assert [call[0] for call in module.calls] == ['Get-CASMailbox'], 'nothing to change: no policy read'


def test_a_failed_reference_read_fails_the_entries_that_named_it_with_the_service_error():
    class Failing(FakeModule):
        def invoke(self, cmdlet, parameters=None, **unused):
            if cmdlet == 'Get-Policy':
                raise CmdletError('denied', kind='forbidden')
            return super().invoke(cmdlet, parameters)

    module = Failing({'a': {'Policy': 'Default'}})
    plan = converge(module, Settings, {'mailbox': 'a', 'policy': 'Strict'})
    assert plan.error.kind == 'forbidden' and not module.sent('Set')


def test_a_set_call_of_another_cmdlet_carries_the_switches_every_write_needs():
    class Guarded(Widget):
        write_switches = {'Bypass': True}

    module = FakeModule({'g1': {'Guid': 'g1', 'Name': 'w', 'Colour': 'red', 'Company': 'A'}})
    module.objects['w'] = module.objects['g1']
    converge(module, Guarded, {'name': 'w', 'state': 'present', 'colour': 'Blue', 'company': 'B'})
    assert module.sent('Set') == [('Set-Widget', {'Identity': 'g1', 'Bypass': True, 'Colour': 'Blue'}),
                                  ('Set-User', {'Identity': 'g1', 'Bypass': True, 'Company': 'B'})]


def test_a_resource_may_read_its_objects_back_its_own_way():
    class Noted(Widget):
        def reread_answers(self, plans, keys):
            answers = super().reread_answers(plans, keys)
            return [[dict(rows[0], Notes='read by key %s' % key)] for key, rows in zip(keys, answers)]

    module = FakeModule({'g1': {'Guid': 'g1', 'Name': 'w', 'Colour': 'red'}})
    module.objects['w'] = module.objects['g1']
    plan = converge(module, Noted, {'name': 'w', 'state': 'present', 'colour': 'Blue'})
    assert [call[0] for call in module.calls] == ['Get-Widget', 'Set-Widget', 'Get-Widget']
    assert module.calls[-1][1] == {'Identity': 'g1'}
    assert plan.result['changed'] and plan.result['widget']['colour'] == 'Blue'

    class Shown(Noted):
        def facts(self, row):
            return dict(super().facts(row), notes=row.get('Notes'))

    module = FakeModule({'g1': {'Guid': 'g1', 'Name': 'w', 'Colour': 'red'}})
    module.objects['w'] = module.objects['g1']
    assert converge(module, Shown, {'name': 'w', 'state': 'present', 'colour': 'Blue'}).result['widget']['notes'] \
        == 'read by key g1'


def test_check_mode_predicts_a_referred_object_in_the_services_spelling():
    module = FakeModule({'a': {'Policy': 'Default'}, 'STRICT': {'Name': 'Strict'}}, check_mode=True)
    plan = converge(module, Settings, {'mailbox': 'a', 'policy': 'STRICT'})
    assert plan.result['cas'] == {'policy': 'Strict', 'colour': None}
    assert not module.sent('Set')


class Gadget(Widget):
    """A Widget whose result key is a noun of the collection's vocabulary."""
    key = 'contact'


def test_a_noun_result_key_always_shows_the_objects_identity_display_name_and_address():
    module = FakeModule({'w1': {'Guid': 'g1', 'Identity': 'w1', 'Name': 'w1', 'DisplayName': 'Widget One',
                                'PrimarySmtpAddress': 'w1@contoso.com', 'Colour': 'red', 'Hidden': False}})
    shown = converge(module, Gadget, {'name': 'w1', 'colour': 'red'}).result['contact']
    assert (shown['identity'], shown['display_name'], shown['primary_smtp_address']) == ('w1', 'Widget One', 'w1@contoso.com')
    assert shown['colour'] == 'red'
    # Another key is the resource's facts only; an object that is not there is an empty dict.
    assert 'display_name' not in converge(module, Widget, {'name': 'w1', 'colour': 'red'}).result['widget']
    assert converge(module, Gadget, {'name': 'gone', 'state': 'absent'}).result['contact'] == {}


class Picky(Widget):
    def check_input(self, entry, where):
        raise ValueError('%scolour: the resource refuses %r' % (where, entry['colour']))


def test_the_resources_input_check_runs_only_for_an_entry_whose_values_passed_and_keeps_the_first_error():
    module = FakeModule({})
    plan = converge(module, Picky, {'name': 'w1', 'colour': 'red'})
    assert 'the resource refuses' in str(plan.error) and module.calls == []
    Engine(module, Picky(module)).check_input(plan)
    first = plan.error
    plan.error = CmdletError('an earlier problem', kind='invalid_argument')
    Engine(module, Picky(module)).check_input(plan)
    assert str(plan.error) == 'an earlier problem' and first is not plan.error
