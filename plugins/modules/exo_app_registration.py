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
  replication_timeout:
    description:
      - How long, in seconds, the task waits at most for Entra ID to replicate a service principal before the admin
        consent (O(exchange_permission)) can be granted to it.
      - Right after a service principal is created, Microsoft Graph refuses the consent with
        C(400 Not a valid reference update.) for seconds, sometimes for more than five minutes. The task tries again
        after O(retry_delay) seconds, doubling the wait up to 30 seconds, until this budget is spent; a run that
        waited reports how long in a warning. When the budget runs out the task fails saying so, and running it
        again continues where it stopped.
      - Other requests that wait for a new object use O(retries) instead.
    type: int
    default: 600
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
      renew_days:
        description:
          - With O(secret.create=true), add a new secret with the same description when the newest one expires within
            this many days (rotation). Must be less than O(secret.valid_days).
          - Unset, a secret is added only when the application has no unexpired one with that description (no rotation).
        type: int
      overlap_days:
        description:
          - How long older secrets with the same description stay after a newer one starts, so that every
            place still using an old one keeps working while the new one is rolled out; then a run removes them
            (C(removePassword)). Expired ones are removed at once; V(0) removes them on the run that adds their successor.
        type: int
        default: 7
      state:
        description:
          - V(absent) removes every secret with the description O(secret.description) (O(secret.create) must be false).
        type: str
        choices: [present, absent]
        default: present
  api_permissions:
    description:
      - Further API permissions of the application, requested (C(requiredResourceAccess)) and granted with admin
        consent - an application permission as an app role assignment, delegated ones in one delegated permission
        grant per API for all users (C(consentType AllPrincipals)).
      - When given, this is the complete list - other requested or consented permissions are removed, except
        C(Exchange.ManageAsApp), which O(exchange_permission) manages. When not given, they are not managed.
      - Delegated permissions need the bootstrap credential to hold C(DelegatedPermissionGrant.ReadWrite.All).
    type: list
    elements: dict
    suboptions:
      resource:
        description:
          - The API - the display name of its service principal (V(Microsoft Graph), V(Office 365 Exchange Online))
            or its application id (V(00000003-0000-0000-c000-000000000000)).
        type: str
        required: true
      permission:
        description: The permission's value (V(User.Read.All)) or id.
        type: str
        required: true
      type:
        description: V(application) (an app role, C(Role)) or V(delegated) (a scope, C(Scope)).
        type: str
        choices: [application, delegated]
        default: application
  redirect_uris:
    description:
      - The web platform's redirect URIs (C(web.redirectUris)), https (http only for C(http://localhost)).
      - When given, this is the complete list; when not given, they are not managed.
    type: list
    elements: str
  sign_in_audience:
    description:
      - Who can sign in to the application (C(signInAudience)) - V(AzureADMyOrg), its own tenant only (single tenant,
        what a new application gets when this is not given), or V(AzureADMultipleOrgs), any Entra ID tenant whose
        administrator consents to it (multi-tenant, one application for many customer tenants; see
        R(the many tenants guide,ansible_collections.mailops.exchange.docsite.multi_tenant)).
      - Microsoft Graph accepts V(AzureADMultipleOrgs) only when each of the application's identifier URIs
        (C(identifierUris)) carries its app id, the tenant id or a verified domain; otherwise the task fails naming
        them and the application is not changed. Applications this module creates have none.
      - Back to V(AzureADMyOrg), the customer tenants keep the application's service principal but it no longer
        signs in to them; the task warns.
      - Personal Microsoft account audiences are not offered - Exchange Online app-only access needs a work or school
        tenant, and they would require C(api.requestedAccessTokenVersion) 2.
      - When not given, the audience of an existing application is not managed.
    type: str
    choices: [AzureADMyOrg, AzureADMultipleOrgs]
  owners:
    description:
      - The application's owners - users by userPrincipalName or object id, service principals by object id.
      - When given, this is the complete list; when not given, owners are not managed.
    type: list
    elements: str
  expiry_warning_days:
    description:
      - Warn about every certificate and secret of the application that expires within this many days (or has
        expired) and stays after the task, and return them in RV(expiring_credentials).
      - C(playbooks/expiring_credentials.yml) runs this in check mode over several applications.
    type: int
    default: 30
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

