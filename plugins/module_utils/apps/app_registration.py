# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The app-registration engine: one Entra ID application with app-only Exchange Online access, through Graph.

Internal to this collection (used by exo_app_registration). A run is a sequence of named steps:
validate the input; read (find the application, then its service principal, admin consent and
directory roles); plan; outside check mode apply (write the generated certificate's files, create
or update the application, create its service principal, grant or revoke consent, add or remove
directory roles, add a secret - last, so no later failure can lose its text); then build the
result and the diff from the plan, without reading back.
"""

from __future__ import annotations

import datetime
import hashlib
import os

from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_credentials as creds
from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_owners as owners
from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_permissions as perms
from ansible_collections.mailops.exchange.plugins.module_utils.apps.entra_roles import is_guid, resolve_roles, role_name
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, ALREADY_EXISTS, NOT_FOUND
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_client import odata_quote
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.reconcile import plan_set, sorted_values

EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000'
MANAGE_AS_APP_ROLE_ID = 'dc50a0fb-09a3-484d-be87-e023b12c6440'
APP_SELECT = 'id,appId,displayName,requiredResourceAccess,keyCredentials,passwordCredentials,web,signInAudience,identifierUris'
SINGLE_TENANT = 'AzureADMyOrg'
MULTI_TENANT = 'AzureADMultipleOrgs'
GENERATED = 'generated'
_KEY_CREDENTIAL_FIELDS = ('keyId', 'type', 'usage', 'key', 'displayName', 'startDateTime', 'endDateTime')


def unique_name(display_name):
    """The ``uniqueName`` of an application this engine creates for ``display_name``: one per name, case-insensitively.

    Graph keeps ``uniqueName`` unique, so two runs creating the same application at once create one.
    """
    return 'mailops-exchange-' + hashlib.sha256(display_name.lower().encode('utf-8')).hexdigest()[:40]


def current_audience(app):
    """The application's ``signInAudience``, single tenant (Graph's default) when it shows none."""
    return (app or {}).get('signInAudience') or SINGLE_TENANT


def audience_refused(app, wanted, message):
    """The failure message when Graph refuses ``sign_in_audience: wanted`` for existing application ``app``."""
    uris = (app or {}).get('identifierUris') or []
    hint = ''
    if wanted == MULTI_TENANT:
        hint = (" A multi-tenant application's identifierUris (now %s) must each carry its app id, the tenant id or a "
                "verified domain of the tenant (api://%s, api://<tenant id>/<name>, https://<verified domain>/<path>): "
                "change or remove the others, then run again." % (', '.join(uris) or 'none', app['appId']))
    return ("sign_in_audience: Microsoft Graph refused '%s' for application '%s' (app id %s): %s.%s The application "
            "was not changed." % (wanted, app['displayName'], app['appId'], message.rstrip('.'), hint))


def has_exchange_permission(app):
    """Whether ``app`` requests Exchange.ManageAsApp in its ``requiredResourceAccess``."""
    return any(entry.get('resourceAppId') == EXCHANGE_APP_ID
               and any(a.get('id') == MANAGE_AS_APP_ROLE_ID for a in entry.get('resourceAccess') or ())
               for entry in (app or {}).get('requiredResourceAccess') or ())


def required_resource_access(current, wanted):
    """``requiredResourceAccess`` with the Exchange.ManageAsApp request added or removed, others untouched."""
    out = []
    for entry in current or ():
        access = [a for a in entry.get('resourceAccess') or ()
                  if not (entry.get('resourceAppId') == EXCHANGE_APP_ID and a.get('id') == MANAGE_AS_APP_ROLE_ID)]
        if entry.get('resourceAppId') == EXCHANGE_APP_ID and wanted:
            access.append({'id': MANAGE_AS_APP_ROLE_ID, 'type': 'Role'})
            wanted = False
        if access:
            out.append({'resourceAppId': entry['resourceAppId'], 'resourceAccess': access})
    if wanted:
        out.append({'resourceAppId': EXCHANGE_APP_ID, 'resourceAccess': [{'id': MANAGE_AS_APP_ROLE_ID, 'type': 'Role'}]})
    return out


class GeneratedCertificate(object):
    """The ``generate_certificate`` files: reused while valid, else a new key and certificate."""

    def __init__(self, exo, options, default_subject, now):
        self.pem_path, self.pfx_path = creds.generated_paths(options['path'])
        directory = os.path.dirname(self.pem_path) or '.'
        if not os.path.isdir(directory):
            exo.fail("generate_certificate.path: the directory '%s' does not exist; nothing was changed" % directory)
        for name, minimum in (('valid_days', 1), ('renew_days', 0)):
            if options[name] < minimum:
                exo.fail('generate_certificate.%s must be >= %d, got %d' % (name, minimum, options[name]))
        self.password = options['pfx_password']
        try:
            existing = creds.read_pem(self.pem_path)
        except ValueError as err:
            exo.fail('generate_certificate.path: %s; move it away or choose another path; nothing was changed' % err)
        renew_before = now + datetime.timedelta(days=options['renew_days'])
        self.previous = creds.certificate_info(existing[1]) if existing else None
        if self.previous and self.previous.not_after > renew_before:
            self.key, self.certificate = existing
            self.new = False
        else:
            self.key, self.certificate = creds.generate_certificate(
                options['subject'] or default_subject, options['valid_days'], options['key_size'], now)
            self.new = True
        self.info = creds.certificate_info(self.certificate)
        self.write_pfx = self.new or not creds.pfx_holds(self.pfx_path, self.certificate, self.password)

    @property
    def changed(self):
        """Whether a file is (re)written."""
        return self.new or self.write_pfx

    def write(self):
        """Write the files that need it (mode 0600, atomically)."""
        if self.new:
            creds.write_pem(self.pem_path, self.key, self.certificate)
        if self.write_pfx:
            creds.write_pfx(self.pfx_path, self.key, self.certificate, self.password, self.info.subject)

    def result(self, check_mode):
        """The ``generated_certificate`` return value."""
        unknown = check_mode and self.new
        return {'pem_path': self.pem_path, 'pfx_path': self.pfx_path,
                'thumbprint': GENERATED if unknown else self.info.thumbprint,
                'not_after': None if unknown else creds.graph_timestamp(self.info.not_after)}


class Registration(object):
    """What Graph holds of one application registration, and the calls that change it."""

    def __init__(self, exo, now):
        self.exo = exo
        self.graph = exo.graph
        self.params = exo.params
        self.now = now
        self.app = None
        self.sp = None
        self.exchange_sp = None
        self.consents = []
        self.assignments = []
        self.grants = []
        self.owners = {}
        self.roles = {}
        self.role_assignment_ids = {}

    # -- read --------------------------------------------------------------------------------

    def find_application(self):
        """Step: the application by ``app_id``, else by ``display_name`` (more than one match fails)."""
        params = self.params
        if params['app_id']:
            self.app = self.graph.get('applications(appId=%s)' % odata_quote(params['app_id']),
                                      {'$select': APP_SELECT})
            if self.app is None and params['state'] == 'present':
                self.exo.fail("app_id: '%s' was not found; an application cannot be created with a chosen id - omit "
                              "app_id to create one named by display_name; nothing was changed" % params['app_id'])
            return
        rows = self.graph.list('applications', {'$filter': 'displayName eq %s' % odata_quote(params['display_name']),
                                                '$select': 'id,appId,displayName'})
        if len(rows) > 1:
            self.exo.fail("display_name: '%s' matches %d applications (app ids %s); give app_id to choose one; "
                          "nothing was changed" % (params['display_name'], len(rows),
                                                   ', '.join(sorted(r['appId'] for r in rows))))
        if rows:
            self.app = self.graph.get('applications/%s' % rows[0]['id'], {'$select': APP_SELECT})

    def read_access(self, need_exchange):
        """Step: the service principal, its Exchange.ManageAsApp consent and its tenant-wide directory roles."""
        if self.app:
            self.sp = self.graph.get('servicePrincipals(appId=%s)' % odata_quote(self.app['appId']))
        if need_exchange or self.sp:
            self.exchange_sp = self.graph.get('servicePrincipals(appId=%s)' % odata_quote(EXCHANGE_APP_ID))
        if need_exchange and self.exchange_sp is None:
            self.exo.fail('exchange_permission: the tenant has no Office 365 Exchange Online service principal '
                          '(appId %s); Exchange Online must be part of the subscription' % EXCHANGE_APP_ID)
        if not self.sp:
            return
        self.assignments = self.graph.list('servicePrincipals/%s/appRoleAssignments' % self.sp['id'])
        if self.exchange_sp:
            self.consents = [a['id'] for a in self.assignments if a.get('resourceId') == self.exchange_sp['id']
                             and a.get('appRoleId') == MANAGE_AS_APP_ROLE_ID]
        for assignment in self.graph.list('roleManagement/directory/roleAssignments',
                                          {'$filter': 'principalId eq %s' % odata_quote(self.sp['id'])}):
            if assignment.get('directoryScopeId', '/') != '/':
                continue
            template = assignment['roleDefinitionId'].lower()
            self.roles[template] = role_name(template)
            self.role_assignment_ids.setdefault(template, []).append(assignment['id'])

    def current_certificates(self):
        """thumbprint -> (keyCredential, end of validity) of the application's certificates."""
        current = {}
        for entry in (self.app or {}).get('keyCredentials') or ():
            thumbprint = creds.key_credential_thumbprint(entry)
            if thumbprint:
                current[thumbprint] = (entry, creds.parse_graph_timestamp(entry['endDateTime']))
        return current

    def current_secrets(self):
        """The application's unexpired password credentials."""
        return [c for c in (self.app or {}).get('passwordCredentials') or ()
                if c.get('endDateTime') and creds.parse_graph_timestamp(c['endDateTime']) > self.now]

    def state_view(self, roles, thumbprints, exchange_permission):
        """The ``diff`` side of this registration."""
        if self.app is None:
            return {'state': 'absent'}
        return {'state': 'present', 'display_name': self.app['displayName'], 'service_principal': self.sp is not None,
                'exchange_permission': exchange_permission, 'directory_roles': sorted_values(roles),
                'certificate_thumbprints': thumbprints,
                'client_secrets': sorted(c.get('displayName') or c.get('keyId') for c in self.current_secrets())}

    def read_settings(self):
        """Step: the permissions of ``api_permissions`` (resolved) with the consent held, and the owners of
        ``owners`` (resolved) with the current ones; None for an option not given."""
        params = self.params
        self.resources = perms.Resources(self.graph)
        wanted = wanted_owners = None
        # What a 403 names: these options need permissions beyond the three of every registration.
        extra = (('User.Read.All',) if params['owners'] else ()) + (
            ('DelegatedPermissionGrant.ReadWrite.All',) if any(e['type'] == 'delegated' for e in params['api_permissions'] or ())
            else ())
        if extra and hasattr(self.graph, 'permissions'):
            self.graph.permissions = tuple(self.graph.permissions) + extra
        if params['api_permissions'] is not None:
            wanted = perms.resolve(self.resources, params['api_permissions'])
            if self.sp:
                self.grants = [g for g in self.graph.list('oauth2PermissionGrants', {
                    '$filter': 'clientId eq %s' % odata_quote(self.sp['id'])}) if g.get('consentType') == 'AllPrincipals']
        if params['owners'] is not None:
            wanted_owners = owners.resolve_owners(self.graph, params['owners'])
            self.owners = owners.read_owners(self.graph, self.app)
        return wanted, wanted_owners

    # -- apply -------------------------------------------------------------------------------

    def consent(self, principal, call, sp_created):
        """``call()`` granting consent to ``principal``: waits out replication (see ``grant_consent``)."""
        exo = self.exo

        def report(attempts, waited):
            exo.warn('Microsoft Graph refused the admin consent for %s %d times as "Not a valid reference '
                     'update." while Entra ID replicated it; it was granted after waiting %.0f s '
                     '(replication_timeout: %s s)' % (principal, attempts, waited, self.params['replication_timeout']))

        self.graph.while_reference_replicates(principal, lambda: self.while_new(principal, lambda: self.tolerate_existing(
            call), sp_created), self.params['replication_timeout'], self.params['retry_delay'], report)

    def while_new(self, what, call, replicating):
        """``call()``, retried while an object created in this run is not replicated yet."""
        return self.graph.while_replicating(what, call, replicating)

    def tolerate_existing(self, call):
        """``call()``; an answer that it exists already is the goal reached."""
        # A concurrent run (or a repeated request) may have granted it already.
        try:
            call()
        except ExchangeError as err:
            if err.kind != ALREADY_EXISTS:
                raise


