"""The dashboard's HTTP face: the page and its assets at `/`, its data and live stream under /admin/dashboard.

The page and assets hold no data, so they are open; everything else sits under /admin, behind
the admin token. A browser cannot put a header on an event stream or an image, so for those two
the token may also come as `?token=`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_200_OK

from emulator.admin.guard import ADMIN_TOKEN_IN_QUERY
from emulator.admin.session_ids import named_session
from emulator.core import Core
from emulator.dashboard.feed import END_OF_STREAM, LiveFeed
from emulator.dashboard.views import bubble, chat_row, session_card
from emulator.domain import errors
from emulator.domain.events import DOCUMENTED_EVENTS
from emulator.domain.sessions import Session
from emulator.faces import SENDAPI
from emulator.faces.wasenderapi.responses import ok
from emulator.http.requests import core_of
from emulator.webhooks.filters import own_listeners
from emulator.http.validation import parse_query
from emulator.store import polls
from emulator.store.messages import ChatFilter

STATIC = Path(__file__).parent / "static"
ASSET_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
ASSETS = {path.name: path for path in STATIC.iterdir() if path.suffix in ASSET_TYPES}
# A comment line this often keeps proxies and the browser from dropping a quiet stream.
KEEPALIVE_SECONDS = 15.0
MESSAGE_NOT_FOUND = "Message not found."
TOKEN_IN_QUERY = {ADMIN_TOKEN_IN_QUERY: "a browser sends no header with an event stream or an image"}
MAX_MESSAGE_ID = 2**63 - 1


def _asset(name: str) -> Response[bytes]:
    path = ASSETS.get(name)
    if path is None:
        raise errors.NotFound("No such dashboard file.")
    # no-cache: a page opened after an upgrade must not run yesterday's script.
    headers = {"Cache-Control": "no-cache"}
    return Response(path.read_bytes(), media_type=f"{ASSET_TYPES[path.suffix]}; charset=utf-8", headers=headers)


@get("/", name="dashboard-page")
async def dashboard_page(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The page, told whether to ask for the admin token and which events a webhook can carry."""
    page = _asset("index.html")
    required = "true" if core_of(request).settings.admin_token is not None else "false"
    page.content = page.content.replace(  # type: ignore[union-attr]
        b'data-token-required="false" data-events=""',
        f'data-token-required="{required}" data-events="{" ".join(DOCUMENTED_EVENTS)}"'.encode(),
    )
    return page


@get("/dashboard/{name:str}", name="dashboard-asset")
async def dashboard_asset(name: FromPath[str]) -> Response[bytes]:
    return _asset(name)


class MessagesQuery(msgspec.Struct):
    chat: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    before: Annotated[int, msgspec.Meta(ge=1, le=MAX_MESSAGE_ID)] = MAX_MESSAGE_ID
    # Given, the page holds the messages just newer than this id instead (and `before` is not read).
    after: Annotated[int, msgspec.Meta(ge=0, le=MAX_MESSAGE_ID)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50


def feed_of(request: Request[Any, Any, Any]) -> LiveFeed:
    return request.app.state.feed  # type: ignore[no-any-return]


def _card(core: Core, session: Session) -> dict[str, Any]:
    listeners = core.sendapi_webhooks.listeners(session) if session.face == SENDAPI else own_listeners(session)
    return session_card(session, core.accounts.get(session.account_id), core.sessions.qr_policy(session), listeners)


class DashboardController(Controller):
    path = "/admin/dashboard"

    @get("/sessions")
    async def sessions(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        core = core_of(request)
        return ok([_card(core, session) for session in core.sessions.all()])

    @post("/sessions/{session_id:str}/connect", status_code=HTTP_200_OK)
    async def connect(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        """Connect as its owner would, so a QR code appears to scan."""
        core = core_of(request)
        session = named_session(core, session_id)
        owner = core.accounts.get(session.account_id)
        assert owner is not None, "a session always belongs to a stored account"
        await core.sessions.connect(session, owner)
        return ok(_card(core, session))

    @post("/sessions/{session_id:str}/restart", status_code=HTTP_200_OK)
    async def restart(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        core = core_of(request)
        session = await core.sessions.restart(named_session(core, session_id))
        return ok(_card(core, session))

    @get("/sessions/{session_id:str}/chats")
    async def chats(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        core = core_of(request)
        return ok([chat_row(chat) for chat in core.chats.of_session(named_session(core, session_id).id)])

    @get("/sessions/{session_id:str}/messages")
    async def messages(self, request: Request[Any, Any, Any], session_id: FromPath[str]) -> dict[str, Any]:
        """A page of one chat, newest first: `before` the oldest id the page already shows, or
        `after` the newest."""
        core = core_of(request)
        session = named_session(core, session_id)
        query = parse_query(MessagesQuery, request.query_params)
        before, after = (query.before, None) if query.after is None else (None, query.after)
        # Reactions show on the messages they react to, not as bubbles of their own.
        wanted = ChatFilter(
            session_id=session.id, remote_jid=query.chat, before_id=before, after_id=after, without_reactions=True
        )
        page = await core.messages.chat_page(wanted, query.limit)
        reactions = await core.reactions.on([message.id for message in page])
        bubbles = []
        for message in page:
            votes = await polls.votes_on(core.db, message.id) if message.kind == "poll" else None
            bubbles.append(bubble(message, reactions.get(message.id, []), votes))
        return ok(bubbles)

    @get("/messages/{message_id:int}/media", opt=TOKEN_IN_QUERY)
    async def media(self, request: Request[Any, Any, Any], message_id: FromPath[int]) -> Response[bytes]:
        """A message's media, decrypted, for the page to show inline."""
        core = core_of(request)
        message = await core.messages.find(message_id)
        if message is None:
            raise errors.NotFound(MESSAGE_NOT_FOUND)
        content, mimetype, _ = await core.media.plain_media({"message": message.message})
        return Response(content, media_type=mimetype)

    @get("/inboxes")
    async def inboxes(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        inbox = core_of(request).inbox
        return ok([{"name": name, "received": len(inbox.read(name))} for name in inbox.names()])

    @get("/stream", opt=TOKEN_IN_QUERY)
    async def stream(self, request: Request[Any, Any, Any]) -> ServerSentEvent:
        """Every published event as it happens (`change`), every change of a fault rule (`fault`),
        word that the session cards changed otherwise (`sessions`); a `lost` event when the page
        fell behind."""
        return ServerSentEvent(_events(feed_of(request)))


async def _events(feed: LiveFeed) -> AsyncIterator[ServerSentEventMessage]:
    stream = feed.open_stream()
    try:
        yield ServerSentEventMessage(event="ready", data="{}")
        while True:
            try:
                message = await asyncio.wait_for(stream.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ServerSentEventMessage(comment="keep-alive")
                continue
            if message is END_OF_STREAM:
                return
            yield ServerSentEventMessage(event="lost", data="{}") if message is None else message
    finally:
        feed.close_stream(stream)


DASHBOARD_ROUTES = [dashboard_page, dashboard_asset, DashboardController]
