"""``verdicts``: what the engines concluded (``analyze/verdicts/``), in urlscan's shape plus
Spyglass's own.

- ``overall``: what urlscan clients read (score -100..100, malicious, categories, brand keys,
  tags, hasVerdicts); the search index reads it too.
- ``spyglass``: our verdict with brand objects and the plain-language ``reasons``; ``urlscan``
  carries the same (clients written for urlscan.io read ``verdicts.urlscan.*``).
- ``engines``: urlscan's (deprecated) per-engine block, each engine's result with its evidence.
- ``community``: no votes; Spyglass has no voting.

Every field has a default: ``Verdicts()`` is "no engine found anything". Fields are declared
in the order the document writes them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from spyglass.models.sections import ReportModel


class Evidence(BaseModel):
    """One finding, in words an analyst would sign, plus the facts behind them."""

    reason: str  # "form posts passwords to login-secure.example (not the brand's domain)"
    kind: str  # short machine name: "password-form-cross-domain", "erc20-approve", ...
    detail: dict[str, Any] = Field(default_factory=dict)


class EngineResult(BaseModel):
    """What one engine concluded (``verdicts.engines.verdicts[]``)."""

    engine: str
    score: int = Field(0, ge=-100, le=100)  # this engine's belief the page is malicious
    malicious: bool = False
    categories: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)  # brand keys ("paypal")
    tags: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class VerdictBrand(ReportModel):
    """A brand as urlscan shows it in ``verdicts.*.brands`` (``refdata.brand_list``)."""

    key: str
    name: str
    country: list[str] = Field(default_factory=list)
    vertical: list[str] = Field(default_factory=list)


class Verdict(ReportModel):
    score: int = 0
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    malicious: bool = False


class OverallVerdict(Verdict):
    brands: list[str] = Field(default_factory=list)  # keys
    has_verdicts: bool = False  # an engine found something (a score above 0, or malicious)


class SpyglassVerdict(Verdict):
    brands: list[VerdictBrand] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)  # malicious engines' first


class UrlscanVerdict(SpyglassVerdict):
    detection_details: list[Any] = Field(default_factory=list)  # always empty


class EngineVerdicts(ReportModel):
    score: int = 0
    malicious: list[str] = Field(default_factory=list)  # engine names
    benign: list[str] = Field(default_factory=list)
    malicious_total: int = 0
    benign_total: int = 0
    engines_total: int = 0
    verdicts: list[EngineResult] = Field(default_factory=list)


class CommunityVerdict(ReportModel):
    score: int = 0
    votes: list[Any] = Field(default_factory=list)
    votes_total: int = 0
    votes_malicious: int = 0
    votes_benign: int = 0
    tags: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)


class Verdicts(ReportModel):
    overall: OverallVerdict = Field(default_factory=OverallVerdict)
    spyglass: SpyglassVerdict = Field(default_factory=SpyglassVerdict)
    urlscan: UrlscanVerdict = Field(default_factory=UrlscanVerdict)
    engines: EngineVerdicts = Field(default_factory=EngineVerdicts)
    community: CommunityVerdict = Field(default_factory=CommunityVerdict)
