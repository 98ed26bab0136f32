# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The engine every Exchange object is converged by: a module declares, the engine converges.

A :class:`Resource` declares the noun (``DistributionGroup``), the option that names one object,
the result key and a property table of :class:`Prop` rows. :class:`Engine` then does for one
object or many alike: read every object (ten to a request), plan each entry against its row,
predict the row in check mode, apply (a create sent once through ``create_once``, a removal,
one Set call per cmdlet), read back what was written, and build each object's result with its
``changes`` and diff. Not for use outside this collection.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.validation import check_mutually_exclusive, check_required_if, check_required_one_of

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    ALREADY_EXISTS,
    AMBIGUOUS,
    INVALID_ARGUMENT,
    NOT_FOUND,
    OTHER,
    ExchangeError,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.bulk import PARALLEL_SPEC, RESULTS_SPEC
from ansible_collections.mailops.exchange.plugins.module_utils.engine.outcome import create_once, remove_once
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import object_summary

CREATE = 'create'
SET = 'set'
CREATE_SET = 'create+set'


def same_value(have, want):
    """Equal as Python values (booleans, numbers, case-sensitive text)."""
    return have == want


def same_text(have, want):
    """Equal ignoring case, with None read as the empty text."""
    return str('' if have is None else have).lower() == str('' if want is None else want).lower()


def keep(value):
    return value


class Prop(object):
    """One row of a resource's property table.

    ``option`` is the module option, ``parameter`` the Exchange property that reads it and the
    parameter that writes it. ``view`` turns the row's value into the option's shape (the
    result shows it), ``wire`` the option's value into the parameter's, ``same(have, want)``
    compares the viewed value with the desired one. ``when`` says which cmdlet takes it: the
    noun's ``New-`` and ``Set-`` (``create+set``), ``New-`` only (``create``: a change of an
    existing object is refused) or ``Set-`` only (``set``: sent after the create). ``cmdlet``
    is the Set cmdlet when it is not the noun's own (``Set-User`` for a mailbox's company); that call
    carries the resource's ``write_switches`` as well.
    ``default`` is what the service gives a new object that the task leaves out.
    ``change(before, want)`` is how ``changes`` reports the row's change (None: ``{before, after}``;
    a set reports ``{added, removed}`` this way). ``spec`` is the option's argument spec
    (``dict(type='bool')``), from which :func:`argument_spec` builds the module's.
    ``refers`` is the cmdlet that reads the object a value names (``Get-OwaMailboxPolicy``): a
    value to be written is read first, and one that names nothing is refused before any write.
    ``check(value)`` returns the value as compared and written, or raises ValueError naming the
    option, before anything is read.

    A property that is more than one parameter (fifteen custom attributes, an address list with
    its mode) subclasses Prop and overrides the methods below; the engine only calls them.
    ``companions`` are the specs of the options such a property reads besides its own.
    """

    companions = {}

    __slots__ = ('option', 'parameter', 'view', 'wire', 'same', 'when', 'cmdlet', 'default', 'change', 'spec',
                 'refers', 'check')

    def __init__(self, option, parameter, view=keep, wire=keep, same=same_value, when=CREATE_SET, cmdlet=None,
                 default=None, change=None, spec=None, refers=None, check=None):
        self.option = option
        self.parameter = parameter
        self.view = view
        self.wire = wire
        self.same = same
        self.when = when
        self.cmdlet = cmdlet
        self.default = default
        self.change = change
        self.spec = spec
        self.refers = refers
        self.check = check

    def read(self, row):
        """The property of ``row`` in the option's shape."""
        return self.view(row.get(self.parameter))

    def initial(self):
        """What a new object has before any Set: the viewed ``default``."""
        return self.view(self.default)

    def delta(self, have, want, entry):
        """The change that takes ``have`` (viewed) to ``want`` (``entry`` gives the companions),
        or None when there is none."""
        return None if self.same(have, want) else want

    def parameters(self, value):
        """The parameters that write the change ``value``."""
        return {self.parameter: self.wire(value)}

    def apply(self, row, value):
        """Make the change ``value`` to the predicted ``row``."""
        row.update(self.parameters(value))

    def fill(self, row):
        """Put what a new object has when the task leaves the property out into ``row``."""
        row[self.parameter] = self.default

    def apply_new(self, row, value, entry):
        """Put the desired ``value`` into the predicted ``row`` of a new object."""
        change = self.delta(self.initial(), value, entry) if self.when == SET else value
        if change is not None:
            self.apply(row, change)
        else:
            self.fill(row)

    def shown(self, before, value, given):
        """The result's ``changes`` entry for the change ``value`` (``given``: as the task said it)."""
        if self.change is not None:
            return self.change(before, value)
        return {'before': before, 'after': given}


