from __future__ import annotations

from spyglass.analyze.document.text import normalize_text, text_from_dom
from tests.analyze.captures import ARTICLE_DOM, ARTICLE_TEXT


def test_browser_text_is_tidied() -> None:
    text = normalize_text(ARTICLE_TEXT)
    assert text.splitlines()[:4] == [
        "Skip to Main Content",
        "Home World Menu Send a tip Call us",
        "",
        "Search Close",
    ]
    assert "\n\n\n" not in text
    assert not any(line != line.rstrip() for line in text.splitlines())
    assert text.endswith("Privacy Policy")


def test_windows_newlines_and_empty_input() -> None:
    assert normalize_text("a\r\n\r\n\r\nb\rc") == "a\n\nb\nc"
    assert normalize_text(None) == "" and normalize_text(" \n ") == ""


def test_text_from_dom_drops_what_is_never_shown() -> None:
    text = text_from_dom(ARTICLE_DOM)
    assert "dataLayer" not in text  # <script>
    assert "display:none" not in text  # <style>
    assert "pixel.gif" not in text  # <noscript>
    assert "Daily Example — World news" not in text  # <title> is not page text
    assert "0000014f" not in text  # hidden inputs carry values, not text


def test_text_from_dom_keeps_lines_and_collapses_inline_space() -> None:
    lines = text_from_dom(ARTICLE_DOM).splitlines()
    assert lines[0] == "Skip to Main Content"
    assert "To stem the missile programme, officials look to its hackers" in lines
    assert (
        "The administration is doing more to counter hackers amid concerns their heists "
        "are powering weapons programmes." in lines
    )
    assert lines[-1] == "Twitter Follow us on Twitter Privacy Policy"


def test_text_from_dom_handles_hidden_and_nesting() -> None:
    dom = (
        "<div hidden><p>secret<script>x</script></p></div>"
        "<table><tr><td>a</td><td>b</td></tr></table>"
    )
    assert text_from_dom(dom) == "a b"


def test_text_from_dom_without_dom() -> None:
    assert text_from_dom(None) == "" and text_from_dom("") == ""
