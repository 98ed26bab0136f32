# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  server:
    description:
      - The Exchange server (or load-balanced name) whose C(/PowerShell) virtual directory is used.
        Give the FQDN for Kerberos. The module asks for the service ticket C(HTTP/<server>), so an
        IP address, a short name or an alias without that SPN fails.
      - Required; if not set, the environment variable E(EXCHANGE_SERVER) is used.
    type: str
  port:
    description:
      - TCP port; defaults to 80, or 443 with O(use_ssl=true).
      - If not set, the environment variable E(EXCHANGE_PORT) is used.
    type: int
  use_ssl:
    description:
      - Connect over HTTPS instead of HTTP.
      - Over HTTP, Kerberos, Negotiate and NTLM encrypt every message; Basic over HTTP needs
        O(encryption=never) and sends the password in the clear, so use HTTPS for it.
      - If not set, the environment variable E(EXCHANGE_USE_SSL) is used.
    type: bool
    default: false
  path:
    description:
      - The virtual directory. Exchange uses V(PowerShell); V(wsman) is the Windows Remote
        Management service, not Exchange.
      - If not set, the environment variable E(EXCHANGE_PATH) is used.
    type: str
    default: PowerShell
  configuration_name:
    description:
      - The PowerShell session configuration.
      - If not set, the environment variable E(EXCHANGE_CONFIGURATION_NAME) is used.
    type: str
    default: Microsoft.Exchange
  auth:
    description:
      - How to authenticate. Exchange's C(/PowerShell) virtual directory accepts Kerberos by
        default; NTLM, Negotiate and Basic only when the virtual directory allows them.
      - V(kerberos) needs the optional Kerberos extra, see the notes.
      - V(certificate) needs HTTPS and a client certificate mapping on the server, and
        V(credssp) needs the C(requests-credssp) package; both are passed to pypsrp as they are.
      - If not set, the environment variable E(EXCHANGE_AUTH) is used.
    type: str
    choices: [kerberos, negotiate, ntlm, basic, credssp, certificate]
    default: kerberos
  username:
    description:
      - The account, best as a UPN (V(admin@contoso.com)); C(DOMAIN\\user) works for NTLM.
      - With Kerberos, the principal with the realm in capitals (V(admin@CONTOSO.LOCAL));
        C(DOMAIN\\user) is refused. With a password the module gets its own ticket; without
        one it uses the ticket cache that C(KRB5CCNAME) names (C(kinit)) or a client keytab
        (C(KRB5_CLIENT_KTNAME)). With no username the cache's default principal is used.
      - If not set, the environment variable E(EXCHANGE_USERNAME) is used.
    type: str
  password:
    description:
      - The account's password. Never logged or returned.
      - If not set, the environment variable E(EXCHANGE_PASSWORD) is used, else the content of the file
        E(EXCHANGE_PASSWORD_FILE) names.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate (HTTPS only). Only turn off for throw-away test setups;
        the task then warns. A certificate that cannot be verified fails the task with a message
        naming O(ca_path) and O(validate_certs).
      - If not set, the environment variable E(EXCHANGE_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM bundle of certificate authorities to trust instead of the system store (HTTPS only).
      - If not set, the environment variable E(EXCHANGE_CA_PATH) is used.
    type: path
  encryption:
    description:
      - Message encryption. V(auto) encrypts over HTTP and relies on TLS over HTTPS; V(always)
        encrypts over HTTPS too; V(never) sends messages unencrypted (only sensible over HTTPS).
      - If not set, the environment variable E(EXCHANGE_ENCRYPTION) is used.
    type: str
    choices: [auto, always, never]
    default: auto
  connection_timeout:
    description:
      - Seconds to wait for the TCP connection.
      - If not set, the environment variable E(EXCHANGE_CONNECTION_TIMEOUT) is used.
    type: int
    default: 30
  operation_timeout:
    description:
      - Seconds the server may take for one WS-Management operation (one cmdlet).
      - If not set, the environment variable E(EXCHANGE_OPERATION_TIMEOUT) is used.
    type: int
    default: 60
requirements:
  - python >= 3.11
  - pypsrp >= 0.8.1
notes:
  - One PowerShell runspace pool is opened per task and reused for every cmdlet of the task.
  - Commands are built with C(add_cmdlet) and C(add_parameter) only; the Exchange endpoint
    refuses scripts, and no PowerShell text is made from input.
  - Kerberos is optional. Install C(pypsrp[kerberos]) on the control node, which builds
    C(gssapi) against the system packages C(libkrb5-dev) (Debian, Ubuntu) or C(krb5-devel)
    (RHEL) with C(gcc), and C(krb5-user)/C(krb5-workstation) for C(kinit) and C(krb5.conf).
    The on-premises guide says what Exchange and C(krb5.conf) need.
  - The control node needs TCP 80 or 443 to the Exchange server (5985/5986 only where
    WinRM listeners are used instead).
"""

    BULK = r"""
options:
  parallel:
    description:
      - In bulk mode (the module's list of objects), how many calls may be in flight at once - V(auto)
        or a fixed number from 1 to 16, as for the Exchange Online modules.
      - On premises every call of a task goes over one runspace pool, which asks Exchange for this
        many runspaces when it opens, so V(auto) is 4 pipelines (the pool cannot grow later); the
        result's RV(concurrency) says how many were in flight at the end. Reads and writes of many
        objects keep up to this many pipelines in flight on it. When WinRM refuses a pipeline for quota
        (C(MaxConcurrentOperationsPerUser)), the task waits (2 s doubling, at most 5 times) and goes on
        with half as many in flight. Creations and removals go one at a time.
    type: raw
    default: auto
"""

    ATTRIBUTES = r"""
attributes:
  action_group:
    description: Use C(group/mailops.exchange.exchange_onprem) or C(group/mailops.exchange.exchange) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mailops.exchange.exchange_onprem
      - mailops.exchange.exchange
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: exchange_onprem
"""

    INFO_ATTRIBUTES = r"""
attributes:
  action_group:
    description: Use C(group/mailops.exchange.exchange_onprem) or C(group/mailops.exchange.exchange) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mailops.exchange.exchange_onprem
      - mailops.exchange.exchange
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module only reads.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: exchange_onprem
"""
