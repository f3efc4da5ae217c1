"""urlscan's ``data.requests`` from the capture's transactions.

One entry per request chain. Chromium keeps one ``requestId`` across HTTP redirects, so the hops
of a chain share ``Transaction.request_id`` (capture must keep that); the entry is built like
urlscan's::

    {
      "request":  <requestWillBeSent of the final hop; its "redirectResponse" is the previous hop's
                   response; "primaryRequest": true on the page's document>,
      "response": {"encodedDataLength", "dataLength", "requestId", "type",
                   "response": <responseReceived.response, remoteIPAddress/remotePort = the
                                address really connected to, IPv6 in brackets>,
                   "hash", "size", "failed": {...}, "blocked": <guard reason>},
      "initiatorInfo": {"url", "host", "type"},      # absent when the initiator has no URL
      "requests": [<requestWillBeSent of each earlier hop>],   # [] without redirects
    }

The CDP events are passed through (copied, never mutated) and only gaps are filled from the
``Transaction`` fields, so a capture without raw events still yields the same shape. A request
refused by the guard keeps its ``failed.errorText`` and gains ``"blocked": <reason>``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from spyglass.analyze.domains import host_of
from spyglass.analyze.ips import bracket_ip
from spyglass.models import TLSDetails, Transaction

# What Chromium reports for a request a client (here: the guard) refused.
BLOCKED_ERROR_TEXT = "net::ERR_BLOCKED_BY_CLIENT"


def group_hops(transactions: Sequence[Transaction]) -> list[list[Transaction]]:
    """Hops grouped by request id (a redirect chain is one group), in order of first hop.

    >>> hops = [Transaction(request_id=i, url=u) for i, u in [("1", "a"), ("2", "b"), ("1", "c")]]
    >>> [[t.url for t in group] for group in group_hops(hops)]
    [['a', 'c'], ['b']]
    """
    groups: dict[str, list[Transaction]] = {}
    for hop in transactions:
        groups.setdefault(hop.request_id, []).append(hop)
    return list(groups.values())


def build_requests(
    transactions: Sequence[Transaction], primary_request_id: str | None = None
) -> list[dict[str, Any]]:
    """``data.requests``: one entry per chain (see the module docstring)."""
    return [_entry(hops, primary_request_id) for hops in group_hops(transactions)]


def _entry(hops: list[Transaction], primary_request_id: str | None) -> dict[str, Any]:
    final = hops[-1]
    request = request_event(final, hops[-2] if len(hops) > 1 else None)
    if final.request_id == primary_request_id:
        request["primaryRequest"] = True
    entry: dict[str, Any] = {"request": request, "response": response_block(final)}
    info = initiator_info(final)
    if info is not None:
        entry["initiatorInfo"] = info
    entry["requests"] = [
        request_event(hop, hops[i - 1] if i else None) for i, hop in enumerate(hops[:-1])
    ]
    return entry


def request_event(hop: Transaction, previous: Transaction | None = None) -> dict[str, Any]:
    """The hop's ``Network.requestWillBeSent`` params, gaps filled from the transaction.

    ``previous`` is the hop that redirected to this one: its response becomes
    ``redirectResponse`` (with the address really connected to).
    """
    event = copy.deepcopy(hop.cdp_request)
    _fill(
        event,
        requestId=hop.request_id,
        loaderId=hop.loader_id,
        documentURL=hop.document_url,
        timestamp=hop.timestamp,
        wallTime=hop.wall_time,
        initiator=hop.initiator or {"type": "other"},
        type=hop.resource_type,
        frameId=hop.frame_id,
    )
    inner = event.setdefault("request", {})
    _fill(inner, url=hop.url, method=hop.method, headers=dict(hop.request_headers))
    if hop.post_data is not None:
        _fill(inner, hasPostData=True, postData=hop.post_data)
    if previous is not None:
        redirect = inner_response(previous, event.get("redirectResponse"))
        if redirect is not None:
            event["redirectResponse"] = redirect
    return event


def response_block(hop: Transaction) -> dict[str, Any]:
    """urlscan's ``response`` object of an entry: sizes, the CDP response, hash, failure."""
    block: dict[str, Any] = {
        "encodedDataLength": hop.encoded_size or 0,
        "dataLength": hop.decoded_size or 0,
        "requestId": hop.request_id,
        "type": hop.resource_type,
    }
    received = hop.cdp_response or {}
    inner = inner_response(hop)
    if inner is not None:
        block["response"] = inner
    if "hasExtraInfo" in received:
        block["hasExtraInfo"] = received["hasExtraInfo"]
    if hop.body_sha256:
        block["hash"] = hop.body_sha256
    if hop.decoded_size is not None:
        block["size"] = hop.decoded_size
    if hop.body_note:
        block["bodyNote"] = hop.body_note
    if hop.failed or hop.blocked or hop.canceled:
        block["failed"] = {
            "requestId": hop.request_id,
            "type": hop.resource_type,
            "errorText": hop.failed or (BLOCKED_ERROR_TEXT if hop.blocked else "net::ERR_ABORTED"),
            "canceled": hop.canceled,
        }
    if hop.blocked:
        block["blocked"] = hop.blocked
    return block