class PresentPlan(object):
    """What ``state: present`` changes: the application's patch and every grant, role, certificate and secret."""

    def __init__(self, reg, generated, check_mode):
        params = reg.params
        self.app = reg.app
        self.create = reg.app is None
        self.name = params['display_name'] or reg.app['displayName']
        self.generated = generated
        self.check_mode = check_mode
        self.patch = {}
        self.certificates = None
        self.after_thumbprints = sorted(reg.current_certificates())
        self.secret = params['secret'] or {}
        self.secrets = None
        if self.secret.get('create') or self.secret.get('state') == 'absent':
            secret = self.secret
            self.secrets = creds.plan_secrets((reg.app or {}).get('passwordCredentials'), secret['description'],
                                              secret['state'] == 'present', secret['renew_days'], secret['overlap_days'],
                                              reg.now)
        self.secret_wanted = bool(self.secrets and self.secrets.add)
        self.api = self.consent = None
        self.api_after = []
        self.owners_wanted = None
        self.owners_add = self.owners_remove = ()
        self.sp_create = reg.sp is None
        self.consent_grant = params['exchange_permission'] and not reg.consents
        self.consent_revoke = [] if params['exchange_permission'] else list(reg.consents)
        self.roles_add = self.roles_remove = {}
        self.changes = {}
        self.pending = no_pending()

    def shown(self, thumbprint):
        """A thumbprint as the result shows it: ``generated`` for a certificate check mode would generate."""
        generated = self.generated
        if self.check_mode and generated and generated.new and thumbprint == generated.info.thumbprint:
            return GENERATED
        return thumbprint

    @property
    def changed(self):
        """Whether anything changes: a property in ``changes``, or a property of the application sent."""
        return bool(self.changes) or not self.create and bool(self.patch)

    def change(self, name, before, after):
        """Report the value of ``name`` going from ``before`` to ``after``."""
        self.changes[name] = {'before': before, 'after': after}

    def change_set(self, name, added, removed):
        """Report a set's ``added`` and ``removed`` members, when there are any."""
        if added or removed:
            self.changes[name] = {'added': list(added), 'removed': list(removed)}


