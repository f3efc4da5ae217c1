"""``POST /api/v1/scan/``'s body, checked before anything is queued.

urlscan's fields (``url``, ``visibility``, ``tags``, ``customagent``, ``referer``,
``overrideSafety``, ``country``, legacy ``public: "on"``) plus Spyglass's ``force`` (skip
deduplication), ``webhook`` (POSTed when the scan is done), ``decoy`` and ``interact`` (both on
unless false: decoy wallets, clicking lures). Unknown fields are ignored, as
integrations send extras.

The target goes through the network guard here, so a URL that could never be scanned (bad URL,
refused scheme, unresolvable host, closed address) answers 400 and queues nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from spyglass.errors import (
    BlockedAddress,
    InputError,
    InvalidURL,
    RefusedScheme,
    UnresolvableHost,
)
from spyglass.models import ScanOptions, ScanRequest, Visibility
from spyglass.netpolicy import check_target, host_and_port, parse_target
from spyglass.refdata.ipdata import IPData
from spyglass.service.error_bodies import APIError
from spyglass.settings import Settings

MAX_TAGS = 10
MAX_TAG_LENGTH = 29  # urlscan's; Splunk SOAR drops longer tags
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Tag = Annotated[str, StringConstraints(max_length=MAX_TAG_LENGTH)]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ScanSubmission(BaseModel):
    """A scan request as urlscan clients send it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    url: str = Field(description="The URL to scan; a bare domain is read as http://domain/.")
    visibility: Visibility | None = Field(None, description="public (default), unlisted, private")
    tags: list[Tag] | None = Field(None, max_length=MAX_TAGS)
    customagent: str | None = Field(None, description="User-Agent to scan with")
    referer: str | None = Field(None, description="Referer of the first request")
    override_safety: Any = Field(None, alias="overrideSafety", description="Accepted, unused")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2; recorded, scanned here")
    public: str | None = Field(None, description='Legacy: "on" means public')
    force: bool = Field(False, description="Spyglass: scan again even if deduplication applies")
    webhook: str | None = Field(None, description="Spyglass: http(s) URL POSTed when done")
    decoy: bool = Field(True, description="Spyglass: offer the page decoy crypto wallets")
    interact: bool = Field(
        True, description="Spyglass: click what a lure asks to click once the page settles"
    )

    @field_validator("url", "tags", "customagent", "referer", "country", "public", "webhook")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        """Text every database holds: no NUL (PostgreSQL refuses it) and no lone surrogate
        (JSON allows ``"\\ud800"``; UTF-8 does not)."""
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and ("\x00" in text or not _encodable(text)):
                raise ValueError("must be text without NUL characters or lone surrogates")
        return value

    @field_validator("customagent", "referer")
    @classmethod
    def _one_header_line(cls, value: str | None) -> str | None:
        if value is not None and _CONTROL.search(value):
            raise ValueError("must not contain control characters")
        return value

    @field_validator("country")
    @classmethod
    def _alpha2(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _COUNTRY.match(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 country code")
        return value.lower()

    def effective_visibility(self) -> Visibility:
        """``visibility`` when given; legacy ``public``: "on" -> public, anything else -> private
        (the pre-visibility API scanned privately unless told otherwise); default public."""
        if self.visibility is not None:
            return self.visibility
        if self.public is not None:
            return "public" if self.public.strip().lower() == "on" else "private"
        return "public"

    def scan_options(self) -> ScanOptions:
        return ScanOptions(
            user_agent=self.customagent or None,
            referer=self.referer or None,
            decoy=self.decoy,
            interact=self.interact,
        )

    def response_options(self) -> dict[str, Any]:
        """The ``options`` of the answer: only what was given (urlscan's ``useragent``) and
        Spyglass's switches that are off."""
        options: dict[str, Any] = {
            name: False for name in ("decoy", "interact") if not getattr(self, name)
        }
        if self.customagent:
            options["useragent"] = self.customagent
        if self.referer:
            options["referer"] = self.referer
        return options


async def checked_request(
    submission: ScanSubmission, settings: Settings, submitter_country: str | None = None
) -> ScanRequest:
    """The ``ScanRequest`` to queue, or an ``APIError`` 400 saying why nothing will be.
    ``submitter_country``: where the client is (``client_country``)."""
    webhook = checked_webhook(submission.webhook)
    options = submission.scan_options()
    target = await checked_target(submission.url, options, settings)
    return ScanRequest(
        url=target,
        options=options,
        visibility=submission.effective_visibility(),
        tags=tuple(submission.tags or ()),
        method="api",
        country=submission.country,
        webhook_url=webhook,
        submitter_country=submitter_country,
    )


async def checked_target(url: str, options: ScanOptions, settings: Settings) -> str:
    """The normalised target, or urlscan's 400 for it (message stable, description detailed)."""
    try:
        return await check_target(url, options, settings)
    except RefusedScheme as e:
        raise APIError(
            400,
            "Scheme not supported",
            f"Only http and https URLs can be scanned: {e.message}.",
        ) from e
    except InvalidURL as e:
        raise APIError(400, "Invalid URL", f"The submitted URL is not valid: {e.message}.") from e
    except UnresolvableHost as e:
        raise APIError(
            400,
            "DNS Error - Could not resolve domain",
            f"The domain {_host(url)} could not be resolved to a valid IPv4/IPv6 address. "
            "We won't try to load it in the browser.",
        ) from e
    except BlockedAddress as e:
        raise APIError(
            400,
            "Blocked address",
            f"Refusing to scan {_host(url)}: {e.message}. Loopback, private, link-local and "
            "reserved addresses are not scanned.",
        ) from e


def client_country(client_host: str | None, ip_data: IPData) -> str | None:
    """The country of the submitting client's address (the report's ``submitter.country``);
    None for loopback, private and other addresses that are not looked up, or when unknown.
    Behind a reverse proxy the client is the proxy unless the server is told to trust its
    ``X-Forwarded-For`` (uvicorn trusts it from 127.0.0.1 by default)."""
    info = ip_data.lookup(client_host)
    return info.country if info is not None and not info.special else None


def checked_webhook(url: str | None) -> str | None:
    """The normalised webhook URL; it must be http(s) like a target (the worker also guards it
    when it calls)."""
    if not url:
        return None
    try:
        return parse_target(url)
    except InputError as e:
        raise APIError(
            400, "Invalid webhook URL", f"The webhook must be an http(s) URL: {e.message}."
        ) from e


def _host(url: str) -> str:
    return host_and_port(parse_target(url))[0]
