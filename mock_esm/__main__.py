"""``python -m mock_esm serve`` and the ``mock-esm`` console script.

Options are checked by the same functions that check ``mock_esm(...)``'s, so a value the
decorator refuses is refused here too (exit status 2, argparse's usage line and our reason).
werkzeug is imported only once the options are good: without the ``server`` extra the command
says which extra to install instead of printing a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence, Tuple

from .mock import ENV_TRANSITION_SECONDS, _check_account_id, _check_transition_seconds
from .service.runtime import DEFAULT_ACCOUNT_ID, DEFAULT_TRANSITION_SECONDS

# The server's log levels, here so that --help works without werkzeug installed.
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
DEFAULT_LOG_LEVEL = "warning"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5005
MISSING_WERKZEUG = ("mock-esm serve needs werkzeug, which comes with the 'server' extra: "
                    "pip install 'mock_esm[server]'")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 0 to 65535 (0 picks a free port); got {text!r}")
    return port


def build_parser() -> argparse.ArgumentParser:
    return _parsers()[0]


def _parsers() -> Tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The program's parser and its ``serve`` subparser, which reports serve's usage errors."""
    parser = argparse.ArgumentParser(
        prog="mock-esm", description="A faithful mock of AWS Lambda event source mappings.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="serve the ESM API over HTTP for the AWS CLI and other SDKs",
        description="Serve Lambda's event source mapping API over HTTP until SIGINT or SIGTERM.")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on, and the one Host name besides localhost "
                            f"that requests may use (default {DEFAULT_HOST}, loopback only; "
                            f"0.0.0.0 answers any name)")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--account-id", default=None,
                       help="account of every mapping (default $MOTO_ACCOUNT_ID, else "
                            "123456789012)")
    serve.add_argument("--transition-seconds", default=None,
                       help=f"how long state transitions take (default "
                            f"${ENV_TRANSITION_SECONDS}, else {DEFAULT_TRANSITION_SECONDS:g}; "
                            f"0 settles them on the next read)")
    serve.add_argument("--log-level", choices=LOG_LEVELS, default=DEFAULT_LOG_LEVEL,
                       help=f"log to stderr from this level up; 'info' logs every request "
                            f"(default {DEFAULT_LOG_LEVEL}: problems only)")
    return parser, serve


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser, serve = _parsers()
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help(sys.stderr)
        return 2
    try:
        account_id = (_check_account_id(args.account_id, "--account-id")
                      or _check_account_id(os.environ.get("MOTO_ACCOUNT_ID") or None,
                                           "$MOTO_ACCOUNT_ID")
                      or DEFAULT_ACCOUNT_ID)
        env_seconds = os.environ.get(ENV_TRANSITION_SECONDS)
        seconds = (DEFAULT_TRANSITION_SECONDS if env_seconds is None
                   else _check_transition_seconds(env_seconds, f"${ENV_TRANSITION_SECONDS}"))
        if args.transition_seconds is not None:
            seconds = _check_transition_seconds(args.transition_seconds, "--transition-seconds")
    except ValueError as error:
        serve.error(str(error))
    try:
        from .wire import server
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != "werkzeug":
            raise
        print(MISSING_WERKZEUG, file=sys.stderr)
        return 2
    return server.run(host=args.host, port=args.port, account_id=account_id,
                      transition_seconds=seconds, log_level=args.log_level)


if __name__ == "__main__":
    sys.exit(main())