def inner_response(hop: Transaction, event: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """CDP's ``Response`` object for the hop, or None when no response arrived.

    Taken from ``event`` when given (a ``redirectResponse``), else from the hop's
    ``responseReceived`` params (``cdp_response["response"]``); gaps are filled from the
    transaction, and ``remoteIPAddress``/``remotePort`` are always the address connected to.
    """
    source = event if event is not None else _received_response(hop.cdp_response)
    if not source and hop.status is None:
        return None
    inner = copy.deepcopy(source or {})
    _fill(
        inner,
        url=hop.url,
        status=hop.status,
        statusText=hop.status_text,
        headers=dict(hop.response_headers),
        mimeType=hop.mime_type,
        protocol=hop.protocol,
        securityState=hop.security_state,
        securityDetails=security_details(hop.tls) if hop.tls else None,
        timing=dict(hop.timing) if hop.timing is not None else None,
    )
    if hop.remote_ip:
        inner["remoteIPAddress"] = bracket_ip(hop.remote_ip)
    if hop.remote_port is not None:
        inner["remotePort"] = hop.remote_port
    return inner


def security_details(tls: TLSDetails) -> dict[str, Any]:
    """CDP's ``SecurityDetails`` spelling of the TLS facts.

    >>> security_details(TLSDetails(protocol="TLS 1.3", issuer="Test CA", valid_from=1))
    {'protocol': 'TLS 1.3', 'sanList': [], 'issuer': 'Test CA', 'validFrom': 1}
    """
    details = {
        "protocol": tls.protocol,
        "keyExchange": tls.key_exchange,
        "keyExchangeGroup": tls.key_exchange_group,
        "cipher": tls.cipher,
        "subjectName": tls.subject_name,
        "sanList": list(tls.san_list),
        "issuer": tls.issuer,
        "validFrom": tls.valid_from,
        "validTo": tls.valid_to,
    }
    return {key: value for key, value in details.items() if value is not None}


def initiator_url(initiator: dict[str, Any]) -> str | None:
    """The URL that started a request: the initiator's ``url`` or its first stack frame's.

    >>> initiator_url({"type": "script", "stack": {"callFrames": [{"url": "https://a.test/x.js"}]}})
    'https://a.test/x.js'
    >>> initiator_url({"type": "other"}) is None
    True
    """
    url: str | None = initiator.get("url")
    if url:
        return url
    stack = initiator.get("stack")
    while isinstance(stack, dict):
        for frame in stack.get("callFrames") or []:
            if isinstance(frame, dict) and frame.get("url"):
                found: str = frame["url"]
                return found
        stack = stack.get("parent")
    return None


def initiator_info(hop: Transaction) -> dict[str, Any] | None:
    """urlscan's ``initiatorInfo`` ``{url, host, type}``; None when the initiator has no URL."""
    initiator = hop.initiator or hop.cdp_request.get("initiator") or {}
    url = initiator_url(initiator)
    if url is None:
        return None
    return {"url": url, "host": host_of(url), "type": initiator.get("type")}


def _received_response(received: dict[str, Any] | None) -> dict[str, Any] | None:
    """``responseReceived`` params -> their ``response``; a bare Response object is accepted."""
    if not received:
        return None
    response = received.get("response")
    if isinstance(response, dict):
        return response
    return received if "status" in received else None


def _fill(target: dict[str, Any], **values: Any) -> None:
    """Set each key the target lacks (or holds None for) to a value that is not None."""
    for key, value in values.items():
        if value is not None and target.get(key) is None:
            target[key] = value
