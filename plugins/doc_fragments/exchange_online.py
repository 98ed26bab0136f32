# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  tenant_id:
    description:
      - The Entra ID tenant (directory) id or its primary C(*.onmicrosoft.com) domain that the
        application authenticates in.
      - Required unless O(access_token) is given.
      - If not set, the environment variable E(EXO_TENANT_ID) is used, or E(AZURE_TENANT_ID) when no E(EXO_*)
        variable of the application is set (see O(client_secret)).
    type: str
  client_id:
    description:
      - The application (client) id of the app registration used for app-only access.
      - If not set, the environment variable E(EXO_CLIENT_ID) is used, or E(AZURE_CLIENT_ID) when no E(EXO_*)
        variable of the application is set (see O(client_secret)).
    type: str
  client_secret:
    description:
      - A client secret of the application.
      - Give at most one of O(client_secret), O(client_certificate_path) and O(access_token) in a task.
      - When none of the three is given in the task, the environment is read - E(EXO_ACCESS_TOKEN), else
        E(EXO_CLIENT_SECRET) or E(EXO_CLIENT_CERTIFICATE_PATH) - so a credential given in the task always wins
        over one of another kind in the environment.
      - The application's variables are read as one set, never mixed - E(EXO_TENANT_ID), E(EXO_CLIENT_ID),
        E(EXO_CLIENT_SECRET), E(EXO_CLIENT_CERTIFICATE_PATH), E(EXO_CLIENT_CERTIFICATE_PASSWORD) when any of them
        is set, else their E(AZURE_*) namesakes (azure-identity's names, which AWX's own Azure credential also
        sets for another application).
      - A set with both a client secret and a certificate fails the task, naming both variables.
      - A secret variable may name a file instead - E(EXO_CLIENT_SECRET_FILE),
        E(EXO_CLIENT_CERTIFICATE_PASSWORD_FILE) - whose content is used when the variable itself is unset
        (the AWX credential type injects secrets that way, out of the job's recorded environment).
    type: str
  client_certificate_path:
    description:
      - Path to the application's certificate with its private key, as PEM (key and certificate
        in one file) or PFX/PKCS#12 (C(.pfx), C(.p12)).
      - If no credential is given in the task, the environment variable
        E(EXO_CLIENT_CERTIFICATE_PATH) (or E(AZURE_CLIENT_CERTIFICATE_PATH)) is used, see O(client_secret).
    type: path
  client_certificate_password:
    description:
      - Password of the PFX file or of the encrypted PEM private key in O(client_certificate_path).
      - If not set, the environment variable E(EXO_CLIENT_CERTIFICATE_PASSWORD) (or
        E(AZURE_CLIENT_CERTIFICATE_PASSWORD)) is used, see O(client_secret).
    type: str
  access_token:
    description:
      - A ready bearer token for the Exchange Online resource, used as it is; no token is requested.
      - A token that the service refuses (expired, wrong audience) fails the task; it cannot be renewed.
      - If no credential is given in the task, the environment variable E(EXO_ACCESS_TOKEN) is
        used, see O(client_secret).
    type: str
  organization:
    description:
      - The organization in the Exchange Online URL, the primary C(*.onmicrosoft.com) domain
        (for example V(contoso.onmicrosoft.com)) or the tenant id.
      - Defaults to O(tenant_id).
      - If not set, the environment variable E(EXO_ORGANIZATION) is used.
    type: str
  cloud:
    description:
      - The Microsoft cloud whose endpoints are used.
      - If not set, the environment variable E(EXO_CLOUD) is used.
    type: str
    choices: [global, gcc, gcc_high, dod, china]
    default: global
  authority_host:
    description:
      - Overrides the Entra ID authority of O(cloud), for private endpoints and the sandbox.
      - If not set, the environment variable E(EXO_AUTHORITY_HOST) is used.
    type: str
  graph_url:
    description:
      - Overrides the Microsoft Graph root of O(cloud).
      - If not set, the environment variable E(EXO_GRAPH_URL) is used.
    type: str
  exchange_url:
    description:
      - Overrides the Exchange Online endpoint of O(cloud); the token is requested for this resource.
      - If not set, the environment variable E(EXO_EXCHANGE_URL) is used.
    type: str
  validate_certs:
    description:
      - Verify the TLS certificates of every endpoint. Only turn off for throw-away test setups;
        the task then warns. A certificate that cannot be verified fails the task with a message
        naming O(ca_path) and O(validate_certs).
      - If not set, the environment variable E(EXO_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM bundle of certificate authorities to trust instead of the system store.
      - If not set, the environment variable E(EXO_CA_PATH) is used, then E(REQUESTS_CA_BUNDLE).
      - When set it wins over E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) for every request,
        token requests included.
    type: path
  token_cache:
    description:
      - Keep access tokens in a file cache shared by every task and fork of a run, so a whole
        playbook asks the token endpoint once per tenant, application and resource while the token is valid.
      - The cache lives in C($XDG_CACHE_HOME/mailops.exchange) (default C(~/.cache/mailops.exchange)),
        mode 0600, and holds access tokens only.
      - A cache directory whose parent every user can write to, or that belongs to another user, is not
        used; an entry that is corrupt, belongs to another user or others can read is replaced. Each case
        shows a warning.
      - If not set, the environment variable E(EXO_TOKEN_CACHE) is used.
    type: bool
    default: true
  timeout:
    description:
      - The most seconds one HTTP request may take, from sending it to the last byte of its answer
        (an answer that trickles in slowly is cut off too). A request cut off this way is retried
        like a dropped connection (reads, and writes that are safe to repeat); a write that is not
        is treated as one whose answer was lost.
      - The default is long because some Exchange Online errors take more than 70 seconds to come
        back; a shorter timeout turns such an error into a lost answer and a needless repeat.
      - If not set, the environment variable E(EXO_TIMEOUT) is used.
    type: int
    default: 300
  retries:
    description:
      - How many times a throttled (429), unavailable (503, 504) or, for reads, interrupted request is retried,
        with jittered exponential backoff that honours C(Retry-After).
      - While the service throttles, a task that sends several requests at once sends fewer (down
        to one at a time). After three requests in a row gave up, the rest of the task's requests
        are not sent and fail at once, naming the cause.
      - If not set, the environment variable E(EXO_RETRIES) is used.
    type: int
    default: 5
  retry_delay:
    description:
      - Seconds before the first backoff retry when the service sent no C(Retry-After); each
        further retry waits twice as long (less up to 20% jitter), at most 60 s. A connection the
        service broke is repeated once at once before this backoff starts.
      - Raise it for a tenant that is often throttled; lower it to fail over sooner. C(Retry-After)
        is honoured whatever the setting; the wait after it is spread by a random amount of up to a
        fifth of it and at least a quarter of this setting, so that tasks throttled together do not
        retry together.
      - If not set, the environment variable E(EXO_RETRY_DELAY) is used.
    type: float
    default: 2.0
