from __future__ import annotations

import copy

from spyglass.analyze.document.requests import (
    build_requests,
    group_hops,
    initiator_info,
    request_event,
    response_block,
)
from spyglass.models import Transaction
from tests.analyze.captures import ARTICLE_SHA, ARTICLE_URL, redirect_chain_transactions


def _requests() -> list[dict]:
    return build_requests(redirect_chain_transactions(), primary_request_id="R3")


def test_one_entry_per_chain_in_order_of_first_hop() -> None:
    entries = _requests()
    assert [e["request"]["requestId"] for e in entries] == [
        "R1",
        "R2",
        "R3",
        "R4",
        "R5",
        "R6",
        "R7",
        "R8",
    ]
    assert [len(g) for g in group_hops(redirect_chain_transactions())] == [3, 1, 2, 1, 1, 1, 1, 1]


def test_redirect_chain_entry_is_the_final_hop_with_earlier_hops_listed() -> None:
    first = _requests()[0]
    assert first["request"]["request"]["url"] == "https://www.news.test/home"
    assert first["request"]["redirectResponse"]["url"] == "https://news.test/"
    assert first["request"]["redirectResponse"]["status"] == 302
    assert [r["request"]["url"] for r in first["requests"]] == [
        "http://news.test/",
        "https://news.test/",
    ]
    assert "redirectResponse" not in first["requests"][0]
    assert first["requests"][1]["redirectResponse"]["status"] == 301
    assert first["requests"][1]["redirectResponse"]["remotePort"] == 80


def test_cdp_events_pass_through_untouched_but_the_remote_address() -> None:
    first = _requests()[0]
    assert first["request"]["request"]["initialPriority"] == "VeryHigh"
    assert first["response"]["hasExtraInfo"] is True
    inner = first["response"]["response"]
    assert inner["headers"] == {"server": "nginx"}  # CDP's, not rebuilt
    assert (inner["remoteIPAddress"], inner["remotePort"]) == ("192.0.2.10", 443)  # not 127.0.0.2


def test_inputs_are_not_mutated() -> None:
    hops = redirect_chain_transactions()
    before = copy.deepcopy([(h.cdp_request, h.cdp_response) for h in hops])
    build_requests(hops, "R3")
    assert [(h.cdp_request, h.cdp_response) for h in hops] == before


def test_ipv6_remote_address_in_brackets() -> None:
    landing = _requests()[1]["response"]["response"]
    assert landing["remoteIPAddress"] == "[2001:db8::10]"


def test_primary_request_is_marked_and_has_hash_and_sizes() -> None:
    entries = _requests()
    assert [e["request"].get("primaryRequest", False) for e in entries].count(True) == 1
    primary = entries[2]
    assert primary["request"]["primaryRequest"] is True
    assert primary["request"]["request"]["url"] == ARTICLE_URL
    assert primary["response"]["hash"] == ARTICLE_SHA
    assert (primary["response"]["dataLength"], primary["response"]["encodedDataLength"]) == (
        48000,
        12000,
    )
    assert primary["response"]["response"]["securityDetails"]["issuer"] == "R3"
    assert primary["initiatorInfo"] == {
        "url": "https://www.news.test/landing",
        "host": "www.news.test",
        "type": "script",
    }


def test_first_document_has_no_initiator_info() -> None:
    assert "initiatorInfo" not in _requests()[0]


def test_blocked_request_is_visible() -> None:
    blocked = _requests()[6]
    assert blocked["response"]["failed"]["errorText"] == "net::ERR_BLOCKED_BY_CLIENT"
    assert blocked["response"]["blocked"] == "blocked_address"
    assert "response" not in blocked["response"]  # no answer arrived
    assert blocked["initiatorInfo"]["host"] == "cdn.daily.example"  # from the script's stack


def test_failed_request_keeps_chromium_error() -> None:
    failed = _requests()[7]["response"]
    assert failed["failed"] == {
        "requestId": "R8",
        "type": "Script",
        "errorText": "net::ERR_NAME_NOT_RESOLVED",
        "canceled": False,
    }
    assert "blocked" not in failed and "hash" not in failed


def test_blocked_without_error_text_gets_chromium_s() -> None:
    hop = Transaction(request_id="x", url="https://a.test/", blocked="blocked_address")
    assert response_block(hop)["failed"]["errorText"] == "net::ERR_BLOCKED_BY_CLIENT"


def test_event_is_synthesised_without_cdp() -> None:
    hop = Transaction(
        request_id="9",
        url="https://a.test/api",
        method="POST",
        resource_type="Fetch",
        post_data='{"a":1}',
        request_headers={"Content-Type": "application/json"},
        status=201,
        remote_ip="2001:db8::5",
        remote_port=8443,
    )
    event = request_event(hop)
    assert event["request"] == {
        "url": "https://a.test/api",
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
        "hasPostData": True,
        "postData": '{"a":1}',
    }
    assert event["type"] == "Fetch" and event["initiator"] == {"type": "other"}
    inner = response_block(hop)["response"]
    assert (inner["status"], inner["remoteIPAddress"], inner["remotePort"]) == (
        201,
        "[2001:db8::5]",
        8443,
    )


def test_initiator_from_parent_stack() -> None:
    hop = Transaction(
        request_id="1",
        url="https://a.test/x",
        initiator={
            "type": "script",
            "stack": {
                "callFrames": [],
                "parent": {"callFrames": [{"url": "https://b.test/lib.js"}]},
            },
        },
    )
    assert initiator_info(hop) == {
        "url": "https://b.test/lib.js",
        "host": "b.test",
        "type": "script",
    }


def test_no_transactions_no_requests() -> None:
    assert build_requests([]) == []