def no_pending():
    """The ``pending_removal`` result of a run that keeps no unwanted credential."""
    return {'certificates': {'thumbprints': [], 'retire_at': None}, 'client_secrets': {'key_ids': [], 'retire_at': None}}


# -- validate ------------------------------------------------------------------------------------

def validate(exo):
    """Step: check every option before the first request; thumbprint -> ``CertificateInfo`` of ``certificates``."""
    params = exo.params
    for option in ('display_name', 'app_id'):
        if params[option] is not None and not params[option].strip():
            exo.fail("%s: '%s' is empty" % (option, params[option]))
    if params['app_id'] is not None and not is_guid(params['app_id'].strip()):
        exo.fail("app_id: '%s' is not an application (client) id such as 6a478aab-86d6-41fa-aacb-e93655c27b75; "
                 "nothing was changed" % params['app_id'])
    if params['certificate_overlap_days'] < 0:
        exo.fail('certificate_overlap_days must be >= 0, got %d' % params['certificate_overlap_days'])
    if params['replication_timeout'] < 0:
        exo.fail('replication_timeout must be >= 0, got %d; nothing was changed' % params['replication_timeout'])
    _validate_settings(exo)
    wanted = {}
    for path in params['certificates'] or ():
        try:
            info = creds.load_certificate_file(path)
        except ValueError as err:
            exo.fail("certificates: '%s' %s; nothing was changed" % (path, err))
        wanted[info.thumbprint] = info
    return wanted


