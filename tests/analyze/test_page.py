from __future__ import annotations

from spyglass.analyze.document.page import build_page, main_frame_documents, primary_transaction
from spyglass.models import RawCapture, Transaction
from tests.analyze.captures import (
    ARTICLE_URL,
    TASK_TIME,
    failed_dns,
    redirect_chain_news,
)


def _page():
    capture = redirect_chain_news()
    primary = primary_transaction(capture.transactions)
    return build_page(capture, primary, "off-domain", TASK_TIME)


def test_primary_is_the_final_document_after_all_redirects() -> None:
    primary = primary_transaction(redirect_chain_news().transactions)
    assert primary is not None
    assert (primary.request_id, primary.url) == ("R3", ARTICLE_URL)


def test_page_fields() -> None:
    page = _page()
    assert (page.url, page.domain, page.apex_domain) == (
        ARTICLE_URL,
        "daily.example",
        "daily.example",
    )
    assert (page.ip, page.server, page.mime_type) == ("192.0.2.80", "nginx", "text/html")
    assert page.status == "200" and isinstance(page.status, str)
    assert page.title == "Daily Example — World news"
    assert page.redirected == "off-domain"


def test_tls_fields_are_relative_to_the_task_time() -> None:
    page = _page()
    assert page.tls_issuer == "R3"
    assert page.tls_valid_from == "2023-11-22T21:00:00.000Z"
    assert page.tls_valid_days == 89  # 90 days minus one second
    assert page.tls_age_days == 30  # issued 30.5 days before the task


def test_page_serialises_in_urlscan_spelling() -> None:
    dumped = _page().model_dump(by_alias=True)
    assert {
        "apexDomain",
        "mimeType",
        "tlsIssuer",
        "tlsValidFrom",
        "tlsValidDays",
        "tlsAgeDays",
    } <= dumped.keys()


def test_failed_scan_page_has_url_and_domain_only() -> None:
    capture = failed_dns()
    page = build_page(capture, primary_transaction(capture.transactions), None, TASK_TIME)
    assert page.model_dump(exclude_none=True) == {"url": "http://gone.test/", "domain": "gone.test"}


def test_empty_capture_page_is_the_submitted_url() -> None:
    capture = RawCapture(url="http://a.test/", started_at=TASK_TIME, finished_at=TASK_TIME)
    page = build_page(capture, None, None, TASK_TIME)
    assert (page.url, page.domain, page.ip) == ("http://a.test/", "a.test", None)


def test_main_frame_fallback_when_capture_did_not_flag_it() -> None:
    hops = [
        Transaction(
            request_id="1",
            url="https://a.test/",
            resource_type="Document",
            frame_id="main",
            status=200,
        ),
        Transaction(
            request_id="2",
            url="https://ads.test/frame",
            resource_type="Document",
            frame_id="child",
            status=200,
        ),
    ]
    assert [t.url for t in main_frame_documents(hops)] == ["https://a.test/"]
    assert primary_transaction(hops).url == "https://a.test/"


def test_mime_type_from_content_type_when_not_recorded() -> None:
    hop = Transaction(
        request_id="1",
        url="https://a.test/",
        resource_type="Document",
        is_main_frame=True,
        status=404,
        response_headers={"Content-Type": "Text/HTML; charset=utf-8"},
    )
    capture = RawCapture(
        url=hop.url, started_at=TASK_TIME, finished_at=TASK_TIME, transactions=[hop]
    )
    page = build_page(capture, hop, None, TASK_TIME)
    assert (page.status, page.mime_type, page.tls_issuer) == ("404", "text/html", None)
