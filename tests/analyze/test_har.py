"""HAR 1.2 export of a saved capture."""

from __future__ import annotations

import json

from spyglass.analyze.document.har import build_har
from tests.analyze.captures import failed_dns, redirect_chain_news


def test_every_hop_is_an_entry_with_its_redirect_and_address() -> None:
    capture = redirect_chain_news()
    har = json.loads(json.dumps(build_har(capture)))  # plain JSON all the way down
    log = har["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "Spyglass"
    entries = log["entries"]
    assert [e["request"]["url"] for e in entries] == [hop.url for hop in capture.transactions]
    first, first_hop = entries[0], capture.transactions[0]
    assert first["response"]["status"] == first_hop.status
    assert first["response"]["redirectURL"] == (first_hop.redirected_to or "")
    for entry, hop in zip(entries, capture.transactions, strict=True):
        assert entry["startedDateTime"].endswith("Z")
        assert entry.get("serverIPAddress") == hop.remote_ip
        assert entry["response"]["content"].get("_sha256") == hop.body_sha256
        assert entry["response"].get("_blocked") == hop.blocked
        assert all(v >= -1 for v in entry["timings"].values())


def test_failed_capture_still_exports() -> None:
    har = build_har(failed_dns())
    (entry,) = har["log"]["entries"]
    assert entry["response"]["status"] == 0
    assert entry["response"]["_error"] == "net::ERR_NAME_NOT_RESOLVED"