# The result keys that name the object a module manages (the collection's one vocabulary, see
# multi_valued_options.rst): each is always a dict of the object.
NOUN_KEYS = ('mailbox', 'group', 'contact', 'mail_user', 'trustee')


class Resource(object):
    """The declaration of an Exchange object; subclass attributes say what differs.

    ``noun``: the cmdlet noun; ``identity``: the option naming one object (its value is the
    Identity read with); ``key``: the result key; ``properties``: the :class:`Prop` table.
    ``presence``: the option that says present or absent (None: the object is always there);
    ``bulk``: the list option that takes many objects in one task (None: one object a task), and
    ``entry_only`` the options such an entry gives for itself only (the others default to the
    task's value); ``options``: the argument spec of options that are not properties;
    ``module_checks``: AnsibleModule's checks (``required_if``, ...) for the single form;
    ``create`` / ``remove``: whether the noun has ``New-`` / ``Remove-`` (settings of another
    object have neither); ``remove_repeatable``: False when a removal must not be sent twice blindly
    (it is then reconciled by re-reading after a lost answer); ``write_switches``: parameters
    every Set and Remove carries; ``reread``: False when the result after writes is the predicted
    row (writes whose effect is known, such as member Adds, need no read back).
    ``not_found_hint``: what a message adds when an object without ``New-`` is not found (where
    it may live instead). ``what``: how messages call one object. Hooks below have working defaults.
    """

    noun = None
    identity = 'identity'
    identity_aliases = ()
    key = None
    what = 'object'
    properties = ()
    presence = 'state'
    bulk = None
    entry_only = ()
    options = {}
    module_checks = {}
    create = False
    remove = False
    remove_repeatable = True
    reread = True
    write_switches = {}
    not_found_hint = ''

    def __init__(self, module):
        self.module = module

    def read_call(self, identity):
        """The ``(cmdlet, parameters)`` that reads the object ``identity`` names."""
        return 'Get-' + self.noun, {'Identity': identity}

    def read_answers(self, plans):
        """The answer to each plan's read, in order: its rows, or the ExchangeError it raised. Each
        plan's :meth:`read_call`, ten to a request; a resource may read many objects another way
        (an organisation-wide page)."""
        return self.module.invoke_all([self.read_call(plan.identity) for plan in plans])

    def reread_answers(self, plans, keys):
        """The answer to each written plan's read back (``keys``: the Identity each is read by): its
        :meth:`read_call`, ten to a request; a resource whose object is read by more than one call
        (its row and a setting another cmdlet shows) reads it here the same way as in :meth:`read_answers`."""
        return self.module.invoke_all([self.read_call(key) for key in keys])

    def object_key(self, row, identity):
        """The Identity writes and re-reads use: the object's GUID when the row has one."""
        return str(row.get('Guid') or identity) if row else identity

    def facts(self, row):
        """The object as the result shows it: every property in its option's shape."""
        return dict((prop.option, prop.read(row)) for prop in self.properties)

    def view(self, row):
        """:meth:`facts`, and under a noun key (:data:`NOUN_KEYS`) at least the object's identity,
        display name and primary SMTP address, the same in every module (its own facts win): what
        the result and the diff (before and after alike) show."""
        facts = self.facts(row)
        return dict(object_summary(row), **facts) if self.key in NOUN_KEYS else facts

    def identity_problem(self, value):
        """Why ``value`` cannot name an object (an entry without one cannot even be reported, so
        the whole task fails before anything is read), or None."""
        if not isinstance(value, str) or not value.strip():
            return '%r is not an identity' % (value,)
        return None

    def check_input(self, entry, where):
        """Raise ValueError, naming the option (prefixed ``where``) and the value, for input no
        object can have; called before anything is read."""

    def desired(self, plan):
        """The values the entry asks for, option -> value (None: left as it is)."""
        return dict((prop.option, plan.entry.get(prop.option)) for prop in self.properties)

    def new_row(self, plan, desired):
        """The row a create is predicted to give (check mode); properties left out take their
        ``default``."""
        row = {}
        for prop in self.properties:
            value = desired.get(prop.option)
            if value is None:
                prop.fill(row)
            else:
                prop.apply_new(row, value, plan.entry)
        return row

    def changes(self, plan, facts):
        """What an existing object must change, option -> wanted value: the properties whose
        desired value differs from ``facts`` (the object as :meth:`facts` shows it)."""
        changes = {}
        for prop in self.properties:
            if plan.desired.get(prop.option) is not None:
                change = prop.delta(facts.get(prop.option), plan.desired[prop.option], plan.entry)
                if change is not None:
                    changes[prop.option] = change
        return changes

    def shown_changes(self, plan, facts, changes):
        """The result's ``changes``: ``{option: {before, after}}`` (``facts``: {} for a new object),
        or a property's own ``change`` shape; a create also reports its presence."""
        props = dict((prop.option, prop) for prop in self.properties)
        shown = {}
        for option, want in changes.items():
            prop = props.get(option)
            if prop is not None:
                shown[option] = prop.shown(facts.get(option), want, plan.entry.get(option, want))
            else:
                shown[option] = {'before': facts.get(option), 'after': plan.entry.get(option, want)}
        if plan.row is None and self.create and self.presence:
            shown[self.presence] = {'before': 'absent', 'after': 'present'}
        return shown

    def set_steps(self, plan, key, changes):
        """The write steps for ``changes`` (option -> value): one Set call per cmdlet, each its own
        step (in the property table's order), then the resource's other :meth:`writes`."""
        calls = {}
        for prop in self.properties:
            if prop.option in changes:
                cmdlet = 'Set-' + (prop.cmdlet or self.noun)
                if cmdlet not in calls:
                    calls[cmdlet] = {'Identity': key}
                    # The noun's Set carries write_parameters; another cmdlet's, the switches every write needs.
                    calls[cmdlet].update(self.write_parameters(plan.entry, changes) if not prop.cmdlet else self.write_switches)
                calls[cmdlet].update(prop.parameters(changes[prop.option]))
        return [[call] for call in calls.items()] + self.writes(plan, key, changes)

    def after_create(self, plan, row):
        """The changes (option -> value) the Set calls make once the create gave ``row``: the
        set-only properties the entry gives that differ from their ``default``."""
        changes = {}
        for prop in self.properties:
            if prop.when == SET and plan.desired.get(prop.option) is not None:
                have = prop.read(row) if row and prop.parameter in row else prop.initial()
                change = prop.delta(have, plan.desired[prop.option], plan.entry)
                if change is not None:
                    changes[prop.option] = change
        return changes

    def created_steps(self, plan, row, key):
        """The write steps a new object still needs once created (``row``: what the create gave):
        the Set calls of :meth:`after_create`."""
        return self.set_steps(plan, key, self.after_create(plan, row))

    def new_key(self, plan):
        """What makes a new object the one another entry of the task creates too: its identity."""
        return plan.identity

    def claims(self, plan, row):
        """Whether ``row``, found after a create was refused as already existing, is the object
        this create makes (then it is converged as created); the default: any object found."""
        return True

    def create_refused(self, plan, err):
        """The error to report for a create refused as already existing whose object is not this
        create's (another object holds the name or address): ``err`` itself by default."""
        return err

    def find_call(self, plan):
        """The read that finds the object a create made, after its answer was lost."""
        return self.read_call(plan.identity)

    def review(self, engine, plans):
        """Called once every plan is made and before anything is written (check mode included), to
        check what needs the service for many plans at once; set ``plan.error`` to refuse one."""

    def removal_changes(self, plan):
        """The result's ``changes`` for a removal."""
        return {self.presence: {'before': 'present', 'after': 'absent'}}

    def removable(self, plan):
        """A message when the object ``plan.row`` may not be removed here; None when it may."""
        return None

    def predict(self, plan, changes):
        """The row after ``changes`` (option -> value) are made to ``plan.row``."""
        after = dict(plan.row)
        for prop in self.properties:
            if prop.option in changes:
                prop.apply(after, changes[prop.option])
        return after

    def new_parameters(self, plan, desired):
        """The parameters of the ``New-`` call."""
        parameters = {}
        for prop in self.properties:
            if prop.when != SET and desired.get(prop.option) is not None:
                parameters.update(prop.parameters(desired[prop.option]))
        return parameters

    def prepare(self, engine, plans):
        """Called once with every plan read (``plan.row``: None when there is no such object)
        before any is planned, to look identities up together."""

    def validate(self, plan, changes):
        """A message when ``changes`` (option -> wanted value) cannot be made to ``plan.row`` (None:
        to be created), raised before any write; None when they can."""
        return None

    def create_call(self, plan):
        """The ``(cmdlet, parameters)`` that creates the object (``New-<noun>``)."""
        return 'New-' + self.noun, self.new_parameters(plan, plan.desired)

    def remove_call(self, plan, key):
        """The ``(cmdlet, parameters)`` that removes the object ``key`` (``Remove-<noun>``)."""
        return 'Remove-' + self.noun, dict({'Identity': key, 'Confirm': False}, **self.write_switches)

    def writes(self, plan, key, changes):
        """Steps of calls beyond the Set calls of the property table (a member's Add and Remove
        calls, say): a list of steps, each a list of ``(cmdlet, parameters)`` that may be sent
        together; the steps of one object go in order, after its Set calls."""
        return []

    def write_parameters(self, entry, changes):
        """Parameters the noun's own Set call carries besides the changed properties."""
        return dict(self.write_switches)

    def write_error(self, call, err):
        """The error a refused write ``call`` means, or None when it counts as done (adding a member
        that is there already)."""
        return err

    def present(self, facts, row):
        """The result's keys for the object (``row`` None: there is none): ``key`` -> its facts."""
        return {self.key: facts}

    def diff_name(self, result):
        """The name a bulk task's diff keys one object's result by: the entry's identity."""
        return result['key']

    def diff_after(self, result):
        """The object after, as one result's diff shows it."""
        return result[self.key]