def _validate_settings(exo):
    """The checks of ``secret``, ``redirect_uris`` and ``expiry_warning_days``."""
    params = exo.params
    secret = params['secret']
    if secret:
        for name, minimum in (('valid_days', 1), ('renew_days', 0), ('overlap_days', 0)):
            if secret[name] is not None and secret[name] < minimum:
                exo.fail('secret.%s must be >= %d, got %d; nothing was changed' % (name, minimum, secret[name]))
        if secret['create'] and secret['renew_days'] is not None and secret['renew_days'] >= secret['valid_days']:
            exo.fail('secret.renew_days (%d) must be less than secret.valid_days (%d), or every run would add a '
                     'secret; nothing was changed' % (secret['renew_days'], secret['valid_days']))
        if secret['create'] and secret['state'] == 'absent':
            exo.fail("secret.create: true contradicts secret.state: absent; nothing was changed")
    if params['expiry_warning_days'] < 0:
        exo.fail('expiry_warning_days must be >= 0, got %d; nothing was changed' % params['expiry_warning_days'])
    for uri in params['redirect_uris'] or ():
        lowered = (uri or '').lower()
        if not (lowered.startswith('https://') and len(lowered) > 8 or lowered.startswith('http://localhost')) \
                or any(c.isspace() for c in uri):
            exo.fail("redirect_uris: '%s' is not an https URI (http is allowed only for http://localhost); "
                     "nothing was changed" % uri)


# -- the run -------------------------------------------------------------------------------------

def converge(exo):
    """Run the engine for exo_app_registration's options; the module's result."""
    params = exo.params
    now = datetime.datetime.now(datetime.timezone.utc)
    wanted = validate(exo)
    present = params['state'] == 'present'
    desired_roles = resolve_roles('directory_roles', params['directory_roles']) if present else {}
    generated = None
    if present and params['generate_certificate']:
        generated = GeneratedCertificate(exo, params['generate_certificate'],
                                         params['display_name'] or params['app_id'], now)
        wanted[generated.info.thumbprint] = generated.info

    reg = Registration(exo, now)
    reg.find_application()
    reg.read_access(present and params['exchange_permission'])
    before = reg.state_view(reg.roles, sorted(reg.current_certificates()),
                            has_exchange_permission(reg.app) and bool(reg.consents))
    if present:
        plan = plan_present(exo, reg, wanted, desired_roles, generated)
        _plan_settings(exo, reg, plan, before)
        result = {'expiring_credentials': warn_expiring(exo, reg, plan)}
        result.update(apply_present(exo, reg, plan) if not exo.check_mode else _identities(reg))
        result.update(present_result(exo, reg, plan))
    else:
        result = converge_absent(exo, reg)
    result['tenant_id'] = exo.graph.tenant_id
    result['organization'] = params['organization'] or result['tenant_id']
    return exo.with_diff(result, before, result.pop('_after'))


