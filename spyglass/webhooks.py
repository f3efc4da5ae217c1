"""Webhooks: tell a submitter's URL that its scan is done (neither peer has this; both make
clients poll).

A webhook has a policy of its own, so a submitter cannot use it to make the service call into
the network it runs in: loopback, private and other closed ranges stay closed unless
``SPYGLASS_WEBHOOK_ALLOW_NETWORKS`` opens them (what ``SPYGLASS_ALLOW_NETWORKS`` opens for pages
does not count: a page needs a lab's hosts, a webhook should never need the database's), and the
service's own port is never called, however it is named. The request goes to the very address
the policy checked (Host header and TLS name kept), so DNS cannot change the answer in between.
"""

from __future__ import annotations

import logging

import httpx

from spyglass.errors import BlockedAddress, SpyglassError
from spyglass.models import ClaimedJob
from spyglass.netpolicy import (
    NetworkPolicy,
    Resolver,
    choose_address,
    host_and_port,
    ip_literal,
    parse_target,
    parse_url,
)
from spyglass.settings import Settings

log = logging.getLogger("spyglass.webhooks")
TIMEOUT = 10.0


def payload(job: ClaimedJob, settings: Settings) -> dict[str, str]:
    return {
        "uuid": job.scan_uuid,
        "url": job.request.url,
        "status": "done",
        "result": f"{settings.public_url}/result/{job.scan_uuid}/",
        "api": f"{settings.public_url}/api/v1/result/{job.scan_uuid}/",
    }


def webhook_policy(settings: Settings) -> tuple[NetworkPolicy, Resolver]:
    """Webhooks' policy: their own opened networks, the settings' pins."""
    return (
        NetworkPolicy(settings.webhook_allow_networks),
        Resolver(settings.resolve, pins_only=settings.pins_only),
    )


def is_own_service(host: str, address: str, port: int, settings: Settings) -> bool:
    """Whether ``host`` at ``address``:``port`` may be this service's API.

    Its public URL's port at the public host, its address or any loopback address; or a port
    ``serve`` listens on (``service_ports``) at any address that is not public (it may listen on
    every interface). With ``public_url="http://127.0.0.1:8000"``:
    ``("localhost", "127.0.0.1", 8000)`` -> True; ``("hooks.example", "93.184.216.34", 8000)``
    -> False; ``("127.0.0.1", "127.0.0.1", 9000)`` -> False.
    """
    public_host, public_port = host_and_port(settings.public_url)
    public_address = ip_literal(public_host)
    closed = NetworkPolicy().blocked_reason(address)
    if port == public_port and (
        host == public_host
        or (public_address is not None and ip_literal(address) == public_address)
        or closed == "loopback"
    ):
        return True
    return port in settings.service_ports and closed is not None


async def destination(url: str, settings: Settings) -> tuple[str, str, int, str]:
    """``(normalised URL, host, port, address to connect to)``, or the ``SpyglassError`` that
    refuses the webhook."""
    target = parse_target(url)
    host, port = host_and_port(target)
    address = await choose_address(host, port, *webhook_policy(settings))
    if is_own_service(host, address, port, settings):
        raise BlockedAddress(f"{host}:{port} is this service's own port; webhooks never call it")
    return target, host, port, address


async def notify(url: str, job: ClaimedJob, settings: Settings) -> bool:
    """POST the scan's links to ``url``; ``False`` (logged) when refused or unreachable."""
    try:
        target, host, port, address = await destination(url, settings)
    except SpyglassError as e:
        log.warning("webhook for %s refused: %s", job.scan_uuid, e.format_message())
        return False
    pinned = parse_url(target)
    pinned.host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            response = await client.post(
                pinned.href,
                json=payload(job, settings),
                headers={"Host": parse_url(target).host},
                extensions={"sni_hostname": host},
            )
    except httpx.HTTPError as e:
        log.warning("webhook for %s failed: %s", job.scan_uuid, e)
        return False
    return response.is_success
