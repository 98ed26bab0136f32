"""Several tenants in one sandbox process, routed the way the real services route.

Each tenant is a :class:`~sandbox.server.Sandbox` of its own (organisation, directory, app
registrations, Graph directory, pager); they share the process's counters, fault settings and
the one token signing key (Entra signs every tenant's tokens with the same keys, so a token of
another tenant is refused by its ``iss``/``tid``, not by its signature). Routing:

- login: the tenant segment of the authority URL (``/{tenant}/oauth2/v2.0/token``);
- Exchange Online: the tenant segment of ``/adminapi/beta/{tenant}/InvokeCommand`` (and
  ``$batch``); the tenant's own token check then refuses a token of any other tenant;
- Graph: the ``tid`` of the bearer token (Graph has no tenant in its URLs).

A request naming no known tenant goes to the first tenant (the provider's), which answers it
as the single-tenant sandbox always did (an unknown tenant, an invalid token).
"""

import jwt


class TenantStats:
    """The shared counters, seen from one tenant: every count also goes to that tenant's row."""

    def __init__(self, shared, tenant_id):
        self.shared = shared
        self.tenant_id = tenant_id

    def add(self, counter, amount=1):
        """Count ``counter`` for the process and for this tenant."""
        self.shared.add(counter, amount)
        self.shared.tenant(self.tenant_id, counter, amount)

    def cmdlet(self, name, is_write):
        """Count one cmdlet run for the process and one read or write for this tenant."""
        self.shared.cmdlet(name, is_write)
        self.shared.tenant(self.tenant_id, "writes" if is_write else "reads")

    def graph(self, operation, is_write):
        """Count one Graph request for the process and one read or write for this tenant."""
        self.shared.graph(operation, is_write)
        self.shared.tenant(self.tenant_id, "writes" if is_write else "reads")

    def __getattr__(self, name):
        # header, reset, snapshot: the process's.
        return getattr(self.shared, name)


def _segment(parts):
    """The tenant segment of a login or REST admin API path, or None."""
    if len(parts) == 4 and parts[:2] == ["adminapi", "beta"]:
        return parts[2]
    if len(parts) >= 3 and parts[0] not in ("graph", "adminapi"):
        return parts[0]
    return None


def token_tenant(request):
    """The ``tid`` claim of the request's bearer token, unverified (routing only), or None."""
    scheme, unused, token = (request.header("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        claims = jwt.decode(token.strip(), options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    tid = claims.get("tid")
    return tid.lower() if isinstance(tid, str) else None


def route(tenants, request):
    """The tenant (a Sandbox of ``tenants``, the first by default) that serves ``request``."""
    if len(tenants) == 1:
        return tenants[0]
    parts = request.path.strip("/").split("/")
    if parts[0] == "graph":
        wanted = token_tenant(request)
        return next((t for t in tenants if t.directory.tenant_id.lower() == wanted), tenants[0])
    segment = _segment(parts)
    if segment is None:
        return tenants[0]
    return next((t for t in tenants if t.directory.knows_tenant(segment)), tenants[0])


def for_control(tenants, request):
    """The tenant a control request names with ``?tenant=`` (GUID or domain), the first without.

    Raises ValueError for a tenant the sandbox does not serve."""
    segment = request.query_value("tenant")
    if segment is None:
        return tenants[0]
    found = next((t for t in tenants if t.directory.knows_tenant(segment)), None)
    if found is None:
        raise ValueError(f"The sandbox serves no tenant '{segment}'.")
    return found


def tenant_name(index, org_name):
    """The organisation name of tenant ``index`` (0 is the provider's, ``org_name``)."""
    return org_name if index == 0 else f"tenant{index + 1:02d}"
