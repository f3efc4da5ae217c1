"""HAR 1.2 export of a capture, for tools that read HAR (browser devtools, har2tree, ...).

Bodies are not inlined (they are content-addressed blobs); each entry names its body's SHA-256 in
``response.content._sha256``. Chromium's phase timings (``requestTime``-relative milliseconds) map
onto HAR's ``blocked/dns/connect/ssl/send/wait/receive``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from spyglass.analyze.timestamps import iso_utc
from spyglass.models import RawCapture, Transaction

HAR_VERSION = "1.2"


def build_har(capture: RawCapture, creator_version: str = "0.1.0") -> dict[str, Any]:
    """``RawCapture`` -> a HAR 1.2 document (a dict ready for ``json.dumps``)."""
    started = iso_utc(capture.started_at)
    page = {
        "startedDateTime": started,
        "id": "page_1",
        "title": capture.title or capture.final_url or capture.url,
        "pageTimings": _page_timings(capture),
    }
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "Spyglass", "version": creator_version},
            "browser": {"name": "Chromium", "version": _browser_version(capture.user_agent)},
            "pages": [page],
            "entries": [_entry(hop) for hop in capture.transactions],
        }
    }


def _entry(hop: Transaction) -> dict[str, Any]:
    timings = _timings(hop.timing)
    known = [v for v in timings.values() if v > 0]
    entry: dict[str, Any] = {
        "pageref": "page_1",
        "startedDateTime": iso_utc(hop.wall_time) if hop.wall_time else iso_utc(0),
        "time": round(sum(known), 3),
        "request": {
            "method": hop.method,
            "url": hop.url,
            "httpVersion": _http_version(hop.protocol),
            "cookies": [],
            "headers": _headers(hop.request_headers),
            "queryString": [
                {"name": k, "value": v}
                for k, v in parse_qsl(urlsplit(hop.url).query, keep_blank_values=True)
            ],
            "headersSize": -1,
            "bodySize": len(hop.post_data.encode()) if hop.post_data else 0,
        },
        "response": {
            "status": hop.status or 0,
            "statusText": hop.status_text or "",
            "httpVersion": _http_version(hop.protocol),
            "cookies": [],
            "headers": _headers(hop.response_headers),
            "content": {
                "size": hop.decoded_size if hop.decoded_size is not None else -1,
                "mimeType": hop.mime_type or "x-unknown",
            },
            "redirectURL": hop.redirected_to or "",
            "headersSize": -1,
            "bodySize": hop.encoded_size if hop.encoded_size is not None else -1,
        },
        "cache": {},
        "timings": timings,
        "_resourceType": hop.resource_type.lower(),
        "_initiator": hop.initiator,
    }
    if hop.post_data:
        content_type = next(
            (v for k, v in hop.request_headers.items() if k.lower() == "content-type"), ""
        )
        entry["request"]["postData"] = {"mimeType": content_type, "text": hop.post_data}
    if hop.body_sha256:
        entry["response"]["content"]["_sha256"] = hop.body_sha256
    if hop.remote_ip:
        entry["serverIPAddress"] = hop.remote_ip
    if hop.failed:
        entry["response"]["_error"] = hop.failed
    if hop.blocked:
        entry["response"]["_blocked"] = hop.blocked
    return entry


def _timings(timing: dict[str, float] | None) -> dict[str, float]:
    """CDP ResourceTiming -> HAR timings; -1 where a phase did not happen."""
    if not timing:
        return {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "ssl": -1,
            "send": 0,
            "wait": 0,
            "receive": 0,
        }

    def span(start: str, end: str) -> float:
        a, b = timing.get(start, -1), timing.get(end, -1)
        return round(b - a, 3) if a >= 0 and b >= 0 else -1

    first = [timing.get(k, -1) for k in ("dnsStart", "connectStart", "sendStart")]
    blocked = next((v for v in first if v >= 0), -1)
    return {
        "blocked": round(blocked, 3) if blocked >= 0 else -1,
        "dns": span("dnsStart", "dnsEnd"),
        "connect": span("connectStart", "connectEnd"),
        "ssl": span("sslStart", "sslEnd"),
        "send": max(span("sendStart", "sendEnd"), 0),
        "wait": max(span("sendEnd", "receiveHeadersEnd"), 0),
        "receive": 0,
    }


def _page_timings(capture: RawCapture) -> dict[str, float]:
    start = capture.timing.get("beginNavigation")
    result: dict[str, float] = {}
    for har_name, cdp_name in (
        ("onContentLoad", "domContentEventFired"),
        ("onLoad", "loadEventFired"),
    ):
        value = capture.timing.get(cdp_name)
        result[har_name] = round((value - start) * 1000, 3) if start and value else -1
    return result


def _headers(headers: dict[str, str]) -> list[dict[str, str]]:
    # CDP joins repeated headers with newlines (Set-Cookie): HAR lists them one by one.
    return [
        {"name": name, "value": part}
        for name, value in headers.items()
        for part in str(value).split("\n")
    ]


def _http_version(protocol: str | None) -> str:
    return {"h2": "HTTP/2", "h3": "HTTP/3", "http/1.0": "HTTP/1.0"}.get(protocol or "", "HTTP/1.1")


def _browser_version(user_agent: str | None) -> str:
    if user_agent and "Chrome/" in user_agent:
        return user_agent.split("Chrome/", 1)[1].split(" ", 1)[0]
    return ""
