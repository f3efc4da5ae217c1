from __future__ import annotations

from spyglass.analyze.report import build_report
from spyglass.models import ClipboardWrite
from spyglass.render import render_text
from tests.analyze.captures import failed_dns, redirect_chain_news, task_for


def _text(capture=None, **task) -> str:
    capture = capture or redirect_chain_news()
    return render_text(build_report(capture, task_for(capture, **task)))


def test_first_lines() -> None:
    lines = _text().splitlines()
    assert lines[0] == "daily.example  192.0.2.80  Public Scan"
    assert lines[2] == "URL: http://news.test/"
    assert lines[3] == (
        "Submission: On December 23, 2023 via cli from unknown country"
        " — Scanned from unknown country"
    )


def test_countries_and_visibility() -> None:
    lines = _text(visibility="private", submitter_country="PL", scanner_country="us")
    assert lines.splitlines()[0].endswith("  Private Scan")
    assert "via cli from PL — Scanned from us" in lines


def test_forms_then_text_then_counts() -> None:
    text = _text()
    forms_at = text.index("Form analysis 2 forms found in the DOM")
    search_at = text.index('GET https://daily.example/search\n\n<form class="slide-search__form"')
    newsletter_at = text.index('GET https://daily.example/article?id=7\n\n<form class="form-sec')
    text_at = text.index("Text Content\n\nSkip to Main Content")
    counts_at = text.index("Requests: 8\nDomains: 6\nIPs: 4")
    assert forms_at < search_at < newsletter_at < text_at < counts_at


def test_redirect_chain_is_listed() -> None:
    tail = _text().split("Redirects:\n", 1)[1].splitlines()
    assert tail[:5] == [
        "   301  http://news.test/ -> https://news.test/",
        "   302  https://news.test/ -> https://www.news.test/home",
        "  meta  https://www.news.test/home -> https://www.news.test/landing",
        "    js  https://www.news.test/landing -> https://daily.example/a/7",
        "   301  https://daily.example/a/7 -> https://daily.example/article?id=7",
    ]
    assert tail[5].startswith("Download: report.pdf (4096 bytes) 7777")


def test_failed_scan() -> None:
    lines = _text(failed_dns(), visibility="unlisted").splitlines()
    assert lines[0] == "gone.test  no IP  Unlisted Scan"
    assert lines[4] == ("Failure: dns: gone.test does not resolve (net::ERR_NAME_NOT_RESOLVED)")
    assert lines[5] == "Incomplete: screenshot: page did not load"
    assert "Form analysis 0 forms found in the DOM" in lines
    assert "Redirects:" not in lines


def test_the_page_cannot_send_escape_sequences_to_the_terminal() -> None:
    capture = redirect_chain_news()
    capture.text = "Pay now\x1b]0;owned\x07\x1b[2J\rfake line\x9b31m"
    capture.clipboard = [ClipboardWrite(text="iex\x1b[8m hidden", api="execCommand")]
    text = _text(capture)
    assert not any(ch in text for ch in "\x1b\x07\r\x9b")
    assert "Pay now\ufffd]0;owned" in text
    assert "Clipboard: 'iex\\x1b[8m hidden'" in text  # repr() already shows it escaped


def test_verdict_and_reasons_come_after_the_submission() -> None:
    lines = _text().splitlines()
    assert lines[5] == "Verdict: nothing found"