def converge_absent(exo, reg):
    """Step for ``state: absent``: delete the application (its service principal and grants go with it)."""
    changes = {}
    app = reg.app
    if app is not None:
        changes['state'] = {'before': 'present', 'after': 'absent'}
        if not exo.check_mode:
            exo.graph.delete('applications/%s' % app['id'])
    return {'changed': app is not None, 'changes': changes,
            'app_id': app and app['appId'], 'object_id': app and app['id'],
            'service_principal_id': reg.sp and reg.sp['id'], 'display_name': app and app['displayName'],
            'exchange_permission': False, 'directory_roles': [], 'certificate_thumbprints': [],
            '_after': {'state': 'absent'}}


# -- plan ----------------------------------------------------------------------------------------

def plan_present(exo, reg, wanted, desired_roles, generated):
    """Step: plan ``state: present`` from what was read; nothing is sent."""
    params = exo.params
    plan = PresentPlan(reg, generated, exo.check_mode)
    app, wanted_exchange = reg.app, params['exchange_permission']
    if plan.create:
        plan.change('state', 'absent', 'present')
    elif app['displayName'] != plan.name:
        plan.patch['displayName'] = plan.name
        plan.change('display_name', app['displayName'], plan.name)
    if has_exchange_permission(app) != wanted_exchange:
        plan.patch['requiredResourceAccess'] = required_resource_access((app or {}).get('requiredResourceAccess'),
                                                                        wanted_exchange)
    if 'requiredResourceAccess' in plan.patch or plan.consent_grant or plan.consent_revoke:
        # Requested and consented is the permission held; anything short of the wanted state is its opposite.
        plan.change('exchange_permission', not wanted_exchange, wanted_exchange)
    if params['certificates'] is not None or generated is not None:
        _plan_certificates(exo, reg, plan, wanted)
    if generated and generated.changed:
        plan.change('certificate_files', generated.previous and generated.previous.thumbprint,
                    plan.shown(generated.info.thumbprint))
    plan.roles_add, plan.roles_remove = plan_set(reg.roles, desired_roles, 'present', params['exclusive_roles'])
    plan.change_set('directory_roles', sorted_values(plan.roles_add), sorted_values(plan.roles_remove))
    if plan.sp_create:
        plan.change('service_principal', False, True)
    return plan


def _plan_settings(exo, reg, plan, before):
    """Step: plan ``api_permissions``, ``redirect_uris`` and ``owners`` (each when given) and the secrets' changes;
    their current values join the diff's ``before``."""
    params = exo.params
    app = reg.app
    plan.api, plan.owners_wanted = reg.read_settings()
    if plan.api is not None:
        exchange_id = reg.exchange_sp and reg.exchange_sp['id']
        desired = perms.resource_access(plan.api, params['exchange_permission'])
        if perms.requested({'requiredResourceAccess': desired}) != perms.requested(app) \
                or has_exchange_permission(app) != params['exchange_permission']:
            plan.patch['requiredResourceAccess'] = desired
        plan.consent = perms.plan_consent(plan.api, reg.assignments, reg.grants, exchange_id)
        held = perms.held_labels(reg.resources, app, reg.assignments, reg.grants, exchange_id)
        after = set(perms.label(p) for p in plan.api)
        plan.change_set('api_permissions', sorted(perms.label(p) for p in plan.api
                                                  if not perms.fully_held(p, app, reg.assignments, reg.grants)),
                        sorted(held - after))
        before['api_permissions'], plan.api_after = sorted(held), sorted(after)
    if params['redirect_uris'] is not None:
        current = ((app or {}).get('web') or {}).get('redirectUris') or []
        wanted = list(dict.fromkeys(params['redirect_uris']))
        if set(current) != set(wanted):
            plan.patch['web'] = {'redirectUris': wanted}
        plan.change_set('redirect_uris', sorted(set(wanted) - set(current)), sorted(set(current) - set(wanted)))
        before['redirect_uris'] = sorted(current)
    if plan.owners_wanted is not None:
        plan.owners_add, plan.owners_remove = owners.plan_owners(reg.owners, plan.owners_wanted)
        plan.change_set('owners', sorted(plan.owners_wanted[i] for i in plan.owners_add),
                        sorted(reg.owners[i] for i in plan.owners_remove))
        before['owners'] = sorted(reg.owners.values())
    _plan_audience(exo, reg, plan, before)
    if plan.secrets:
        plan.change_set('client_secrets', [plan.secret['description']] if plan.secrets.add else [], plan.secrets.remove)
        plan.pending['client_secrets'] = {'key_ids': plan.secrets.pending, 'retire_at': _timestamp(plan.secrets.retire_at)}