- name: Further permissions with admin consent, a redirect URI and owners
  mailops.exchange.exo_app_registration:
    display_name: Identity sync - Exchange Online
    api_permissions:
      - {resource: Microsoft Graph, permission: User.Read.All, type: application}
      - {resource: Microsoft Graph, permission: User.Read, type: delegated}
    redirect_uris: [https://sync.contoso.com/signin]
    owners: [alice@contoso.com]

- name: One multi-tenant app for every customer tenant, consented in each by its administrator
  mailops.exchange.exo_app_registration:
    display_name: Provider - Exchange Online
    sign_in_audience: AzureADMultipleOrgs
    generate_certificate:
      path: /etc/mailops/provider-app

- name: Rotate the connector's secret every 90 days, the old one kept 14 days
  mailops.exchange.exo_app_registration:
    display_name: Identity sync - Exchange Online
    secret:
      create: true
      description: HelloID connector
      valid_days: 120
      renew_days: 30
      overlap_days: 14
  register: rotated
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
api_permissions:
  description: The further permissions after the task, as C(<resource>/<permission> (application|delegated)).
  returned: when O(api_permissions) is given
  type: list
  elements: str
  sample: [Microsoft Graph/User.Read.All (application)]
redirect_uris:
  description: The web redirect URIs after the task, sorted.
  returned: when O(redirect_uris) is given
  type: list
  elements: str
owners:
  description: The owners after the task (userPrincipalName, or object id), sorted.
  returned: when O(owners) is given
  type: list
  elements: str
sign_in_audience:
  description: The application's C(signInAudience) after the task.
  returned: when O(sign_in_audience) is given
  type: str
  sample: AzureADMultipleOrgs
expiring_credentials:
  description: Certificates and secrets that expire within O(expiry_warning_days) (or have expired), soonest first.
  returned: with O(state=present)
  type: list
  elements: dict
  contains:
    type:
      description: V(certificate) or V(secret).
      type: str
    name:
      description: The credential's description (C(displayName)).
      type: str
    key_id:
      description: The credential's key id.
      type: str
    thumbprint:
      description: A certificate's thumbprint; null for a secret.
      type: str
    end_date_time:
      description: End of validity (UTC, ISO 8601).
      type: str
    days_left:
      description: Whole days until the end of validity; negative once expired.
      type: int
changes:
  description:
    - What the task changed (or in check mode would change), one entry per property that changes - a value as
      C({before, after}), a set as C({added, removed}) (the collection's one vocabulary).
    - Credentials kept until their overlap ends are not changes; they are in RV(pending_removal).
  returned: always
  type: dict
  contains:
    state:
      description: The application created (C(absent) to C(present)) or deleted (C(present) to C(absent)).
      type: dict
      contains:
        before:
          description: V(absent) or V(present).
          type: str
        after:
          description: V(present) or V(absent).
          type: str
    display_name:
      description: The application renamed, C(before) and C(after).
      type: dict
    service_principal:
      description: The service principal created (C(before) false, C(after) true).
      type: dict
    exchange_permission:
      description:
        - C(Exchange.ManageAsApp) granted (C(before) false, C(after) true) or revoked (the reverse) - its request, its
          admin consent or both.
      type: dict
    directory_roles:
      description: Roles C(added) and C(removed).
      type: dict
    certificates:
      description: Thumbprints C(added) and C(removed).
      type: dict
    certificate_files:
      description:
        - The generated certificate's files written - C(before) the thumbprint they held (null when there were none),
          C(after) the thumbprint they hold (V(generated) in check mode for a new one). A PFX rewritten for a new
          O(generate_certificate.pfx_password) shows the same thumbprint on both sides.
      type: dict
    client_secrets:
      description: Secrets of O(secret.description) C(added) (the description) and C(removed) (key ids).
      type: dict
    api_permissions:
      description: Permissions C(added) (requested or consented) and C(removed).
      type: dict
    redirect_uris:
      description: Redirect URIs C(added) and C(removed).
      type: dict
    owners:
      description: Owners C(added) and C(removed).
      type: dict
    sign_in_audience:
      description: The C(signInAudience) C(before) (null for an application created) and C(after).
      type: dict
  sample:
    state: {before: absent, after: present}
    service_principal: {before: false, after: true}
    exchange_permission: {before: false, after: true}
    directory_roles: {added: [Exchange Administrator], removed: []}
    certificates: {added: [0F1E2D3C4B5A69788796A5B4C3D2E1F001234567], removed: []}
    certificate_files: {before: null, after: 0F1E2D3C4B5A69788796A5B4C3D2E1F001234567}
pending_removal:
  description:
    - Certificates and secrets that are no longer wanted but stay on the application until the overlap after their
      successor ends (O(certificate_overlap_days), O(secret.overlap_days)); a run at or after C(retire_at) removes them.
  returned: with O(state=present)
  type: dict
  contains:
    certificates:
      description: The certificates' C(thumbprints), and C(retire_at) (UTC, ISO 8601; null when none is pending).
      type: dict
    client_secrets:
      description: The secrets' C(key_ids), and C(retire_at) (UTC, ISO 8601; null when none is pending).
      type: dict
  sample:
    certificates: {thumbprints: [A1B2C3D4E5F60718293A4B5C6D7E8F9012345678], retire_at: '2026-01-08T10:00:00Z'}
    client_secrets: {key_ids: [], retire_at: null}
"""

from ansible_collections.mailops.exchange.plugins.module_utils.apps.app_registration import converge
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExoModule


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
            replication_timeout=dict(type='int', default=600),
            secret=dict(type='dict', no_log=False, options=dict(
                create=dict(type='bool', default=False),
                description=dict(type='str', default='mailops.exchange'),
                valid_days=dict(type='int', default=180),
                renew_days=dict(type='int'),
                overlap_days=dict(type='int', default=7),
                state=dict(type='str', default='present', choices=['present', 'absent']),
            )),
            api_permissions=dict(type='list', elements='dict', options=dict(
                resource=dict(type='str', required=True),
                permission=dict(type='str', required=True),
                type=dict(type='str', default='application', choices=['application', 'delegated']),
            )),
            redirect_uris=dict(type='list', elements='str'),
            owners=dict(type='list', elements='str'),
            sign_in_audience=dict(type='str', choices=['AzureADMyOrg', 'AzureADMultipleOrgs']),
            expiry_warning_days=dict(type='int', default=30),
        ),
        required_one_of=[['display_name', 'app_id']],
    )
    exo.run(converge)


if __name__ == '__main__':
    main()
