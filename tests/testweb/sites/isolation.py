"""hostile.test, isolation pages: what a page would do to get out of the browser or to exhaust
the worker -- WebRTC to a closed address, parallel endless downloads, an ArrayBuffer bomb, a
top-level blob: navigation.

Targets come in the query (``?host=127.0.0.200&port=40000``): the tests choose a closed address
and a UDP port they listen on.
"""

from __future__ import annotations

import asyncio
import html
import json

from aiohttp import web

from tests.testweb.routes import Routes

routes = Routes()

STREAM_CHUNK = b"\x00spyglass testweb endless download chunk\n" * (1 << 14)  # ~672 KiB
PARALLEL_DOWNLOADS = 8
ENDLESS_BYTES = 500 * 1024 * 1024


def _html(title: str, body: str) -> web.Response:
    return web.Response(
        text=f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>",
        content_type="text/html",
    )


def _target(request: web.Request) -> tuple[str, int]:
    return request.query.get("host", "127.0.0.200"), int(request.query.get("port", "3478"))


# ---- WebRTC: each page tries one way of sending UDP to the address in its query


def _peer_page(title: str, setup: str) -> web.Response:
    return _html(
        title,
        "<p>Video call lobby: checking your connection.</p><script>"
        "(async () => {" + setup + "})().catch((e) => console.log('webrtc: ' + e));"
        "</script>",
    )


def _offer_page(title: str, servers: list[dict[str, str]], policy: str) -> web.Response:
    """A peer connection naming ``servers``: gathering starts at setLocalDescription."""
    configuration = json.dumps({"iceServers": servers, "iceTransportPolicy": policy})
    return _peer_page(
        title,
        f"const pc = new RTCPeerConnection({configuration});"
        "pc.createDataChannel('x'); await pc.setLocalDescription(await pc.createOffer());",
    )


@routes.route("hostile.test", "/webrtc-stun")
async def webrtc_stun(request: web.Request) -> web.Response:
    host, port = _target(request)
    return _offer_page("STUN", [{"urls": f"stun:{host}:{port}"}], "all")


@routes.route("hostile.test", "/webrtc-turn")
async def webrtc_turn(request: web.Request) -> web.Response:
    host, port = _target(request)
    turn = {"urls": f"turn:{host}:{port}?transport=udp", "username": "u", "credential": "p"}
    return _offer_page("TURN", [turn], "relay")


@routes.route("hostile.test", "/webrtc-candidate")
async def webrtc_candidate(request: web.Request) -> web.Response:
    """A remote peer whose candidate is the target: connectivity checks would go there."""
    host, port = _target(request)
    candidate = json.dumps(f"candidate:1 1 udp 2122260223 {host} {port} typ host")
    return _peer_page(
        "Remote candidate",
        "const a = new RTCPeerConnection(); const b = new RTCPeerConnection();"
        "a.createDataChannel('x'); const offer = await a.createOffer();"
        "await a.setLocalDescription(offer); await b.setRemoteDescription(offer);"
        "const answer = await b.createAnswer(); await b.setLocalDescription(answer);"
        "await a.setRemoteDescription(answer);"
        f"await a.addIceCandidate({{candidate: {candidate}, sdpMid: '0', sdpMLineIndex: 0}});",
    )


# ---- Downloads without Content-Length


@routes.route("hostile.test", "/downloads-parallel")
async def downloads_parallel(request: web.Request) -> web.Response:
    frames = "".join(
        f"<iframe src='/files/endless-{i}.bin'></iframe>" for i in range(PARALLEL_DOWNLOADS)
    )
    return _html("Your documents", f"<p>Eight files are on their way.</p>{frames}")


@routes.route("hostile.test", "/download-drip")
async def download_drip(request: web.Request) -> web.Response:
    return _html(
        "Invoice", "<p>Your invoice is downloading.</p><iframe src='/files/drip.bin'></iframe>"
    )


async def _stream(request: web.Request, name: str, total: int, pause: float) -> web.StreamResponse:
    """Chunked (no Content-Length) until ``total`` bytes or the client goes."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{name}"',
        }
    )
    response.enable_chunked_encoding()
    await response.prepare(request)
    sent = 0
    while sent < total:
        await response.write(STREAM_CHUNK)
        sent += len(STREAM_CHUNK)
        if pause:
            await asyncio.sleep(pause)  # a slow link, as a real server would be
    await response.write_eof()
    return response


for _i in range(PARALLEL_DOWNLOADS):

    @routes.route("hostile.test", f"/files/endless-{_i}.bin")
    async def endless(request: web.Request, _name: str = f"endless-{_i}.bin") -> web.StreamResponse:
        return await _stream(request, _name, ENDLESS_BYTES, 0)


@routes.route("hostile.test", "/files/drip.bin")
async def drip(request: web.Request) -> web.StreamResponse:
    """~60 MB at ~30 MB/s: long enough for Chromium to report its progress."""
    return await _stream(request, "drip.bin", 60 * 1024 * 1024, 0.02)


# ---- Memory


@routes.route("hostile.test", "/arraybuffer-bomb")
async def arraybuffer_bomb(request: web.Request) -> web.Response:
    """ArrayBuffers live outside V8's heap cap: only a bound on the whole browser stops this."""
    return _html(
        "Loading",
        # Filled, so every page is really resident; ~3 GB in well under a second per GB.
        "<script>const hoard = [];"
        "while (hoard.length < 48) {"
        " const block = new Uint8Array(64 << 20); block.fill(7); hoard.push(block); }"
        "document.title = 'held ' + hoard.length * 64 + ' MB';</script>",
    )


# ---- A top-level navigation to a document the page made itself


@routes.route("hostile.test", "/blob-navigation")
async def blob_navigation(request: web.Request) -> web.Response:
    return _html(
        "Redirecting",
        "<script>const doc = '<title>Blob document</title><p>Sign in to continue</p>';"
        "location.href = URL.createObjectURL(new Blob([doc], {type: 'text/html'}));</script>",
    )
