"""``spyglass search`` and ``spyglass reindex`` on a local store (no browser needed)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from spyglass import cli
from spyglass.store import Store
from tests.store.conftest import finish_scan, news_request


def stored(tmp_path: Path) -> tuple[str, str]:
    store = Store.open(tmp_path)
    try:
        public = finish_scan(store).uuid
        private = finish_scan(store, news_request(visibility="private"), owner="k1").uuid
    finally:
        store.close()
    return public, private


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, list(args), env={"SPYGLASS_DATA": str(tmp_path)})
    return result.exit_code, result.output


def test_search_prints_a_table_of_public_hits(tmp_path: Path) -> None:
    public, private = stored(tmp_path)
    code, output = run(tmp_path, "search", "domain:news.test AND page.status:200")
    assert code == 0, output
    assert public in output and private not in output
    assert "daily.example" in output and "1 of 1 scans" in output


def test_search_json_is_the_api_response_and_owner_sees_private(tmp_path: Path) -> None:
    public, private = stored(tmp_path)
    code, output = run(tmp_path, "search", 'text:"missile programme"', "--owner", "k1", "--json")
    assert code == 0, output
    body = json.loads(output)
    assert [hit["_id"] for hit in body["results"]] == [private, public]
    assert body["total"] == 2 and body["has_more"] is False
    assert body["results"][0]["sort"][1] == private


def test_a_bad_query_is_a_usage_error_that_says_where(tmp_path: Path) -> None:
    stored(tmp_path)
    code, output = run(tmp_path, "search", "domian:news.test")
    assert code == 2
    assert "unknown field 'domian' at column 1; did you mean domain?" in output


def test_reindex_rebuilds_every_scan(tmp_path: Path) -> None:
    public, _ = stored(tmp_path)
    code, output = run(tmp_path, "reindex")
    assert (code, output.strip()) == (0, "Reindexed 2 scans.")
    code, output = run(tmp_path, "search", "page.domain:daily.example", "--json")
    assert [hit["_id"] for hit in json.loads(output)["results"]] == [public]
