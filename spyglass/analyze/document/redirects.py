"""The main frame's redirect chain, and urlscan's ``page.redirected`` label.

The chain mixes HTTP redirects (main-frame ``Document`` hops answered with a 3xx) and
client-side ones the page asked for (``capture.navigations``). When every step has a time they
are ordered by it, so ``301 -> 302 -> meta refresh -> script -> 301`` reads in the order it
happened; otherwise HTTP redirects come first, then client-side ones.

Navigation reasons (CDP ``Page.frameRequestedNavigation``) map to kinds:
``metaTagRefresh``/``httpHeaderRefresh`` -> ``meta``; ``scriptInitiated`` and, because nobody
clicks during a scan, ``formSubmissionGet``/``formSubmissionPost``/``anchorClick`` -> ``js``.
Other reasons (``reload``, ``pageBlockInterstitial``, unknown) are not redirects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from urllib.parse import urljoin, urlsplit

from spyglass.analyze.document.page import is_redirect, main_frame_documents
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.models import Navigation, Redirect, Transaction

NAVIGATION_KINDS: dict[str, Literal["meta", "js"]] = {
    "metaTagRefresh": "meta",
    "httpHeaderRefresh": "meta",
    "scriptInitiated": "js",
    "formSubmissionGet": "js",
    "formSubmissionPost": "js",
    "anchorClick": "js",
}


def redirect_chain(
    transactions: Sequence[Transaction], navigations: Sequence[Navigation], start_url: str
) -> list[Redirect]:
    """Every redirect of the main frame from the first URL to the final one, in order.

    ``start_url`` (the submitted URL) stands in for a client-side redirect's origin when
    neither the navigation nor an earlier step says where the page was.
    """
    steps: list[tuple[float | None, Redirect]] = [
        (hop.wall_time, _http_redirect(hop))
        for hop in main_frame_documents(transactions)
        if is_redirect(hop)
    ]
    steps += [
        (nav.timestamp, Redirect(from_url=nav.from_url or "", to=nav.url, kind=kind))
        for nav in navigations
        if (kind := NAVIGATION_KINDS.get(nav.reason or "")) is not None
    ]
    if all(time is not None for time, _ in steps):
        steps.sort(key=lambda step: step[0] or 0.0)
    chain: list[Redirect] = []
    for _, step in steps:
        if not step.from_url:
            origin = chain[-1].to if chain else start_url
            step = step.model_copy(update={"from_url": origin})
        chain.append(step)
    return chain


def redirect_label(first_url: str | None, final_url: str | None) -> str | None:
    """urlscan's ``page.redirected``: how far the final URL is from the first.

    >>> redirect_label("http://news.test", "http://news.test/")  # the same page
    >>> redirect_label("http://news.test/", "https://news.test/home")
    'same-domain'
    >>> redirect_label("http://news.test/", "https://www.news.test/")
    'sub-domain'
    >>> redirect_label("http://news.test/", "https://evil.test/")
    'off-domain'
    """
    if not first_url or not final_url or _same_url(first_url, final_url):
        return None
    first_host, final_host = host_of(first_url), host_of(final_url)
    if first_host == final_host:
        return "same-domain"
    if apex_domain(first_host) == apex_domain(final_host):
        return "sub-domain"
    return "off-domain"


def _http_redirect(hop: Transaction) -> Redirect:
    target = hop.redirected_to or _location(hop) or ""
    return Redirect(from_url=hop.url, to=target, status=hop.status, kind="http")


def _location(hop: Transaction) -> str | None:
    for name, value in hop.response_headers.items():
        if name.lower() == "location":
            return urljoin(hop.url, value.strip())
    return None


def _same_url(a: str, b: str) -> bool:
    """Equal up to case of scheme/host, an empty path and the fragment."""
    try:
        pa, pb = urlsplit(a), urlsplit(b)
        return (
            pa.scheme.lower() == pb.scheme.lower()
            and pa.hostname == pb.hostname
            and pa.port == pb.port
            and (pa.path or "/") == (pb.path or "/")
            and pa.query == pb.query
        )
    except ValueError:
        return a == b
