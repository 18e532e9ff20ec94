"""`wasender-emulator serve` (and `python -m emulator`): start the server and say how to reach it."""

from __future__ import annotations

import argparse
import errno
import gc
import socket
import sys

import uvicorn
from litestar import Litestar

from emulator import __version__
from emulator.admin.guard import control_plane_line, exposure_refusal
from emulator.app import create_app
from emulator.config import Settings
from emulator.core import Core
from emulator.dashboard.feed import LiveFeed
from emulator.fixtures import FixtureError
from emulator.ready_file import base_urls, ready_info, write_when_ready


def build_parser() -> argparse.ArgumentParser:
    about = "A stateful emulator of the WasenderAPI (and its MCP server), Wasend and SendAPI WhatsApp gateways."
    parser = argparse.ArgumentParser(prog="wasender-emulator", description=about)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="start the HTTP server (the default)")
    serve.add_argument("--host", help="address to bind (EMULATOR_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port, 0 for a free one (EMULATOR_PORT, default 8080)")
    serve.add_argument("--db", help="SQLite file or :memory: (EMULATOR_DB, default .emulator/state.db)")
    serve.add_argument("--fixtures", help="fixture file loaded on first start and on reset (EMULATOR_FIXTURES)")
    serve.add_argument("--seed", help="seed for every generated id and key (EMULATOR_SEED)")
    serve.add_argument("--clock", choices=("real", "virtual"), help="time source (EMULATOR_CLOCK, default real)")
    serve.add_argument("--rate-limits", choices=("on", "off"), help="enforce rate limits (EMULATOR_RATE_LIMITS)")
    serve.add_argument(
        "--sendapi-whatsapp-cap", choices=("on", "off"),
        help="SendAPI's 30/min, 1,000/day cap per session (EMULATOR_SENDAPI_WHATSAPP_CAP, default off)"
    )
    serve.add_argument("--admin-token", help="require this bearer token on /admin (EMULATOR_ADMIN_TOKEN)")
    serve.add_argument(
        "--admin-open", action="store_true", default=None,
        help="serve /admin without a token on an address that is not loopback (EMULATOR_ADMIN_OPEN)",
    )  # fmt: skip
    serve.add_argument(
        "--concurrency-limit", type=int, help="concurrent requests per session (EMULATOR_CONCURRENCY_LIMIT, default 10)"
    )
    serve.add_argument("--faults", help="JSON file of fault rules, loaded on start and on reset (EMULATOR_FAULTS)")
    serve.add_argument(
        "--fault-header", choices=("on", "off"), help="name the fault that fired in X-Emulator-Fault (EMULATOR_FAULT_HEADER)"
    )
    serve.add_argument(
        "--wasend-statuses", choices=("waha", "readme"), help="Wasend's session status words (EMULATOR_WASEND_STATUSES, default waha)"
    )
    serve.add_argument("--log-level", help="uvicorn log level (EMULATOR_LOG_LEVEL, default warning)")
    serve.add_argument("--ready-file", help="write where it listens and the fixture tokens here, as JSON, once it answers")
    webhooks = serve.add_argument_group("webhook delivery", "each also read from EMULATOR_WEBHOOK_<NAME>")
    webhooks.add_argument("--webhook-max-attempts", type=int, help="attempts per delivery before giving up (default 5)")
    webhooks.add_argument("--webhook-retry-delay", type=float, help="seconds before the first retry, doubling (default 5)")
    webhooks.add_argument("--webhook-max-retry-delay", type=float, help="longest wait between retries (default 300)")
    webhooks.add_argument("--webhook-timeout", type=float, help="seconds one attempt may take (default 10)")
    webhooks.add_argument(
        "--webhook-concurrency", type=int, help="deliveries of one session under way at once; 1 keeps its order (default 1)"
    )
    webhooks.add_argument("--webhook-workers", type=int, help="deliveries under way at once, all sessions (default 256)")
    webhooks.add_argument("--webhook-lane-window", type=int, help="pending deliveries a session keeps in memory (default 1000)")
    return parser


