"""The official urlscan-python client, unchanged, against a live ``spyglass serve``: only the
base URL and the API key differ from talking to urlscan.io."""

from __future__ import annotations

import io

from urlscan import Client, Pro

from tests.e2e.conftest import Live
from tests.testweb import TestWeb


def test_official_client_submit_wait_fetch_search(live: Live, web: TestWeb) -> None:
    key = live.create_key()
    live.serve(workers=2)
    with Client(api_key=key, base_url=live.base_url) as client:
        submitted = client.scan(web.url("news.test"), visibility="public", tags=["e2e"])
        uuid = submitted["uuid"]
        assert submitted["api"] == f"{live.base_url}/api/v1/result/{uuid}/"

        client.wait_for_result(uuid, timeout=90, interval=0.5, initial_wait=None)
        result = client.get_result(uuid)
        assert result["task"]["uuid"] == uuid
        assert result["page"]["domain"] == "news.test"
        assert result["page"]["status"] == "200"
        assert len(result["forms"]) == 2

        screenshot = client.get_screenshot(uuid)
        assert isinstance(screenshot, io.BytesIO)
        assert screenshot.getvalue().startswith(b"\x89PNG")
        dom = client.get_dom(uuid)
        assert "slide-search__form" in dom

        hits = list(client.search("page.domain:news.test", limit=10))
        assert [hit["_id"] for hit in hits] == [uuid]
        assert client.search("page.domain:news.test").count() == 1
        assert client.get_quotas()["scope"] in ("team", "user")


def test_official_pro_client_finds_the_other_copy_of_a_kit(live: Live, web: TestWeb) -> None:
    key = live.create_key()
    live.serve(workers=2)
    with Client(api_key=key, base_url=live.base_url) as client:
        uuids = {
            host: client.scan(web.url(host), visibility="public")["uuid"]
            for host in ("kit-a.test", "kit-b.test", "news.test")
        }
        for uuid in uuids.values():
            client.wait_for_result(uuid, timeout=90, interval=0.5, initial_wait=None)
        kit = client.get_result(uuids["kit-a.test"])
        assert kit["pivots"]["structureHash"] and kit["pivots"]["screenshotPhash"]
        assert kit["meta"]["processors"]["pivots"]["state"] == "done"
    with Pro(api_key=key, base_url=live.base_url) as pro:
        alike = [hit["_id"] for hit in pro.structure_search(uuids["kit-a.test"])]
    assert alike == [uuids["kit-b.test"]]