def _plan_audience(exo, reg, plan, before):
    """Step: plan ``sign_in_audience`` when given; the current audience joins the diff's ``before``."""
    wanted = exo.params['sign_in_audience']
    if wanted is None:
        return
    current = None if plan.create else current_audience(reg.app)
    if current != wanted:
        plan.patch['signInAudience'] = wanted
        plan.change('sign_in_audience', current, wanted)
    if current == MULTI_TENANT and wanted != MULTI_TENANT:
        exo.warn("application '%s' (app id %s) becomes single-tenant: the customer tenants that consented to it keep "
                 "its service principal, but it can no longer sign in to them" % (reg.app['displayName'], reg.app['appId']))
    if not plan.create:
        before['sign_in_audience'] = current


def warn_expiring(exo, reg, plan):
    """Step: warn about every certificate and secret this run keeps that expires within ``expiry_warning_days``."""
    gone = set(plan.certificates.remove if plan.certificates else ()) | set(plan.secrets.remove if plan.secrets else ())
    found = creds.expiring(reg.app, reg.now, exo.params['expiry_warning_days'], gone)
    for credential in found:
        what = ('certificate %s' % credential['thumbprint'] if credential['type'] == 'certificate'
                else "secret '%s' (key id %s)" % (credential['name'], credential['key_id']))
        when = ('expired on %s' % credential['end_date_time'] if credential['days_left'] < 0
                else 'expires on %s, in %d days' % (credential['end_date_time'], credential['days_left']))
        exo.warn("application '%s' (app id %s): the %s %s (expiry_warning_days: %d)"
                 % (reg.app['displayName'], reg.app['appId'], what, when, exo.params['expiry_warning_days']))
    return found


def _timestamp(moment):
    """A moment as Graph writes it, or None."""
    return moment and creds.graph_timestamp(moment)


def _plan_certificates(exo, reg, plan, wanted):
    """The certificate rotation, and the complete ``keyCredentials`` to send when it changes anything."""
    current = reg.current_certificates()
    certificates = creds.plan_certificates({t: end for t, (unused, end) in current.items()}, wanted,
                                           exo.params['certificate_overlap_days'], reg.now)
    plan.certificates = certificates
    plan.after_thumbprints = sorted(set(current) - set(certificates.remove) | set(certificates.add))
    plan.change_set('certificates', [plan.shown(t) for t in certificates.add], certificates.remove)
    plan.pending['certificates'] = {'thumbprints': certificates.pending, 'retire_at': _timestamp(certificates.retire_at)}
    if not (certificates.add or certificates.remove):
        return
    kept = []
    for thumbprint in sorted(current):
        if thumbprint in certificates.remove:
            continue
        entry = current[thumbprint][0]
        if not entry.get('key'):
            exo.fail('certificates: Microsoft Graph did not return the key of certificate %s, so the '
                     'certificate list cannot be rewritten without losing it; nothing was changed' % thumbprint)
        kept.append(dict((k, entry[k]) for k in _KEY_CREDENTIAL_FIELDS if entry.get(k) is not None))
    plan.patch['keyCredentials'] = kept + [creds.new_key_credential(wanted[t]) for t in certificates.add]


# -- apply ---------------------------------------------------------------------------------------

def apply_present(exo, reg, plan):
    """Steps outside check mode, in order; the ids of the application and its service principal."""
    if plan.generated and plan.generated.changed:
        plan.generated.write()
    app = create_application(exo, reg, plan) if plan.create else update_application(exo, plan)
    described = "application '%s' (app id %s)" % (plan.name, app['appId'])
    sp = ensure_service_principal(exo, reg, plan, app, described)
    principal = 'the service principal of %s' % described
    grant_consent(exo, reg, plan, sp, principal)
    assign_roles(exo, reg, plan, sp, principal)
    grant_permissions(exo, reg, plan, sp, principal)
    reg.while_new(described, lambda: owners.apply_owners(exo.graph, app['id'], plan.owners_add, plan.owners_remove),
                  plan.create)
    result = {'app_id': app['appId'], 'object_id': app['id'], 'service_principal_id': sp['id']}
    result.update(add_secret(exo, reg, plan, app, described))
    remove_secrets(exo, plan, app, 'client_secret' in result)
    return result


