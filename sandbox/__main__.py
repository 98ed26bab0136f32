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
    cost = run.add_argument_group("cost model", "what requests cost (docs/sandbox.md, \"The cost model\"); "
                                  "POST /_sandbox/faults changes them while it runs")
    cost.add_argument("--concurrency-budget", type=_non_negative, default=16,
                      help="Exchange admin API requests one app may have in flight per tenant; more get 429 "
                           "with Retry-After (0 = no limit; default 16)")
    cost.add_argument("--rate-budget", type=_non_negative, default=30000,
                      help="Exchange admin API requests one app may make per tenant per window "
                           "(0 = no limit; default 30000)")
    cost.add_argument("--rate-window-s", type=_non_negative, default=60, help="the rate budget's window (default 60)")
    cost.add_argument("--batch-model", choices=("parallel", "sequential"), default="parallel",
                      help="a $batch costs its costliest entry (parallel, the default) or the sum of its entries")
    cost.add_argument("--latency-spread", type=float, default=0.0,
                      help="sigma of the mean-one log-normal factor on every latency (0 = constant, the default)")
    cost.add_argument("--rows-per-latency", type=_non_negative, default=1000,
                      help="an answer costs one more latency per this many rows (0 = rows are free; default 1000)")
    cost.add_argument("--seed", default=None, help="seed of the latency spread and injected faults")
    run.add_argument("--state-file", default=None, metavar="JSON",
                     help="a converged state to seed directly (sandbox/seeding.py: mailboxes' Full Access, Send As, "
                          "Send on Behalf, groups and members), applied at start and on every state reset")
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
                 kerberos_host=kerberos_host, tenants_count=args.tenants, tenant_users=args.tenant_users,
                 cost_settings=_cost_settings(args), state_file=args.state_file)


def _cost_settings(args):
    return {"concurrency_budget": args.concurrency_budget, "rate_budget": args.rate_budget,
            "rate_window_s": max(args.rate_window_s, 1), "batch_model": args.batch_model,
            "latency_spread": args.latency_spread, "rows_per_latency": args.rows_per_latency,
            "seed": args.seed}


if __name__ == "__main__":
    sys.exit(main())
