"""`quiz serve`: the same TUI in a web browser, through `textual-serve`.

Each browser tab that opens the page starts its own `quiz` process (the web driver
in place of a terminal) with this run's banks, score folder and learner, so the
browser drills exactly the quiz the command line would. The server listens on
127.0.0.1 unless told otherwise; on any other address anyone who reaches the port
can drill, so that is said out loud, and without `--learner` every visitor first
types their name (validated like everywhere else) on a start screen.

`textual-serve` and Textual are imported only when the server starts.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import shlex
import socket
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from quiz.cli.common import EXIT_OK, EXIT_USAGE, AddCommand, Context, UsageError
from quiz.core.config import Options

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(add: AddCommand) -> None:
    """Add `serve` to the command line."""
    serve = add("serve", "serve the TUI in a web browser (textual-serve), on 127.0.0.1 unless told otherwise")
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; anything else is reachable by others)",
    )
    serve.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use to reach this server, when it is not http://HOST:PORT (a proxy, 0.0.0.0)",
    )
    serve.set_defaults(run=run_serve)


def port_number(value: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number (1 to 65535)")
    return int(value)


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def public_url(host: str, port: int) -> str:
    """The URL to print and to give browsers: a wildcard address becomes this machine's name."""
    name = host.strip("[]")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return f"http://{name}:{port}"
    if address.is_unspecified:
        return f"http://{socket.gethostname()}:{port}"
    return f"http://[{name}]:{port}" if address.version == 6 else f"http://{name}:{port}"


def served_command(ctx: Context, *, ask_learner: bool) -> str:
    """The shell command each browser session runs: this quiz, same banks, scores and learner."""
    argv = [sys.executable, "-m", "quiz"]
    for path in ctx.question_paths:
        argv += ["--questions", str(Path(path).resolve())]
    argv += ["--scores", str(Path(ctx.scores_dir).resolve()), "--learner", ctx.learner]
    if ask_learner:
        argv.append("--ask-learner")
    return shlex.join(argv)


def run_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Check the banks, then serve until Ctrl+C (or SIGTERM)."""
    from quiz.cli.drill import load_library

    options = Options(learner=ctx.learner, scores_dir=ctx.scores_dir, question_paths=ctx.question_paths)
    library = load_library(options, ctx)  # bad banks or a bad learner name: said now, not in the browser
    if isinstance(library, int):
        return library
    host: str = args.host
    local = is_loopback(host)
    ask_learner = not local and args.learner is None
    url = args.public_url or public_url(host, args.port)
    if not local:
        who = (
            f"as learner {ctx.learner!r}"
            if not ask_learner
            else "after typing any learner name (each visitor is asked for one)"
        )
        print(
            f"quiz serve: warning: listening on {host}, not on this machine alone: anyone who can reach "
            f"port {args.port} can drill {who}, with no password. Use the default host {DEFAULT_HOST} "
            "unless that is what you want.",
            file=ctx.stderr,
        )
    try:
        from textual_serve.server import Server
    except ImportError:  # pragma: no cover - a dependency of the package
        raise UsageError("quiz serve needs the textual-serve package: pip install textual-serve") from None

    command = served_command(ctx, ask_learner=ask_learner)
    stdout = ctx.stdout

    class QuizServer(Server):
        """textual-serve's server, announcing itself in one plain line."""

        async def on_startup(self, app: object) -> None:
            learner = "each visitor's own name" if ask_learner else ctx.learner
            print(f"Serving quiz for {learner} at {url}  (Ctrl+C stops)", file=stdout, flush=True)

    server = QuizServer(command, host=host, port=args.port, title="quiz", public_url=url)
    previous = sys.unraisablehook
    sys.unraisablehook = partial(_quiet_closed_loop, previous)
    try:
        server.serve()
    except OSError as error:
        print(f"quiz serve: cannot listen on {host} port {args.port}: {error.strerror or error}", file=ctx.stderr)
        return EXIT_USAGE
    finally:
        gc.collect()  # the app processes' transports, while the hook below still hears them
        sys.unraisablehook = previous
    print("quiz serve: stopped.", file=stdout, flush=True)
    return EXIT_OK


def _quiet_closed_loop(previous: Callable[[Any], object], unraisable: Any) -> None:
    """Drop asyncio's "Event loop is closed" from a subprocess transport collected after
    the server's loop closed: each app process has already ended by then (textual-serve
    awaits it), and only the transport object outlives the loop. Anything else is shown."""
    error = unraisable.exc_value
    if (
        isinstance(error, RuntimeError)
        and str(error) == "Event loop is closed"
        and "SubprocessTransport" in repr(unraisable.object)
    ):
        return
    previous(unraisable)
