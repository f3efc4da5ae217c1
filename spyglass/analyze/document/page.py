"""urlscan's ``page``: the primary request, i.e. the main frame's final document.

The primary request is the last main-frame ``Document`` hop that got a response and is not
itself a redirect. A scan without one (nothing loaded) gets a page with ``url`` and ``domain``
only, as urlscan reports failed scans. The ``tls*`` fields describe the primary request's
certificate (``certs.py``), its age counted from the task time, passed in: analysis has no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from spyglass.analyze.document.certs import hop_certificate, leaf_certificates
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.ips import bare_ip
from spyglass.analyze.timestamps import iso_utc
from spyglass.models import Page, RawCapture, Transaction, tls_origin

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


def main_frame_documents(transactions: Sequence[Transaction]) -> list[Transaction]:
    """The main frame's ``Document`` hops, in order.

    Uses ``is_main_frame``; a capture that never sets it falls back to the frame of the
    first ``Document`` hop.
    """
    documents = [t for t in transactions if t.resource_type == "Document"]
    flagged = [t for t in documents if t.is_main_frame]
    if flagged or not documents:
        return flagged
    return [t for t in documents if t.frame_id == documents[0].frame_id]


def is_redirect(hop: Transaction) -> bool:
    """True for a hop the server answered with a redirect (3xx with somewhere to go)."""
    if hop.redirected_to:
        return True
    has_location = any(name.lower() == "location" for name in hop.response_headers)
    return hop.status in REDIRECT_STATUSES and has_location


def primary_transaction(transactions: Sequence[Transaction]) -> Transaction | None:
    """The primary request (see the module docstring), or None when nothing loaded."""
    answered = [
        t for t in main_frame_documents(transactions) if t.status is not None and not is_redirect(t)
    ]
    return answered[-1] if answered else None


def build_page(
    capture: RawCapture, primary: Transaction | None, redirected: str | None, task_time: datetime
) -> Page:
    """``page`` from the primary request; ``redirected`` is ``redirect_label``'s answer."""
    if primary is None:
        documents = main_frame_documents(capture.transactions)
        url = documents[-1].url if documents else capture.url
        return Page(url=url, domain=host_of(url))
    domain = host_of(primary.url)
    page = Page(
        url=primary.url,
        domain=domain,
        apex_domain=apex_domain(domain),
        ip=bare_ip(primary.remote_ip),
        server=header(primary.response_headers, "server"),
        title=capture.title,
        status=str(primary.status),
        mime_type=primary.mime_type or _mime_type(primary),
        redirected=redirected,
    )
    origin = tls_origin(primary.url)
    chain = {origin: capture.certificates[origin]} if origin in capture.certificates else {}
    certificate = hop_certificate(primary, leaf_certificates(chain, task_time), task_time)
    if certificate is None:
        return page
    page.tls_issuer = certificate.issuer
    if certificate.valid_from is not None:
        page.tls_valid_from = iso_utc(certificate.valid_from)
    page.tls_valid_days = certificate.valid_days
    page.tls_age_days = certificate.age_days
    return page


def header(headers: dict[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name.

    >>> header({"Server": "nginx"}, "server")
    'nginx'
    """
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def _mime_type(hop: Transaction) -> str | None:
    content_type = header(hop.response_headers, "content-type") or ""
    return content_type.split(";", 1)[0].strip().lower() or None
