"""Command line: ``python -m sandbox serve --state-dir DIR [options]``."""

import argparse
import sys

from . import service
from .server import serve


def _non_negative(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def main(argv=None):
    """Parse the command line and run the requested command."""
    parser = argparse.ArgumentParser(prog="python -m sandbox",
                                     description="Local Exchange Online sandbox tenant.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve HTTPS on 127.0.0.1 until SIGTERM/SIGINT")
    run.add_argument("--state-dir", required=True,
                     help="directory for ca.pem, the app certificate and sandbox.env")
    run.add_argument("--port", type=_non_negative, default=0, help="TCP port (0 = pick a free one)")
    run.add_argument("--users", type=_non_negative, default=20, help="numbered user mailboxes")
    run.add_argument("--shared", type=_non_negative, default=5, help="numbered shared mailboxes")
    run.add_argument("--latency-ms", type=_non_negative, default=0,
                     help="delay added to every Exchange/Graph API request")
    run.add_argument("--org", default="contoso",
                     help="organisation name: NAME.onmicrosoft.com and NAME.com")
    run.add_argument("--tenants", type=_positive, default=1,
                     help="tenants served by this one process: ORG's (the provider's, where the app is "
                          "registered) and tenant02 .. tenantNN, where it is consented (docs/sandbox.md)")
    run.add_argument("--tenant-users", type=_non_negative, default=None,
                     help="numbered user mailboxes of each tenant after the first (default: --users)")
    run.add_argument("--verbose", action="store_true", help="log every request to stderr")
    run.add_argument("--background", action="store_true",
                     help="start the server detached (output in STATE_DIR/sandbox.log) and return once "
                          "it has written sandbox.env; end it with the stop command")
    run.add_argument("--ready-timeout", type=_non_negative, default=60,
                     help="with --background: seconds to wait for the server to be ready")
    run.add_argument("--kerberos", action="store_true",
                     help="on-premises endpoint in Kerberos mode (Kerberos only, as Exchange's default), "
                          "with its own MIT KDC on loopback (docs/sandbox.md)")
    run.add_argument("--kerberos-host", default=None, metavar="FQDN",
                     help="the endpoint's name in Kerberos mode, which must resolve to 127.0.0.1 "
                          "(default: exchange01.ORG.localhost)")
    halt = commands.add_parser("stop", help="stop the server a serve --background started")
    halt.add_argument("--state-dir", required=True, help="the state directory given to serve")
    halt.add_argument("--timeout", type=_non_negative, default=20,
                      help="seconds to wait before killing it")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.command == "stop":
        return service.stop(args.state_dir, args.timeout)
    if args.background:
        return service.start_background(args.state_dir, [arg for arg in argv[1:] if arg != "--background"],
                                        args.ready_timeout)
    kerberos_host = None
    if args.kerberos or args.kerberos_host:
        kerberos_host = args.kerberos_host or f"exchange01.{args.org}.localhost"
    return serve(args.state_dir, port=args.port, users=args.users, shared=args.shared,
                 latency_ms=args.latency_ms, org_name=args.org, verbose=args.verbose,
                 kerberos_host=kerberos_host, tenants_count=args.tenants, tenant_users=args.tenant_users)


if __name__ == "__main__":
    sys.exit(main())