def create_application(exo, reg, plan):
    """Step: create the application with its Exchange permission request and certificates.

    It is an upsert keyed by ``unique_name``: when two runs create the same application at once (or
    a create is repeated after its answer was lost), Graph creates one, and the run that did not
    create it continues with that one.
    """
    graph = exo.graph
    body = {'displayName': plan.name, 'signInAudience': exo.params['sign_in_audience'] or SINGLE_TENANT,
            'requiredResourceAccess': plan.patch.get('requiredResourceAccess') or required_resource_access(
                [], exo.params['exchange_permission'])}
    if 'web' in plan.patch:
        body['web'] = plan.patch['web']
    if plan.certificates is not None:
        body['keyCredentials'] = plan.patch.get('keyCredentials', [])
    marker = unique_name(plan.name)
    key = 'applications(uniqueName=%s)' % odata_quote(marker)
    holder = graph.get(key, {'$select': APP_SELECT})
    if holder is None:
        try:
            created = graph.upsert(key, body)
        except ExchangeError as err:
            if err.kind != ALREADY_EXISTS:
                raise
            created = None
        if created is not None:
            return created
        # A holder that never shows is a guess (docs/sandbox.md): an application deleted within 30 days.
        holder = reg.while_new("the application with uniqueName '%s' (if it never appears, an application deleted "
                               "in the last 30 days still holds that key: restore it, or delete it permanently from "
                               "the deleted applications)" % marker,
                               lambda: graph.request('GET', key, query={'$select': APP_SELECT}), True)
    elif holder['displayName'].lower() != plan.name.lower():
        exo.fail("display_name: '%s' belongs to application '%s' (app id %s), which this module created under that "
                 "name (uniqueName %s) and which has been renamed since; give app_id %s to manage it, or choose "
                 "another display_name; no application was created"
                 % (plan.name, holder['displayName'], holder['appId'], marker, holder['appId']))
    exo.warn("application '%s' (app id %s) already existed when this run created it - made by another run at "
             "the same time, or by this run's own request whose answer was lost; this run continued with it"
             % (plan.name, holder['appId']))
    plan.changes.pop('state', None)
    return holder


def update_application(exo, plan):
    """Step: send the planned properties of an existing application (nothing when none changes)."""
    if plan.patch:
        try:
            exo.graph.patch('applications/%s' % plan.app['id'], plan.patch)
        except ExchangeError as err:
            # One PATCH carries every property, so a refusal changes none of them.
            if 'signInAudience' not in plan.patch or err.status != 400:
                raise
            exo.fail(audience_refused(plan.app, plan.patch['signInAudience'], err.message))
    return plan.app


def ensure_service_principal(exo, reg, plan, app, described):
    """Step: the application's service principal, created when it has none."""
    if not plan.sp_create:
        return reg.sp
    graph = exo.graph
    try:
        return reg.while_new(described, lambda: graph.post('servicePrincipals', {'appId': app['appId']}), plan.create)
    except ExchangeError as err:
        if err.kind != ALREADY_EXISTS:
            raise
    # Another run creating the same application at once made it first.
    plan.changes.pop('service_principal', None)
    return reg.while_new('the service principal of %s' % described, lambda: graph.request(
        'GET', 'servicePrincipals(appId=%s)' % odata_quote(app['appId'])), True)


def grant_consent(exo, reg, plan, sp, principal):
    """Step: grant or revoke Exchange.ManageAsApp (an app role assignment on Exchange Online's service principal).

    Right after a service principal is created Graph refuses the consent with 400 "Not a valid reference
    update." for a while (``Registration.consent`` waits it out within ``replication_timeout``).
    """
    graph = exo.graph
    resource = reg.exchange_sp
    if plan.consent_grant:
        reg.consent(principal, lambda: graph.post('servicePrincipals/%s/appRoleAssignedTo' % resource['id'], {
            'principalId': sp['id'], 'resourceId': resource['id'], 'appRoleId': MANAGE_AS_APP_ROLE_ID}), plan.sp_create)
    for assignment in plan.consent_revoke:
        graph.delete('servicePrincipals/%s/appRoleAssignedTo/%s' % (resource['id'], assignment))


def assign_roles(exo, reg, plan, sp, principal):
    """Step: add and remove tenant-wide directory role assignments of the service principal."""
    graph = exo.graph
    for template in plan.roles_add:
        reg.while_new(principal, lambda template=template: reg.tolerate_existing(lambda: graph.post(
            'roleManagement/directory/roleAssignments',
            {'principalId': sp['id'], 'roleDefinitionId': template, 'directoryScopeId': '/'})), plan.sp_create)
    for template in plan.roles_remove:
        for assignment in reg.role_assignment_ids.get(template, ()):
            graph.delete('roleManagement/directory/roleAssignments/%s' % assignment)


