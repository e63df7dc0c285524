"""``python -m kmsmock`` (also the ``kmsmock`` command): ``demo`` and ``serve``."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from .backend import DEFAULT_ACCOUNT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kmsmock", description="An exact, fast, in-process mock of AWS KMS."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "demo", help="tell the story of an automatic key rotation, on a clock the demo controls"
    )
    serve = commands.add_parser(
        "serve", help="serve KMS over HTTP on loopback, for the AWS CLI and other SDKs"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4599)
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT)
    serve.add_argument(
        "--clock-control",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="answer POST/GET /_kmsmock/clock, which moves the server's clock "
        "(default: on for a loopback --host, off otherwise)",
    )
    args = parser.parse_args(argv)

    if args.command == "demo":
        from .demo import run

        run()
        return 0

    from .server import KmsServer

    server = KmsServer(
        args.host, args.port, account_id=args.account_id, clock_control=args.clock_control
    )
    print(f"kmsmock: serving KMS at {server.url} (Ctrl-C to stop)", flush=True)
    if server.clock_control:
        print(f"kmsmock: clock control at {server.url}/_kmsmock/clock", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
