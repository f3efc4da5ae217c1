"""urlscan's ``lists``: what the scan touched, deduplicated, in first-seen order.

Every hop counts (a redirect hop is a request on the wire; a failed or blocked one was still
requested): ``urls``, ``domains`` and ``apexDomains`` include them. ``ips`` are the addresses
connected to (bare, no IPv6 brackets; a hop the guard blocked or the cache answered
contacted nothing); ``servers`` and ``hashes`` come from the answers, ``certificates`` from
the TLS chains (``certs.py``). ``countries`` and ``asns`` need enrichment and stay empty here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from spyglass.analyze.document.certs import certificate_list
from spyglass.analyze.document.page import header
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.ips import bare_ip
from spyglass.models import Link, Lists, Transaction


def build_lists(
    transactions: Sequence[Transaction],
    links: Sequence[Link],
    chains: Mapping[str, Sequence[str]],
    task_time: datetime,
) -> Lists:
    """``lists`` of the scan (see the module docstring); ``chains`` is
    ``RawCapture.certificates``, ``task_time`` dates the certificates' ages."""
    domains = unique(host_of(t.url) for t in transactions)
    return Lists(
        ips=unique(contacted_ip(t) for t in transactions),
        domains=domains,
        apex_domains=unique(apex_domain(d) for d in domains),
        servers=unique(header(t.response_headers, "server") for t in transactions),
        urls=unique(t.url for t in transactions),
        link_domains=unique(host_of(link.href) for link in links),
        certificates=certificate_list(transactions, chains, task_time),
        hashes=unique(t.body_sha256 for t in transactions),
    )


def contacted_ip(hop: Transaction) -> str | None:
    """The address the hop really talked to, bare; None for a hop the guard refused or one
    answered from the browser cache (its ``remote_ip`` is not a fresh connection's).

    >>> contacted_ip(Transaction(request_id="1", url="https://a.test/", remote_ip="[::1]"))
    '::1'
    """
    if hop.blocked or hop.from_cache:
        return None
    return bare_ip(hop.remote_ip)


def unique(values: Iterable[str | None]) -> list[str]:
    """Values without None, empty strings or repeats, first occurrence first.

    >>> unique(["b", None, "a", "b", ""])
    ['b', 'a']
    """
    return list(dict.fromkeys(v for v in values if v))
