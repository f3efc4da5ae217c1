"""The report's sections that analysis fills in (``Report`` in ``result.py`` composes them),
and ``TaskInfo``, the submission's facts.

They serialise with camelCase names (``model_dump(by_alias=True)``) because that is the urlscan
document's spelling; Python code uses snake_case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from spyglass.models.raw import ScanOptions


class ReportModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class TaskInfo(ReportModel):
    """Facts about the submission that the browser cannot know."""

    uuid: str
    time: datetime
    url: str
    visibility: Literal["public", "unlisted", "private"] = "public"
    method: Literal["api", "manual", "automatic", "cli"] = "cli"
    source: str = "cli"
    tags: list[str] = Field(default_factory=list)
    submitter_country: str | None = None
    scanner_country: str | None = None
    base_url: str = "http://127.0.0.1:8000"


class Task(ReportModel):
    """urlscan's ``task``: the submission as the report shows it (``analyze/report.py``
    ``build_task``), with the absolute links of the result, its screenshot and its DOM."""

    uuid: str
    time: str  # ISO 8601 in UTC with milliseconds: "2023-12-23T09:00:00.123Z"
    url: str
    domain: str | None = None
    apex_domain: str | None = None
    visibility: Literal["public", "unlisted", "private"] = "public"
    method: Literal["api", "manual", "automatic", "cli"] = "cli"
    source: str | None = None
    tags: list[str] = Field(default_factory=list)
    options: ScanOptions = Field(default_factory=ScanOptions)
    user_agent: str | None = None
    report_url: str | None = Field(None, alias="reportURL")
    screenshot_url: str | None = Field(None, alias="screenshotURL")
    dom_url: str | None = Field(None, alias="domURL")


class Place(ReportModel):
    """``submitter`` and ``scanner``: where the submission came from and where the scan ran
    (ISO 3166-1 alpha-2; None when unknown)."""

    country: str | None = None


class FormInput(ReportModel):
    tag: str = "input"  # input | select | textarea | button
    type: str | None = None
    name: str | None = None
    id: str | None = None
    value: str | None = None
    hidden: bool = False


class Form(ReportModel):
    method: str  # upper-case, GET when absent (the HTML default)
    action: str | None  # as written in the attribute
    action_url: str  # resolved against the document URL (and <base>)
    action_domain: str | None = None
    inputs: list[FormInput] = Field(default_factory=list)
    has_password: bool = False
    html: str  # raw outer HTML


class Link(ReportModel):
    href: str
    text: str = ""


class Page(ReportModel):
    url: str
    domain: str | None = None
    apex_domain: str | None = None
    ip: str | None = None
    ptr: str | None = None
    asn: str | None = None
    asnname: str | None = None
    country: str | None = None
    server: str | None = None
    title: str | None = None
    status: str | None = None
    mime_type: str | None = None
    redirected: str | None = None  # off-domain | sub-domain | same-domain | None
    tls_issuer: str | None = None
    tls_valid_from: str | None = None
    tls_valid_days: int | None = None
    tls_age_days: int | None = None


class Certificate(ReportModel):
    """One of ``lists.certificates``: urlscan's four keys, then what the DER adds (``certs.py``)."""

    subject_name: str
    issuer: str | None = None
    valid_from: int | None = None  # epoch seconds, as urlscan writes them
    valid_to: int | None = None
    # From the DER certificate; None when the browser gave no certificate for the origin.
    serial: str | None = None  # hex, upper case, as browsers show it
    sha256: str | None = None  # fingerprint of the DER, lower-case hex
    san_list: list[str] = Field(default_factory=list)
    valid_days: int | None = None
    age_days: int | None = None  # at scan time
    young: bool = False  # issued less than 7 days before the scan
    hosts: list[str] = Field(default_factory=list)  # hosts of the scan that presented it


class Technology(ReportModel):
    """One technology the page uses, from Wappalyzer-format fingerprints."""

    name: str
    version: str | None = None
    categories: list[str] = Field(default_factory=list)
    confidence: int = 100
    website: str | None = None
    icon: str | None = None
    evidence: list[str] = Field(default_factory=list)  # "scriptSrc: /js/jquery-3.7.1.min.js"


class Identifier(ReportModel):
    """A pivot value and what it is: ``Identifier(kind="recaptcha", value="6Lc...")``."""

    kind: str
    value: str
    where: str | None = None  # the host, URL or element it came from


class Pivots(ReportModel):
    """Identifiers that tie pages of one kit or one operator together (see
    ``analyze/detect/identifiers.py``)."""

    structure_hash: str | None = None
    screenshot_phash: str | None = None  # 64-bit perceptual hash, hex
    favicon_sha256: str | None = None
    favicon_mmh3: int | None = None  # Shodan's http.favicon.hash
    hhhash: list[Identifier] = Field(default_factory=list)  # kind="hhhash", where=host
    captcha: list[Identifier] = Field(default_factory=list)  # recaptcha | hcaptcha | turnstile
    analytics: list[Identifier] = Field(default_factory=list)  # ga | gtag | gtm | fbpixel ...
    cookie_names: list[str] = Field(default_factory=list)


class ListedSanction(ReportModel):
    """Why an address is on a sanctions list (``refdata.sanctions_list.Sanction``)."""

    name: str = Field(alias="list")  # which list: "OFAC SDN"
    asset: str  # the list's asset code: XBT, ETH, USDT...
    assets: list[str] = Field(default_factory=list)  # every asset it is listed under
    date: str | None = None  # the list's date of issue, ISO


class CryptoAddress(ReportModel):
    """One of ``lists.cryptoAddresses`` (``analyze/detect/crypto.py``)."""

    address: str
    chain: str  # BTC, ETH, TRX, SOL... (a sanctions list's asset code for chains not validated)
    sources: list[str] = Field(default_factory=list)  # dom | text | script | wallet
    payment: bool = False  # shown as somewhere to send funds
    sanctioned: bool = False
    sanction: ListedSanction | None = None


class Lists(ReportModel):
    ips: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    asns: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    apex_domains: list[str] = Field(default_factory=list)
    servers: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    link_domains: list[str] = Field(default_factory=list)
    certificates: list[Certificate] = Field(default_factory=list)
    hashes: list[str] = Field(default_factory=list)
    crypto_addresses: list[CryptoAddress] = Field(default_factory=list)


class Redirect(ReportModel):
    model_config = ConfigDict(alias_generator=None, populate_by_name=True)
    from_url: str = Field(alias="from")
    to: str
    status: int | None = None  # None for client-side redirects
    kind: Literal["http", "meta", "js"] = "http"
