#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: exo_app_registration
short_description: Register the Entra ID application that manages Exchange Online, with consent, roles and credentials
version_added: 0.1.0
description:
  - Creates or removes an Entra ID application registration through Microsoft Graph, with everything app-only
    Exchange Online access needs - the C(Exchange.ManageAsApp) application permission with admin consent, a
    service principal, directory roles on it, certificates and optionally a client secret - idempotently.
  - The task authenticates to Microsoft Graph with a bootstrap credential given the usual way (O(client_id) with
    O(client_secret), O(client_certificate_path) or O(access_token)). That application needs the Graph application
    permissions C(Application.ReadWrite.All), C(AppRoleAssignment.ReadWrite.All) and
    C(RoleManagement.ReadWrite.Directory) with admin consent.
  - Every input (role names, certificate files, the generated certificate's directory) is checked, and the
    application is looked up, before the first change.
  - Entra ID makes new applications and service principals visible with a delay. Requests that depend on an
    object created in the same run are retried with bounded backoff (O(retries)); when that is not enough the task
    fails saying so, and running it again continues where it stopped.
author:
  - mailops.exchange developers (@mailops)
extends_documentation_fragment:
  - mailops.exchange.exchange_online
  - mailops.exchange.exchange_online.attributes
options:
  display_name:
    description:
      - The application's display name. Used to find the application when O(app_id) is not given, and to name a new one.
      - Display names are not unique in Entra ID. When more than one application has this name and O(app_id) is not
        given, the task fails instead of guessing or creating another one.
      - With O(app_id), the application is renamed to this name.
    type: str
  app_id:
    description:
      - The application (client) id of an existing application, to pin it regardless of its display name.
      - An application cannot be created with a chosen id; with O(state=present) an unknown O(app_id) fails.
    type: str
  state:
    description:
      - V(present) creates or updates the application; V(absent) deletes it, and with it its service principal,
        its admin consent and its role assignments.
    type: str
    choices: [present, absent]
    default: present
  exchange_permission:
    description:
      - Whether the application holds the C(Exchange.ManageAsApp) application permission of Office 365 Exchange
        Online, both requested (C(requiredResourceAccess)) and granted with admin consent (an app role assignment
        on its service principal).
      - V(false) revokes the consent and removes the request.
    type: bool
    default: true
  directory_roles:
    description:
      - Directory roles assigned to the application's service principal, tenant-wide, by name or template id.
      - Known names are C(Exchange Administrator), C(Exchange Recipient Administrator), C(Directory Writers),
        C(User Administrator), C(Global Administrator), C(Global Reader), C(Security Reader),
        C(Security Administrator) and C(Compliance Administrator); any other role by its template id.
      - Roles not listed are left alone unless O(exclusive_roles=true).
    type: list
    elements: str
    default: [Exchange Administrator]
  exclusive_roles:
    description:
      - Also remove every tenant-wide directory role of the service principal that O(directory_roles) does not list.
    type: bool
    default: false
  certificates:
    description:
      - Certificate files (PEM or DER; a private key in the same PEM file is ignored and never uploaded) whose
        public certificates the application authenticates with.
      - When this or O(generate_certificate) is given, these certificates are the application's complete set - other
        certificates are removed after O(certificate_overlap_days). When neither is given, certificates are not managed.
    type: list
    elements: path
  generate_certificate:
    description:
      - Create a key pair and a self-signed certificate, write them to C(<path>.pem) (unencrypted private key followed
        by the certificate, usable as O(client_certificate_path) of every module of this collection) and
        C(<path>.pfx) (PKCS#12), both with mode 0600, and upload the certificate.
      - Idempotent - existing files are reused while their certificate stays valid for more than O(generate_certificate.renew_days);
        then a new key and certificate replace them, and the old certificate stays on the application for
        O(certificate_overlap_days) so that every place that still uses it keeps working.
    type: dict
    suboptions:
      path:
        description:
          - Path of the files without extension; its directory must exist.
        type: path
        required: true
      subject:
        description:
          - Subject of the certificate, C(CN=...,O=...) or a plain common name.
          - Defaults to the common name O(display_name).
        type: str
      valid_days:
        description: Validity of a new certificate in days.
        type: int
        default: 365
      renew_days:
        description: Replace the certificate when it expires within this many days.
        type: int
        default: 30
      key_size:
        description: RSA key size in bits.
        type: int
        default: 2048
        choices: [2048, 3072, 4096]
      pfx_password:
        description:
          - Password of the PFX file. Without it the PFX is written unencrypted (it is still mode 0600).
          - Changing it rewrites the PFX file.
        type: str
  certificate_overlap_days:
    description:
      - How long certificates that are no longer wanted stay on the application - counted from the start of
        validity (C(notBefore), shown as C(startDateTime)) of the newest wanted certificate. Expired certificates are
        removed at once.
      - V(0) removes them on the run that adds their successor.
    type: int
    default: 7
  secret:
    description:
      - A client secret (password credential) of the application.
      - Named C(secret) because O(client_secret) is the bootstrap credential of this task.
    type: dict
    suboptions:
      create:
        description:
          - Create a secret with description O(secret.description) unless the application has an unexpired one
            with that description.
          - The secret's text is returned once, in RV(client_secret), on the run that creates it, and never again.
        type: bool
        default: false
      description:
        description: The secret's description (C(displayName)), which identifies it on later runs.
        type: str
        default: mailops.exchange
      valid_days:
        description: Validity of a new secret in days.
        type: int
        default: 180
notes:
  - The result of a run that creates a secret is marked C(no_log) by the module's action plugin, so callbacks and
    C(-vvvv) output hide it; the registered variable still holds RV(client_secret). Store it straight away (for
    example in a vault) from a task with C(no_log=true).
  - New credentials can take a few minutes to work for Exchange Online in a real tenant; retry the first task that
    uses them (see C(playbooks/bootstrap_app.yml)).
  - The directory roles that the bootstrap credential itself needs are described in
    R(the app registration guide,ansible_collections.mailops.exchange.docsite.app_registration).
seealso:
  - module: mailops.exchange.exo_mailbox_permission
  - name: App-only authentication in Exchange Online PowerShell
    description: Microsoft's manual steps that this module automates.
    link: https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2
"""

EXAMPLES = r"""
- name: Register the synchronization app with a generated certificate
  mailops.exchange.exo_app_registration:
    display_name: Identity sync - Exchange Online
    generate_certificate:
      path: /etc/mailops/sync-app
      pfx_password: "{{ vault_pfx_password }}"
  register: sync_app

- name: Manage a mailbox with the new app
  mailops.exchange.exo_mailbox_permission:
    tenant_id: "{{ sync_app.tenant_id }}"
    client_id: "{{ sync_app.app_id }}"
    client_certificate_path: "{{ sync_app.generated_certificate.pem_path }}"
    organization: "{{ sync_app.organization }}"
    mailbox: sales@contoso.com
    full_access: [alice@contoso.com]

- name: Only recipient administration, exactly, and an uploaded certificate
  mailops.exchange.exo_app_registration:
    app_id: 6a478aab-86d6-41fa-aacb-e93655c27b75
    display_name: Identity sync - Exchange Online
    directory_roles: [Exchange Recipient Administrator]
    exclusive_roles: true
    certificates: [/etc/pki/sync-2025.cer]
    certificate_overlap_days: 14

- name: Create a client secret for a connector that cannot use certificates
  mailops.exchange.exo_app_registration:
    display_name: Identity sync - Exchange Online
    secret:
      create: true
      description: HelloID connector
      valid_days: 90
  register: with_secret
  no_log: true

- name: Remove the application with its consent and roles
  mailops.exchange.exo_app_registration:
    display_name: Identity sync - Exchange Online
    state: absent
"""

RETURN = r"""
app_id:
  description: The application (client) id. Null in check mode when the application would be created.
  returned: always
  type: str
  sample: 6a478aab-86d6-41fa-aacb-e93655c27b75
object_id:
  description: The application object's id. Null in check mode when the application would be created.
  returned: always
  type: str
service_principal_id:
  description: The object id of the application's service principal.
  returned: always
  type: str
display_name:
  description: The application's display name.
  returned: always
  type: str
tenant_id:
  description: The tenant id (GUID), from the Microsoft Graph token.
  returned: always
  type: str
organization:
  description: O(organization) if given, else the tenant id - what the Exchange Online modules take as O(organization).
  returned: always
  type: str
exchange_permission:
  description: Whether the application holds C(Exchange.ManageAsApp) with admin consent after the task.
  returned: always
  type: bool
directory_roles:
  description: Names (or template ids) of the tenant-wide directory roles of the service principal after the task, sorted.
  returned: always
  type: list
  elements: str
  sample: [Exchange Administrator]
certificate_thumbprints:
  description:
    - SHA-1 thumbprints (upper-case hex) of the application's certificates after the task, sorted.
    - In check mode a certificate that would be generated shows as C(generated).
  returned: always
  type: list
  elements: str
generated_certificate:
  description: The files of O(generate_certificate) and their certificate.
  returned: when O(generate_certificate) is given
  type: dict
  contains:
    pem_path:
      description: The PEM file (key and certificate).
      type: str
    pfx_path:
      description: The PFX file.
      type: str
    thumbprint:
      description: The certificate's thumbprint (C(generated) in check mode for a new one).
      type: str
    not_after:
      description: End of the certificate's validity (UTC, ISO 8601); null in check mode for a new one.
      type: str
client_secret:
  description:
    - The text of the secret created by this run. Returned only by the run that creates it, never again.
    - The action plugin marks such a result C(no_log), so it does not appear in output or logs.
  returned: when a secret was created (not in check mode)
  type: str
client_secret_key_id:
  description: The key id of the secret created by this run.
  returned: when a secret was created (not in check mode)
  type: str
changes:
  description: What the task changed (or in check mode would change).
  returned: always
  type: dict
  contains:
    application:
      description: V(created), V(updated), V(deleted) or null.
      type: str
    service_principal:
      description: V(created) or null.
      type: str
    exchange_permission:
      description: V(granted), V(revoked) or null.
      type: str
    directory_roles:
      description: Roles C(added) and C(removed).
      type: dict
    certificates:
      description: Thumbprints C(added), C(removed), and C(pending) removal after the overlap (with C(retire_at)).
      type: dict
    certificate_files:
      description: V(written) when the generated certificate's files were written, else null.
      type: str
    client_secret:
      description: V(created) or null.
      type: str
  sample:
    application: created
    service_principal: created
    exchange_permission: granted
    directory_roles: {added: [Exchange Administrator], removed: []}
    certificates: {added: [0F1E2D3C4B5A69788796A5B4C3D2E1F001234567], removed: [], pending: [], retire_at: null}
    certificate_files: written
    client_secret: null
"""

import datetime
import os

from ansible_collections.mailops.exchange.plugins.module_utils import app_credentials as creds
from ansible_collections.mailops.exchange.plugins.module_utils.entra_roles import is_guid, resolve_roles, role_name
from ansible_collections.mailops.exchange.plugins.module_utils.errors import ExchangeError, ALREADY_EXISTS
from ansible_collections.mailops.exchange.plugins.module_utils.graph_client import odata_quote
from ansible_collections.mailops.exchange.plugins.module_utils.module import ExoModule
from ansible_collections.mailops.exchange.plugins.module_utils.reconcile import build_diff, plan_set, sorted_values

EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000'
MANAGE_AS_APP_ROLE_ID = 'dc50a0fb-09a3-484d-be87-e023b12c6440'
APP_SELECT = 'id,appId,displayName,requiredResourceAccess,keyCredentials,passwordCredentials'
GENERATED = 'generated'


def _has_exchange_permission(app):
    return any(entry.get('resourceAppId') == EXCHANGE_APP_ID
               and any(a.get('id') == MANAGE_AS_APP_ROLE_ID for a in entry.get('resourceAccess') or ())
               for entry in (app or {}).get('requiredResourceAccess') or ())


def _required_resource_access(current, wanted):
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
        if existing and creds.certificate_info(existing[1]).not_after > renew_before:
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
        return self.new or self.write_pfx

    def write(self):
        if self.new:
            creds.write_pem(self.pem_path, self.key, self.certificate)
        if self.write_pfx:
            creds.write_pfx(self.pfx_path, self.key, self.certificate, self.password, self.info.subject)

    def result(self, check_mode):
        unknown = check_mode and self.new
        return {'pem_path': self.pem_path, 'pfx_path': self.pfx_path,
                'thumbprint': GENERATED if unknown else self.info.thumbprint,
                'not_after': None if unknown else creds.graph_timestamp(self.info.not_after)}


class Registration(object):
    """Reads, plans and applies one application registration."""

    def __init__(self, exo, now):
        self.exo = exo
        self.graph = exo.graph
        self.params = exo.params
        self.now = now
        self.app = None
        self.sp = None
        self.exchange_sp = None
        self.consents = []
        self.roles = {}
        self.role_assignment_ids = {}

    # -- read --------------------------------------------------------------------------------

    def find_application(self):
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
        if self.app:
            self.sp = self.graph.get('servicePrincipals(appId=%s)' % odata_quote(self.app['appId']))
        if need_exchange or self.sp:
            self.exchange_sp = self.graph.get('servicePrincipals(appId=%s)' % odata_quote(EXCHANGE_APP_ID))
        if need_exchange and self.exchange_sp is None:
            self.exo.fail('exchange_permission: the tenant has no Office 365 Exchange Online service principal '
                          '(appId %s); Exchange Online must be part of the subscription' % EXCHANGE_APP_ID)
        if not self.sp:
            return
        if self.exchange_sp:
            self.consents = [a['id'] for a in self.graph.list('servicePrincipals/%s/appRoleAssignments' % self.sp['id'])
                             if a.get('resourceId') == self.exchange_sp['id']
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
        return [c for c in (self.app or {}).get('passwordCredentials') or ()
                if c.get('endDateTime') and creds.parse_graph_timestamp(c['endDateTime']) > self.now]

    # -- apply -------------------------------------------------------------------------------

    def while_new(self, what, call, replicating):
        return self.graph.while_replicating(what, call, replicating)

    def tolerate_existing(self, call):
        # A concurrent run (or a repeated request) may have granted it already: that is the goal.
        try:
            call()
        except ExchangeError as err:
            if err.kind != ALREADY_EXISTS:
                raise


def _validate(exo):
    params = exo.params
    for option in ('display_name', 'app_id'):
        if params[option] is not None and not params[option].strip():
            exo.fail("%s: '%s' is empty" % (option, params[option]))
    if params['app_id'] is not None and not is_guid(params['app_id'].strip()):
        exo.fail("app_id: '%s' is not an application (client) id such as 6a478aab-86d6-41fa-aacb-e93655c27b75; "
                 "nothing was changed" % params['app_id'])
    if params['certificate_overlap_days'] < 0:
        exo.fail('certificate_overlap_days must be >= 0, got %d' % params['certificate_overlap_days'])
    if params['secret'] and params['secret']['valid_days'] < 1:
        exo.fail('secret.valid_days must be >= 1, got %d' % params['secret']['valid_days'])
    wanted = {}
    for path in params['certificates'] or ():
        try:
            info = creds.load_certificate_file(path)
        except ValueError as err:
            exo.fail("certificates: '%s' %s; nothing was changed" % (path, err))
        wanted[info.thumbprint] = info
    return wanted


def converge(exo):
    params = exo.params
    now = datetime.datetime.now(datetime.timezone.utc)
    wanted = _validate(exo)
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
    before = _state_view(reg, reg.roles, sorted(reg.current_certificates()), _has_exchange_permission(reg.app)
                         and bool(reg.consents))
    if present:
        result = _converge_present(exo, reg, wanted, desired_roles, generated)
    else:
        result = _converge_absent(exo, reg)
    result['tenant_id'] = exo.graph.tenant_id
    result['organization'] = params['organization'] or result['tenant_id']
    if exo.module._diff:
        result['diff'] = build_diff(before, result.pop('_after'))
    else:
        result.pop('_after')
    return result


def _state_view(reg, roles, thumbprints, exchange_permission):
    if reg.app is None:
        return {'state': 'absent'}
    return {'state': 'present', 'display_name': reg.app['displayName'], 'service_principal': reg.sp is not None,
            'exchange_permission': exchange_permission, 'directory_roles': sorted_values(roles),
            'certificate_thumbprints': thumbprints,
            'client_secrets': sorted(c.get('displayName') or c.get('keyId') for c in reg.current_secrets())}


def _no_changes():
    return {'application': None, 'service_principal': None, 'exchange_permission': None,
            'directory_roles': {'added': [], 'removed': []},
            'certificates': {'added': [], 'removed': [], 'pending': [], 'retire_at': None},
            'certificate_files': None, 'client_secret': None}


def _converge_absent(exo, reg):
    changes = _no_changes()
    app = reg.app
    if app is not None:
        changes['application'] = 'deleted'
        if not exo.check_mode:
            exo.graph.delete('applications/%s' % app['id'])
    return {'changed': app is not None, 'changes': changes,
            'app_id': app and app['appId'], 'object_id': app and app['id'],
            'service_principal_id': reg.sp and reg.sp['id'], 'display_name': app and app['displayName'],
            'exchange_permission': False, 'directory_roles': [], 'certificate_thumbprints': [],
            '_after': {'state': 'absent'}}


def _converge_present(exo, reg, wanted, desired_roles, generated):  # pylint: disable=too-many-locals,too-many-branches,too-many-statements
    params = exo.params
    graph = exo.graph
    check = exo.check_mode
    changes = _no_changes()
    app = reg.app
    create = app is None
    name = params['display_name'] or app['displayName']

    current = reg.current_certificates()
    managed_certs = params['certificates'] is not None or generated is not None
    plan = creds.plan_certificates({t: end for t, (unused, end) in current.items()}, wanted if managed_certs else {},
                                   params['certificate_overlap_days'], reg.now) if managed_certs else None

    def shown(thumbprint):
        return GENERATED if check and generated and generated.new and thumbprint == generated.info.thumbprint \
            else thumbprint

    patch = {}
    if not create and app['displayName'] != name:
        patch['displayName'] = name
    has_permission = _has_exchange_permission(app)
    if has_permission != params['exchange_permission']:
        patch['requiredResourceAccess'] = _required_resource_access((app or {}).get('requiredResourceAccess'),
                                                                    params['exchange_permission'])
    after_thumbprints = sorted(current)
    if plan is not None:
        after_thumbprints = sorted(set(current) - set(plan.remove) | set(plan.add))
        changes['certificates'] = {'added': [shown(t) for t in plan.add], 'removed': plan.remove,
                                   'pending': plan.pending,
                                   'retire_at': plan.retire_at and creds.graph_timestamp(plan.retire_at)}
        if plan.add or plan.remove:
            kept = []
            for thumbprint in sorted(current):
                if thumbprint in plan.remove:
                    continue
                entry = current[thumbprint][0]
                if not entry.get('key'):
                    exo.fail('certificates: Microsoft Graph did not return the key of certificate %s, so the '
                             'certificate list cannot be rewritten without losing it; nothing was changed' % thumbprint)
                kept.append(dict((k, entry[k]) for k in ('keyId', 'type', 'usage', 'key', 'displayName',
                                                         'startDateTime', 'endDateTime') if entry.get(k) is not None))
            patch['keyCredentials'] = kept + [creds.new_key_credential(wanted[t]) for t in plan.add]
    if generated and generated.changed:
        changes['certificate_files'] = 'written'

    secret_options = params['secret'] or {}
    secret_wanted = secret_options.get('create') and not any(
        c.get('displayName') == secret_options['description'] for c in reg.current_secrets())
    if secret_wanted:
        changes['client_secret'] = 'created'

    sp_create = reg.sp is None
    consent_grant = params['exchange_permission'] and not reg.consents
    consent_revoke = [] if params['exchange_permission'] else list(reg.consents)
    if consent_grant:
        changes['exchange_permission'] = 'granted'
    elif consent_revoke:
        changes['exchange_permission'] = 'revoked'
    roles_add, roles_remove = plan_set(reg.roles, desired_roles, 'present', params['exclusive_roles'])
    changes['directory_roles'] = {'added': sorted_values(roles_add), 'removed': sorted_values(roles_remove)}
    if create:
        changes['application'] = 'created'
    elif patch:
        changes['application'] = 'updated'
    if sp_create:
        changes['service_principal'] = 'created'

    result = {'app_id': app and app['appId'], 'object_id': app and app['id'],
              'service_principal_id': reg.sp and reg.sp['id'], 'display_name': name}
    if not check:
        if generated and generated.changed:
            generated.write()
        if create:
            body = {'displayName': name, 'signInAudience': 'AzureADMyOrg',
                    'requiredResourceAccess': _required_resource_access([], params['exchange_permission'])}
            if plan is not None:
                body['keyCredentials'] = patch.get('keyCredentials', [])
            app = graph.post('applications', body)
        elif patch:
            graph.patch('applications/%s' % app['id'], patch)
        result.update(app_id=app['appId'], object_id=app['id'])
        described = "application '%s' (app id %s)" % (name, app['appId'])
        sp = reg.sp
        if sp_create:
            sp = reg.while_new(described, lambda: graph.post('servicePrincipals', {'appId': app['appId']}), create)
        result['service_principal_id'] = sp['id']
        principal = 'the service principal of %s' % described
        if consent_grant:
            reg.while_new(principal, lambda: reg.tolerate_existing(lambda: graph.post(
                'servicePrincipals/%s/appRoleAssignedTo' % reg.exchange_sp['id'],
                {'principalId': sp['id'], 'resourceId': reg.exchange_sp['id'], 'appRoleId': MANAGE_AS_APP_ROLE_ID})),
                sp_create)
        for assignment in consent_revoke:
            graph.delete('servicePrincipals/%s/appRoleAssignedTo/%s' % (reg.exchange_sp['id'], assignment))
        for template in roles_add:
            reg.while_new(principal, lambda template=template: reg.tolerate_existing(lambda: graph.post(
                'roleManagement/directory/roleAssignments',
                {'principalId': sp['id'], 'roleDefinitionId': template, 'directoryScopeId': '/'})), sp_create)
        for template in roles_remove:
            for assignment in reg.role_assignment_ids.get(template, ()):
                graph.delete('roleManagement/directory/roleAssignments/%s' % assignment)
        # Last, so that no later failure can lose a secret whose text Graph shows only once.
        if secret_wanted:
            end = reg.now + datetime.timedelta(days=secret_options['valid_days'])
            credential = reg.while_new(described, lambda: graph.post('applications/%s/addPassword' % app['id'], {
                'passwordCredential': {'displayName': secret_options['description'],
                                       'endDateTime': creds.graph_timestamp(end)}}), create)
            result.update(client_secret=credential['secretText'], client_secret_key_id=credential['keyId'])

    roles_after = dict((k, v) for k, v in reg.roles.items() if k not in roles_remove)
    roles_after.update(roles_add)
    thumbprints = sorted(shown(t) for t in after_thumbprints)
    result.update(
        changed=any(v for k, v in changes.items() if k not in ('directory_roles', 'certificates'))
        or bool(roles_add or roles_remove) or bool(plan and (plan.add or plan.remove)),
        changes=changes,
        exchange_permission=params['exchange_permission'],
        directory_roles=sorted_values(roles_after),
        certificate_thumbprints=thumbprints,
    )
    if generated:
        result['generated_certificate'] = generated.result(check)
    secrets_after = sorted(set([c.get('displayName') or c.get('keyId') for c in reg.current_secrets()]
                               + ([secret_options['description']] if secret_wanted else [])))
    result['_after'] = {'state': 'present', 'display_name': name, 'service_principal': True,
                        'exchange_permission': params['exchange_permission'],
                        'directory_roles': result['directory_roles'], 'certificate_thumbprints': thumbprints,
                        'client_secrets': secrets_after}
    return result


def main():
    exo = ExoModule(
        argument_spec=dict(
            display_name=dict(type='str'),
            app_id=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exchange_permission=dict(type='bool', default=True),
            directory_roles=dict(type='list', elements='str', default=['Exchange Administrator']),
            exclusive_roles=dict(type='bool', default=False),
            certificates=dict(type='list', elements='path'),
            generate_certificate=dict(type='dict', options=dict(
                path=dict(type='path', required=True),
                subject=dict(type='str'),
                valid_days=dict(type='int', default=365),
                renew_days=dict(type='int', default=30),
                key_size=dict(type='int', default=2048, choices=[2048, 3072, 4096]),
                pfx_password=dict(type='str', no_log=True),
            )),
            certificate_overlap_days=dict(type='int', default=7),
            secret=dict(type='dict', no_log=False, options=dict(
                create=dict(type='bool', default=False),
                description=dict(type='str', default='mailops.exchange'),
                valid_days=dict(type='int', default=180),
            )),
        ),
        required_one_of=[['display_name', 'app_id']],
    )
    exo.run(converge)


if __name__ == '__main__':
    main()