_TOP_LEVEL_FLAGS = ("-h", "--help", "--version")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # serve is the default command, so its flags may come without it.
    if not argv or (argv[0].startswith("-") and argv[0] not in _TOP_LEVEL_FLAGS):
        argv = ["serve", *argv]
    args = build_parser().parse_args(argv)
    flags = {k: v for k, v in vars(args).items() if k not in ("command", "ready_file")}
    try:
        settings = Settings.from_sources(flags)
        refusal = exposure_refusal(settings)
        if refusal:
            raise ValueError(refusal)
        core = Core(settings)
    except (ValueError, FixtureError) as exc:
        print(f"wasender-emulator: {exc}", file=sys.stderr)
        return 2
    return serve(settings, core, args.ready_file)


def serve(settings: Settings, core: Core, ready_file: str | None = None) -> int:
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        hint = " (another port: --port N, or --port 0 for a free one)" if exc.errno == errno.EADDRINUSE else ""
        print(f"wasender-emulator: cannot listen on {settings.host}:{settings.port}: {exc.strerror}{hint}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    try:
        server = emulator_server(settings, core)
    except ValueError as exc:  # what only the app can check: the routes a fault scenario names
        print(f"wasender-emulator: {exc}", file=sys.stderr)
        return 2
    _announce(settings, core, port)
    if ready_file:
        write_when_ready(server, ready_file, ready_info(core, port))
    _tune_garbage_collector()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C: uvicorn has stopped in full, then handed the signal on
        pass
    return 0


class EmulatorServer(uvicorn.Server):
    """uvicorn's server, which ends the dashboard's event streams as it begins to stop: they never
    end by themselves, so the stop would wait them out and then cancel each, logging an error."""

    def __init__(self, config: uvicorn.Config, feed: LiveFeed) -> None:
        super().__init__(config)
        self._feed = feed

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._feed.close()
        await super().shutdown(sockets)


def emulator_server(settings: Settings, core: Core, **options: object) -> EmulatorServer:
    app = create_app(settings, core)
    return EmulatorServer(_server_config(app, settings, **options), app.state.feed)


def _server_config(app: Litestar, settings: Settings, **options: object) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
        # The emulator is reached directly, never through a proxy: skip uvicorn's per-request
        # proxy-header middleware and the Server header.
        proxy_headers=False,
        server_header=False,
        # Nor may a request held open (an MCP event stream, a fault rule's timeout) hold up a stop.
        timeout_graceful_shutdown=1,
        **options,  # type: ignore[arg-type]
    )


def _tune_garbage_collector() -> None:
    """Full collections over the emulator's many long-lived objects paused requests for up to
    100 ms under load. What exists at start lives for good; collect the young less often than
    Python does, but not so seldom that one collection holds many cycles to free: each MCP
    exchange leaves some behind (the SDK's per-request runner), and young collections of 50,000
    objects paused the loop for 10 to 40 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


def _announce(settings: Settings, core: Core, port: int) -> None:
    urls = base_urls(settings.host, port)
    lines = [
        f"WasenderAPI emulator listening on {urls['url']}",
        f"  dashboard:              {urls['url']}/",
        f"  base URL for the SDKs:  {urls['api_url']}",
        f"  admin API:              {urls['admin_url']}",
        control_plane_line(settings),
        f"  MCP server:             {urls['mcp_url']}",
        f"  Wasend base URL:        {urls['wasend_url']}",
        f"  SendAPI base URL:       {urls['sendapi_url']}",
        f"  database: {settings.db}   clock: {settings.clock}   seed: {settings.seed or '(random)'}",
        f"  fixtures: {settings.fixtures}",
    ]
    for account in core.fixtures.accounts:
        lines.append(f"  account {account.id} ({account.plan}) personal access token: {account.personal_access_token}")
        for face, key in account.keys.items():
            lines.append(f"    {face} API key: {key}")
        for session in account.sessions:
            lines.append(f"    session {session.id} {session.name!r} ({session.status}) API key: {session.api_key}")
    print("\n".join(lines), flush=True)
