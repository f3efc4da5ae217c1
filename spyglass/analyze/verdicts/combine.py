"""The engines' results -> ``report.verdicts`` (``models.findings.Verdicts``: urlscan's
``overall``, ``urlscan``, ``engines`` and ``community``, plus Spyglass's ``spyglass`` with
brand objects and plain-language reasons)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spyglass.models.findings import (
    EngineResult,
    EngineVerdicts,
    OverallVerdict,
    SpyglassVerdict,
    UrlscanVerdict,
    Verdict,
    VerdictBrand,
    Verdicts,
)

BrandInfo = Callable[[str], VerdictBrand]


def _brand_key_only(key: str) -> VerdictBrand:
    return VerdictBrand(key=key, name=key)


def combine(results: Iterable[EngineResult], brand_info: BrandInfo = _brand_key_only) -> Verdicts:
    """The verdicts document.

    >>> from spyglass.analyze.verdicts.base import Evidence
    >>> bad = EngineResult(engine="phishing", score=90, malicious=True, categories=["phishing"],
    ...                    brands=["paypal"], evidence=[Evidence(reason="r1", kind="k")])
    >>> quiet = EngineResult(engine="sanctions")
    >>> v = combine([bad, quiet])
    >>> v.overall.malicious, v.overall.score, v.overall.brands
    (True, 90, ['paypal'])
    >>> v.spyglass.reasons, v.engines.malicious, v.engines.benign
    (['r1'], ['phishing'], ['sanctions'])
    >>> combine([quiet]).overall.has_verdicts
    False
    """
    results = list(results)
    malicious = [r for r in results if r.malicious]
    telling = [r for r in results if r.score > 0 or r.malicious]
    score = max((r.score for r in results), default=0)
    categories = _union(c for r in telling for c in r.categories)
    brands = _union(b for r in telling for b in r.brands)
    tags = _union(t for r in telling for t in r.tags)
    reasons = _union(e.reason for r in sorted(telling, key=_first_malicious) for e in r.evidence)
    # The fields the three verdicts share (typed, so the model checks them once).
    verdict = Verdict(score=score, categories=categories, tags=tags, malicious=bool(malicious))
    shared: dict[str, Any] = dict(verdict)
    ours: dict[str, Any] = {**shared, "brands": [brand_info(b) for b in brands], "reasons": reasons}
    return Verdicts(
        overall=OverallVerdict(**shared, brands=brands, has_verdicts=bool(telling)),
        spyglass=SpyglassVerdict(**ours),
        urlscan=UrlscanVerdict(**ours),
        engines=EngineVerdicts(
            score=score,
            malicious=[r.engine for r in malicious],
            benign=[r.engine for r in results if not r.malicious],
            malicious_total=len(malicious),
            benign_total=len(results) - len(malicious),
            engines_total=len(results),
            verdicts=results,
        ),
    )


def _first_malicious(result: EngineResult) -> tuple[bool, int]:
    return (not result.malicious, -result.score)


def _union(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