def grant_permissions(exo, reg, plan, sp, principal):
    """Step: the admin consent of ``api_permissions`` - app role assignments, and one delegated grant per resource."""
    if plan.consent is None:
        return
    graph = exo.graph
    for resource_id, role_id in plan.consent.roles_add:
        reg.consent(principal, lambda resource_id=resource_id, role_id=role_id: graph.post(
            'servicePrincipals/%s/appRoleAssignedTo' % resource_id,
            {'principalId': sp['id'], 'resourceId': resource_id, 'appRoleId': role_id}), plan.sp_create)
    for resource_id, assignment_id in plan.consent.roles_remove:
        graph.delete('servicePrincipals/%s/appRoleAssignedTo/%s' % (resource_id, assignment_id))
    for resource_id, grant_id, values in plan.consent.grants:
        if grant_id is None:
            reg.consent(principal, lambda resource_id=resource_id, values=values: graph.post('oauth2PermissionGrants', {
                'clientId': sp['id'], 'consentType': 'AllPrincipals', 'resourceId': resource_id,
                'scope': ' '.join(values)}), plan.sp_create)
        elif values:
            graph.patch('oauth2PermissionGrants/%s' % grant_id, {'scope': ' '.join(values)})
        else:
            graph.delete('oauth2PermissionGrants/%s' % grant_id)


def remove_secrets(exo, plan, app, created):
    """Step, after the new secret: remove the old secrets whose overlap is over (``removePassword``).

    When this run created a secret a failure here only warns, so that the new secret's text is not lost.
    """
    for key_id in plan.secrets.remove if plan.secrets else ():
        try:
            exo.graph.post('applications/%s/removePassword' % app['id'], {'keyId': key_id})
        except ExchangeError as err:
            if err.kind == NOT_FOUND:
                continue
            if not created:
                raise
            exo.warn('the old secret with key id %s was not removed (%s); the new secret is in client_secret - store '
                     'it; the next run removes the old one' % (key_id, err.message))


def add_secret(exo, reg, plan, app, described):
    """Step, last: add the client secret; its text is in this answer only."""
    if not plan.secret_wanted:
        return {}
    end = reg.now + datetime.timedelta(days=plan.secret['valid_days'])
    credential = reg.while_new(described, lambda: exo.graph.post('applications/%s/addPassword' % app['id'], {
        'passwordCredential': {'displayName': plan.secret['description'],
                               'endDateTime': creds.graph_timestamp(end)}}), plan.create)
    return {'client_secret': credential['secretText'], 'client_secret_key_id': credential['keyId']}


# -- result --------------------------------------------------------------------------------------

def _identities(reg):
    """The ids read, for check mode (null for an application that would be created)."""
    app = reg.app
    return {'app_id': app and app['appId'], 'object_id': app and app['id'],
            'service_principal_id': reg.sp and reg.sp['id']}


def present_result(exo, reg, plan):
    """Step: the result and the diff's ``after`` of ``state: present``, from the plan (synthetic in check mode)."""
    params = exo.params
    roles_after = dict((k, v) for k, v in reg.roles.items() if k not in plan.roles_remove)
    roles_after.update(plan.roles_add)
    thumbprints = sorted(plan.shown(t) for t in plan.after_thumbprints)
    result = {'changed': plan.changed, 'changes': plan.changes, 'pending_removal': plan.pending, 'display_name': plan.name,
              'exchange_permission': params['exchange_permission'], 'directory_roles': sorted_values(roles_after),
              'certificate_thumbprints': thumbprints}
    if plan.generated:
        result['generated_certificate'] = plan.generated.result(exo.check_mode)
    removed = plan.secrets.remove if plan.secrets else ()
    secrets_after = sorted(set([c.get('displayName') or c.get('keyId') for c in reg.current_secrets()
                                if c['keyId'] not in removed]
                               + ([plan.secret['description']] if plan.secret_wanted else [])))
    result['_after'] = {'state': 'present', 'display_name': plan.name, 'service_principal': True,
                        'exchange_permission': params['exchange_permission'],
                        'directory_roles': result['directory_roles'], 'certificate_thumbprints': thumbprints,
                        'client_secrets': secrets_after}
    settings = (('api_permissions', plan.api is not None and plan.api_after),
                ('redirect_uris', params['redirect_uris'] is not None and sorted(set(params['redirect_uris']))),
                ('owners', plan.owners_wanted is not None and sorted(plan.owners_wanted.values())),
                ('sign_in_audience', params['sign_in_audience'] is not None and params['sign_in_audience']))
    for name, value in settings:
        if value is not False:
            result[name] = result['_after'][name] = value
    return result
