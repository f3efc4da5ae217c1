"""The engines' results -> ``report.verdicts`` in urlscan's shape, plus Spyglass's own.

- ``overall``: what urlscan clients read (score -100..100, malicious, categories, brand keys,
  tags, hasVerdicts); the search index reads it too.
- ``spyglass``: our verdict with brand objects and the plain-language ``reasons`` the report
  page and the CLI show; ``urlscan`` carries the same (clients written for urlscan.io read
  ``verdicts.urlscan.*``).
- ``engines``: urlscan's (deprecated) per-engine block, each entry with its evidence.
- ``community``: no votes; Spyglass has no voting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spyglass.analyze.verdicts.base import EngineResult

BrandInfo = Callable[[str], dict[str, Any]]


def _brand_key_only(key: str) -> dict[str, Any]:
    return {"key": key, "name": key, "country": [], "vertical": []}


def combine(results: Iterable[EngineResult], brand_info: BrandInfo = _brand_key_only) -> dict:
    """The verdicts document.

    >>> from spyglass.analyze.verdicts.base import Evidence
    >>> bad = EngineResult(engine="phishing", score=90, malicious=True, categories=["phishing"],
    ...                    brands=["paypal"], evidence=[Evidence(reason="r1", kind="k")])
    >>> quiet = EngineResult(engine="sanctions")
    >>> v = combine([bad, quiet])
    >>> v["overall"]["malicious"], v["overall"]["score"], v["overall"]["brands"]
    (True, 90, ['paypal'])
    >>> v["spyglass"]["reasons"], v["engines"]["malicious"], v["engines"]["benign"]
    (['r1'], ['phishing'], ['sanctions'])
    >>> combine([quiet])["overall"]["hasVerdicts"]
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
    verdict = {
        "score": score,
        "categories": categories,
        "tags": tags,
        "malicious": bool(malicious),
    }
    ours = {**verdict, "brands": [brand_info(b) for b in brands], "reasons": reasons}
    return {
        "overall": {**verdict, "brands": brands, "hasVerdicts": bool(telling)},
        "spyglass": ours,
        "urlscan": {**ours, "detectionDetails": []},
        "engines": {
            "score": score,
            "malicious": [r.engine for r in malicious],
            "benign": [r.engine for r in results if not r.malicious],
            "maliciousTotal": len(malicious),
            "benignTotal": len(results) - len(malicious),
            "enginesTotal": len(results),
            "verdicts": [r.model_dump(mode="json") for r in results],
        },
        "community": no_votes(),
    }


def no_votes() -> dict[str, Any]:
    """urlscan's ``community`` block with no votes (Spyglass has no voting)."""
    return {
        "score": 0,
        "votes": [],
        "votesTotal": 0,
        "votesMalicious": 0,
        "votesBenign": 0,
        "tags": [],
        "categories": [],
    }


def _first_malicious(result: EngineResult) -> tuple[bool, int]:
    return (not result.malicious, -result.score)


def _union(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