class Plan(object):
    """What converging one entry comes to, decided before anything is sent."""

    __slots__ = ('entry', 'where', 'identity', 'row', 'action', 'desired', 'changes', 'writes', 'predicted',
                 'error', 'result', 'detail')

    def __init__(self, entry, where, identity):
        self.entry = entry
        self.where = where
        self.identity = identity
        self.row = None
        self.action = None
        self.desired = {}
        self.changes = {}
        self.writes = []
        self.predicted = None
        self.error = None
        self.result = None
        # What a resource keeps of its own planning (a mailbox's address plan, say).
        self.detail = None


def argument_spec(resource):
    """The argument spec of a declared resource's module, and AnsibleModule's checks, as keyword
    arguments: every property with a ``spec``, the ``options``, the identity option, ``state``,
    and with ``bulk`` the list of entries (each entry the same options, without defaults, so an
    option it leaves out takes the task's value; a plain name is the entry naming that object)
    and ``parallel``."""
    options = dict((prop.option, dict(prop.spec)) for prop in resource.properties if prop.spec)
    for prop in resource.properties:
        options.update((name, dict(spec)) for name, spec in prop.companions.items())
    options.update((name, dict(spec)) for name, spec in resource.options.items())
    if resource.presence:
        options[resource.presence] = dict(type='str', default='present', choices=['present', 'absent'])
    identity = resource.identity
    named = dict(type='str', aliases=list(resource.identity_aliases)) if resource.identity_aliases else dict(type='str')
    if resource.bulk is None:
        spec = dict(options, **{identity: dict(named, required=True)})
        return dict(argument_spec=spec, **resource.module_checks)
    entry = dict((name, dict((k, v) for k, v in spec.items() if k != 'default')) for name, spec in options.items())
    entry[identity] = dict(named, required=True)
    spec = dict(options, **{identity: named, 'parallel': dict(PARALLEL_SPEC), 'results': dict(RESULTS_SPEC),
                            resource.bulk: dict(type='list', elements='dict', options=entry)})
    return dict(argument_spec=spec, required_one_of=[(identity, resource.bulk)], plain_entries={resource.bulk: identity},
                mutually_exclusive=[(identity, resource.bulk)] + [(resource.bulk, name) for name in resource.entry_only
                                                                  if name != identity])


