"""Webhooks: tell a submitter's URL that its scan is done (neither peer has this; both make
clients poll).

The webhook URL goes through the same network guard as a scan target, so a submitter cannot use
it to make the service call into the network it runs in; the request goes to the very address
the guard checked (Host header and TLS name kept), so DNS cannot change the answer in between.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

import httpx

from spyglass.capture.guard import choose_address, host_and_port, parse_target, scan_policy
from spyglass.errors import SpyglassError
from spyglass.models import ClaimedJob, ScanOptions
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


async def notify(url: str, job: ClaimedJob, settings: Settings) -> bool:
    """POST the scan's links to ``url``; ``False`` (logged) when refused or unreachable."""
    try:
        target = parse_target(url)
        host, port = host_and_port(target)
        address = await choose_address(host, port, *scan_policy(ScanOptions(), settings))
    except SpyglassError as e:
        log.warning("webhook for %s refused: %s", job.scan_uuid, e.format_message())
        return False
    parts = urlsplit(target)
    pinned = parts._replace(netloc=f"[{address}]:{port}" if ":" in address else f"{address}:{port}")
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            response = await client.post(
                urlunsplit(pinned),
                json=payload(job, settings),
                headers={"Host": parts.netloc.rpartition("@")[2]},
                extensions={"sni_hostname": host},
            )
    except httpx.HTTPError as e:
        log.warning("webhook for %s failed: %s", job.scan_uuid, e)
        return False
    return response.is_success