requirements:
  - python >= 3.11
  - msal >= 1.28.0
  - requests >= 2.32.0
notes:
  - Authentication is app-only. The application needs the C(Exchange.ManageAsApp) application
    permission with admin consent and an Entra role such as Exchange Administrator.
  - Options with an environment fallback can be injected by an AWX/Automation Platform credential.
"""

    ATTRIBUTES = r"""
attributes:
  action_group:
    description: Use C(group/mailops.exchange.exchange_online) or C(group/mailops.exchange.exchange) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mailops.exchange.exchange_online
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
    platforms: exchange_online
"""

    # The bulk modules' concurrency: one text, so what it promises changes in one place.
    BULK = r"""
options:
  parallel:
    description:
      - In bulk mode (the module's list of objects), how many requests are in flight at once -
        V(auto), or a fixed number from 1 to 16. Reads, and the writes that allow it, go ten to a
        C($batch) request; creations and removals are worked on one object per worker.
      - V(auto) finds what the service allows. It starts with 4 requests in flight and doubles
        after each round of answers without throttling (as many answers as requests in flight)
        until the first throttling (HTTP 429), and never goes beyond 32. Throttling takes it back
        to the last number that was answered in full (else to half), once per burst of HTTP 429.
        Then it adds one per round up to one below the number that was refused and stays there
        for 16 rounds before trying that number again. It adds only while all its requests are in use, so a small task stays where
        it started. The result's RV(concurrency) says where it settled.
      - Exchange Online publishes no concurrency limit for its REST admin API; its remote
        PowerShell allowed three sessions per account. A fixed number of 4 stays close to that.
      - While the service throttles, fewer requests are sent at once (down to one), and throttled
        requests are retried honouring C(Retry-After), whatever the setting.
      - Anything else (0, 17, a word other than V(auto)) fails the task before a request is sent,
        naming the option and the value.
    type: raw
    default: auto
notes:
  - In bulk mode an entry of the module's list of objects may be a plain name instead of a dict -
    the list C([engineering, all-staff]) names two objects, each taking the task's options.
"""

    INFO_ATTRIBUTES = r"""
attributes:
  action_group:
    description: Use C(group/mailops.exchange.exchange_online) or C(group/mailops.exchange.exchange) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mailops.exchange.exchange_online
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
    platforms: exchange_online
"""