def interleave(calls_by_plan):
    """``(plan, call)`` pairs taking one call of each plan in turn."""
    order = []
    depth = 0
    queues = [(plan, calls) for plan, calls in calls_by_plan if calls]
    while queues:
        order.extend((plan, calls[depth]) for plan, calls in queues)
        depth += 1
        queues = [(plan, calls) for plan, calls in queues if len(calls) > depth]
    return order


def input_error(message):
    """The service-shaped error for input that cannot be applied; nothing is sent after it."""
    return ExchangeError('%s; nothing was changed' % message, kind=INVALID_ARGUMENT)


def one_row(answer, option, identity, what='object'):
    """The one row the answer to a read names (its rows, or the error it raised), or None when
    there is no such object. An identity that matches several objects fails naming ``option``."""
    if isinstance(answer, ExchangeError):
        if answer.kind == NOT_FOUND:
            return None
        if answer.kind == AMBIGUOUS:
            raise ExchangeError("%s: '%s' matches more than one %s; give its SMTP address or GUID; nothing was "
                                'changed' % (option, identity, what), kind=INVALID_ARGUMENT,
                                exception_type=answer.exception_type)
        raise answer
    if answer and len(answer) > 1:
        raise ExchangeError("%s: '%s' matches more than one %s; give its SMTP address or GUID; nothing was "
                            'changed' % (option, identity, what), kind=INVALID_ARGUMENT)
    return answer[0] if answer else None


