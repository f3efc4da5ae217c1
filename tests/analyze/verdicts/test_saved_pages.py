"""Real saved pages of real sites, scanned on their own domains: none may be flagged.

The pages come out of two PyPI sdists (tests/testweb/saved_pages.py), downloaded once per
machine into a cache folder; sites/saved_pages.py serves them. A failure of
test_saved_page_is_not_flagged is a false positive of a verdict engine on a real page: its
message names the reasons the engines gave.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.analyze.verdicts.conftest import CorpusReport
from tests.testweb.saved_pages import (
    HTMLDATE,
    SDISTS,
    Sdist,
    archive,
    cache_dir,
    page_bytes,
    page_files,
)
from tests.testweb.sites.saved_pages import CORPUS, PAGES, SavedPage


@pytest.fixture(scope="session")
def sdists() -> tuple[Sdist, ...]:
    """Both sdists in the cache, fetched before the first scan asks the test web for a page."""
    for sdist in SDISTS:
        archive(sdist)
    return SDISTS


def _page_url(html: bytes) -> str:
    """The URL a saved page says it was saved from: its canonical link, else its og:url."""
    tree = LexborHTMLParser(html)
    for selector, attribute in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        node = tree.css_first(selector)
        value = node.attributes.get(attribute) if node else None
        if value and value.startswith("http"):
            return value
    return ""


def _title(html: bytes) -> str:
    node = LexborHTMLParser(html).css_first("title")
    return node.text().strip() if node else ""


def test_the_sdists_ship_many_real_pages(sdists: tuple[Sdist, ...]) -> None:
    for sdist in sdists:
        files = page_files(sdist)
        assert len(files) >= 25, (sdist.name, files)
    chosen = {(p.sdist, p.file) for p in PAGES}
    assert all(file in page_files(sdist) for sdist, file in chosen)
    assert len(chosen) == len(PAGES) >= 15
    assert len({p.host for p in PAGES}) >= 15, "diverse sites"
    assert len({(p.host, p.path) for p in PAGES}) == len(PAGES)


@pytest.mark.parametrize("saved", PAGES, ids=lambda p: p.name)
def test_each_page_is_on_the_domain_it_was_saved_from(
    saved: SavedPage, sdists: tuple[Sdist, ...]
) -> None:
    # The host and path are the page's own: the real site on its real domain.
    recorded = urlsplit(_page_url(page_bytes(saved.sdist, saved.file)))
    assert (recorded.hostname, recorded.path) == (saved.host, saved.path)


def test_a_download_with_another_hash_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPYGLASS_TEST_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    tampered = replace(HTMLDATE, sha256="0" * 64)
    with pytest.raises(RuntimeError, match="DO NOT MATCH THE HASHES"):
        archive(tampered)
    assert list(tmp_path.iterdir()) == []


def test_every_page_is_a_benign_corpus_sample() -> None:
    assert [s.name for s in CORPUS] == [p.name for p in PAGES]
    assert all(s.name.startswith("saved-") and s.label == "benign" for s in CORPUS)
    assert all(s.https and s.note.startswith("https://") for s in CORPUS)


@pytest.mark.parametrize("saved", PAGES, ids=lambda p: p.name)
async def test_saved_page_is_not_flagged(
    saved: SavedPage, sdists: tuple[Sdist, ...], corpus_report: CorpusReport
) -> None:
    scanned = await corpus_report(saved.name)
    capture, report = scanned.capture, scanned.report

    assert capture.failure is None, capture.failure
    assert report.page.status == "200"
    assert report.page.domain == saved.host
    if title := _title(page_bytes(saved.sdist, saved.file)):
        assert report.page.title, f"the page's title is {title!r}"
    # Its own text made it into the report (the page rendered, not an error page).
    assert len(report.text) > 200

    overall = report.verdicts.overall
    reasons = report.verdicts.spyglass.reasons
    flagged_by = report.verdicts.engines.malicious
    assert overall.malicious is False, f"flagged by {flagged_by}: {reasons}"