class Engine(object):
    """Converges the entries of one task for one :class:`Resource`."""

    def __init__(self, module, resource):
        self.module = module
        self.resource = resource

    @property
    def check_mode(self):
        return self.module.check_mode

    def converge(self, entries, wheres):
        """One :class:`Plan` per entry, each with its ``result`` or its ``error``."""
        plans = [Plan(entry, where, entry[self.resource.identity].strip()) for entry, where in zip(entries, wheres)]
        for plan in plans:
            self.guard(plan, self.check_values)
            self.guard(plan, self.check_input)
        self.read([plan for plan in plans if plan.error is None])
        live = [plan for plan in plans if plan.error is None]
        self.resource.prepare(self, live)
        for plan in live:
            self.guard(plan, self.plan)
        self.refuse_duplicates(live)
        self.resource.review(self, [plan for plan in live if plan.error is None])
        self.check_references([plan for plan in live if plan.error is None])
        self.apply([plan for plan in plans if plan.error is None])
        return plans

    def check_input(self, plan):
        """The resource's own input checks (:meth:`Resource.check_input`), for an entry whose
        values passed :meth:`check_values`; before anything is read."""
        if plan.error is None:
            self.resource.check_input(plan.entry, plan.where)

    def check_values(self, plan):
        """Each property's ``check`` on the value the entry gives, and the resource's
        ``module_checks`` on the entry as merged with the task's values (AnsibleModule checks only
        the task's own options, not a bulk entry's), before anything is read."""
        given = dict((name, value) for name, value in plan.entry.items() if value is not None)
        checks = self.resource.module_checks
        try:
            check_mutually_exclusive(checks.get('mutually_exclusive'), given)
            check_required_one_of(checks.get('required_one_of'), given)
            check_required_if(checks.get('required_if'), given)
        except TypeError as err:
            raise ValueError('%s%s' % (plan.where, err)) from None
        for prop in self.resource.properties:
            if prop.check is not None and plan.entry.get(prop.option) is not None:
                try:
                    plan.entry[prop.option] = prop.check(plan.entry[prop.option])
                except ValueError as err:
                    raise ValueError(plan.where + str(err)) from None

    def refuse_duplicates(self, plans):
        """Refuse, before any write, entries that name one object in two spellings (or one new
        object twice): each would report its own outcome as achieved while the object gets the
        other's too. Every such entry fails naming the others."""
        named = {}
        for plan in plans:
            if plan.row is not None:
                named.setdefault(('object', self.resource.object_key(plan.row, plan.identity).lower()), []).append(plan)
            elif plan.error is None and plan.action in ('create', 'predicted'):
                named.setdefault(('new', self.resource.new_key(plan).lower()), []).append(plan)
        for same in named.values():
            if len(same) < 2:
                continue
            for plan in same:
                others = ', '.join("%s%s '%s'" % (other.where, self.resource.identity, other.identity)
                                   for other in same if other is not plan)
                plan.error = input_error("%s%s: '%s' names the same %s as %s; give each %s once"
                                         % (plan.where, self.resource.identity, plan.identity, self.resource.what,
                                            others, self.resource.what))

    def check_references(self, plans):
        """Refuse, before any write, entries that set a property whose ``refers`` reads the object
        it names (a policy) to a name that is no such object. Only values that change are read,
        each distinct one once, ten to a request, so a run that changes nothing reads none."""
        wanted = {}
        for plan in plans:
            for prop in self.resource.properties:
                change = plan.changes.get(prop.option) if prop.refers else None
                value = change.get('after') if isinstance(change, dict) else None
                if value not in (None, ''):
                    wanted.setdefault((prop.refers, str(value).lower()), (prop, value, []))[2].append(plan)
        found = list(wanted.values())
        if not found:
            return
        answers = self.module.invoke_all([(prop.refers, {'Identity': value}) for prop, value, unused in found])
        for (prop, value, named), answer in zip(found, answers):
            if isinstance(answer, ExchangeError) and answer.kind != NOT_FOUND:
                error = answer
            elif isinstance(answer, ExchangeError) or not answer:
                error = None
            else:
                self.spell_as_found(named, prop, answer[0].get('Name'))
                continue
            for plan in named:
                plan.error = error or input_error("%s%s: '%s' was not found (%s found no such object)"
                                                  % (plan.where, prop.option, value, prop.refers))

    @staticmethod
    def spell_as_found(plans, prop, name):
        """The predicted rows name the object as the service stores it (its own spelling of a name
        given in another case), so that check mode shows what the real run will read back."""
        for plan in plans:
            if name and isinstance(plan.predicted, dict) and same_text(plan.predicted.get(prop.parameter), name):
                plan.predicted[prop.parameter] = name

    def guard(self, plan, step, *args):
        """Run ``step(plan, *args)``; a service error or bad input becomes the plan's error."""
        try:
            step(plan, *args)
        except ExchangeError as err:
            plan.error = err
        except ValueError as err:
            plan.error = input_error(str(err))

    def read(self, plans):
        answers = self.resource.read_answers(plans)
        for plan, answer in zip(plans, answers):
            try:
                plan.row = one_row(answer, plan.where + self.resource.identity, plan.identity, self.resource.what)
            except ExchangeError as err:
                plan.error = err

    def plan(self, plan):
        """Decide ``plan.action`` and its writes from the entry and the row read."""
        plan.desired = self.resource.desired(plan)
        presence = self.resource.presence
        if presence and plan.entry.get(presence) == 'absent':
            plan.action = 'remove' if plan.row is not None else 'none'
            problem = self.resource.removable(plan) if plan.row is not None else None
            if problem:
                raise input_error(plan.where + problem)
            plan.predicted = None
            return
        if plan.row is None:
            self.plan_create(plan)
        else:
            self.plan_update(plan)

    def plan_create(self, plan):
        resource = self.resource
        if not resource.create:
            if not self.check_mode:
                raise ExchangeError("%s%s: '%s' was not found%s; nothing was changed"
                                    % (plan.where, resource.identity, plan.identity, resource.not_found_hint),
                                    kind=NOT_FOUND)
            # In check mode an earlier task of the run may be the one that creates it.
            self.module.warn("%s%s: '%s' does not exist yet; check mode assumes an earlier task creates it and "
                             'shows every value this task sets' % (plan.where, resource.identity, plan.identity))
        changes = dict((option, value) for option, value in plan.desired.items() if value is not None)
        row = resource.new_row(plan, plan.desired)
        self.check(plan, changes)
        plan.action = 'create' if resource.create else 'predicted'
        plan.changes = resource.shown_changes(plan, {}, changes)
        plan.predicted = row

    def plan_update(self, plan):
        resource = self.resource
        facts = resource.facts(plan.row)
        changes = resource.changes(plan, facts)
        self.check(plan, changes)
        for prop in resource.properties:
            if prop.option in changes and prop.when == CREATE:
                raise input_error("%s%s: '%s' cannot be changed on an existing %s (it is '%s')"
                                  % (plan.where, prop.option, changes[prop.option], resource.what,
                                     facts.get(prop.option)))
        plan.writes = resource.set_steps(plan, resource.object_key(plan.row, plan.identity), changes)
        plan.action = 'update' if plan.writes else 'none'
        plan.changes = resource.shown_changes(plan, facts, changes)
        plan.predicted = resource.predict(plan, changes)

    def check(self, plan, changes):
        problem = self.resource.validate(plan, changes)
        if problem:
            raise input_error(plan.where + problem)

    def apply(self, plans):
        if self.check_mode:
            for plan in plans:
                plan.result = self.result(plan, plan.predicted)
            return
        self.run_parallel([p for p in plans if p.action == 'create'], self.create)
        self.run_parallel([p for p in plans if p.action == 'remove'], self.delete)
        self.write([p for p in plans if p.action in ('update', 'created')])
        written = [p for p in plans if p.action in ('update', 'created') and p.error is None]
        if self.resource.reread:
            self.reread(written)
        else:
            for plan in written:
                plan.result = self.result(plan, plan.predicted)
        for plan in plans:
            if plan.result is None and plan.error is None:
                plan.result = self.result(plan, plan.row if plan.action != 'remove' else None)

    def run_parallel(self, plans, step):
        """``step(plan)`` for each plan, up to ``parallel`` at once (each sends its own calls)."""
        parallel = min(self.module.parallel, len(plans))
        if parallel <= 1:
            for plan in plans:
                self.guard(plan, step)
            return
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(lambda plan: self.guard(plan, step), plans))

    def create(self, plan):
        resource = self.resource
        cmdlet, parameters = resource.create_call(plan)

        def find():
            return one_row(self.module.invoke_one(resource.find_call(plan)),
                           plan.where + resource.identity, plan.identity, resource.what)

        try:
            rows = create_once(self.module.invoke, cmdlet, parameters, find)
        except ExchangeError as err:
            # An earlier answer was lost before a read saw the object, or another run created it
            # between our read and our create: an object this create would have made is converged.
            if err.kind != ALREADY_EXISTS:
                raise self.refused(parameters, err) from None
            found = find()
            if found is None or not resource.claims(plan, found):
                raise resource.create_refused(plan, err) from None
            rows = [found]
        row = rows[0] if rows else find()
        key = resource.object_key(row, plan.identity)
        plan.writes = resource.created_steps(plan, row, key)
        plan.row = row
        plan.action = 'created'

    def delete(self, plan):
        resource = self.resource
        key = resource.object_key(plan.row, plan.identity)
        cmdlet, parameters = resource.remove_call(plan, key)
        try:
            if resource.remove_repeatable:
                self.module.invoke(cmdlet, parameters, idempotent=True)
            else:
                remove_once(self.module.invoke, cmdlet, parameters,
                            lambda: one_row(self.module.invoke_one(resource.read_call(key)), plan.where + resource.identity,
                                            key, resource.what) is None)
        except ExchangeError as err:
            # Gone already (another run, or the repeat of a removal whose answer was lost).
            if err.kind != NOT_FOUND:
                raise
        plan.result = self.result(plan, None)

    def write(self, plans):
        """Every plan's write steps: the first step of every plan together, then the second...
        so that one object's steps keep their order. Within a round the calls go one object's
        at a time in turn (a ``$batch`` of ten carries ten objects, not one object's ten writes),
        ten to a request, ``parallel`` requests at once."""
        rounds = max([len(plan.writes) for plan in plans] or [0])
        for step in range(rounds):
            order = interleave([(plan, plan.writes[step]) for plan in plans
                                if len(plan.writes) > step and plan.error is None])
            answers = self.module.invoke_all([call for unused, call in order], idempotent=True)
            for (plan, call), answer in zip(order, answers):
                if isinstance(answer, ExchangeError) and plan.error is None:
                    answer = self.resource.write_error(call, answer)
                    if answer is None:
                        continue
                    answer = self.refused(call[1], answer)
                    sent = step or plan.action == 'created' or len(plan.writes[step]) > 1
                    plan.error = self.written(plan, answer) if sent else answer

    def refused(self, parameters, err):
        """A refused write's error, naming the option whose parameter the service's message names
        first ("The DateFormat ... isn't valid for current language setting" is about DateFormat)."""
        if err.kind not in (INVALID_ARGUMENT, OTHER):
            return err
        text = str(err).lower()
        named = sorted(((text.find(prop.parameter.lower()), prop) for prop in self.resource.properties
                        if prop.parameter in parameters and prop.parameter.lower() in text), key=lambda pair: pair[0])
        if not named:
            return err
        prop = named[0][1]
        return ExchangeError("%s: '%s' was refused; nothing was changed: %s" % (prop.option, parameters[prop.parameter], err),
                             kind=err.kind, exception_type=err.exception_type)

    def written(self, plan, err, outcome='it did not complete'):
        """The error of a plan that failed after it changed the object; its result says changed."""
        plan.result = {'changed': True}
        return ExchangeError('the change was sent (%s) but %s: %s'
                             % (', '.join(sorted(plan.changes)) or 'create', outcome, err), kind=err.kind,
                             exception_type=err.exception_type)

    def reread(self, plans):
        keys = [self.resource.object_key(plan.row, plan.identity) for plan in plans]
        answers = self.resource.reread_answers(plans, keys)
        for plan, key, answer in zip(plans, keys, answers):
            try:
                row = one_row(answer, plan.where + self.resource.identity, key, self.resource.what)
            except ExchangeError as err:
                plan.error = self.written(plan, err, 'the %s could not be read back' % self.resource.key)
                continue
            plan.result = self.result(plan, row)

    def result(self, plan, after):
        """The result of one entry: ``changed``, the object after (``{}``: none), its ``changes``
        and, for the diff, its ``before``."""
        resource = self.resource
        result = resource.present(resource.view(after) if after is not None else {}, after)
        result.update({
            'changed': plan.action not in ('none',),
            'changes': plan.changes if plan.action != 'remove' else resource.removal_changes(plan),
            'before': resource.view(plan.row) if plan.row is not None and plan.action != 'created' else {},
        })
        return result
