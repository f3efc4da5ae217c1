"""Engine "yara": known kit artefacts, by YARA rules over the DOM and the page's responses.

The rules are Spyglass's own (``spyglass/data/yara/*.yar``) plus the ``*.yar``/``*.yara`` files
of the folder the user configures (``SPYGLASS_YARA_RULES``).
``refdata.yara.load_rules(folder)`` compiles them once per process; the caller passes them in
``Inputs.data`` (without it the engine uses the bundled rules alone), so the engine itself reads
no file.

Each rule says what it means in its ``meta``::

    meta:
        description = "sends form data to a Telegram bot"   // the reason an analyst reads
        category = "phishing"        // phishing | crypto-drainer | paste-and-run | ...
        score = 90                   // 1..100; 70 and above makes the page malicious

A user's rule without ``score`` counts as 75 (a user adds rules to flag pages); without
``category`` it adds none. One match -> one evidence: the rule, its description and where it
matched (``DOM`` or the URL of the response).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yara

from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.refdata.yara import load_rules

NAME = "yara"
MALICIOUS_SCORE = 70
USER_DEFAULT_SCORE = 75
# Bytes scanned per report, DOM first, then bodies in the order the page loaded them; a body
# larger than MAX_BODY_BYTES is scanned up to that size.
MAX_SCAN_BYTES = 16 * 1024 * 1024
MAX_BODY_BYTES = 4 * 1024 * 1024
# A rule stops matching a string after this long (the default 1 s lets one hostile page with
# a pathological body hold up a worker); an exceeded timeout is recorded, not fatal.
SCAN_TIMEOUT_SECONDS = 5

_SCANNED_MIME = ("html", "javascript", "ecmascript", "xml", "json", "text/plain")
_SCANNED_TYPES = frozenset(("Document", "Script", "XHR", "Fetch", "Other"))


@dataclass(frozen=True)
class Target:
    where: str  # "DOM" or the response URL
    data: bytes


def yara_engine(inputs: Inputs) -> EngineResult:
    """The YARA engine: see the module docstring."""
    rules = inputs.data.yara if inputs.data is not None else load_rules(None)
    evidence: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    for target in scan_targets(inputs):
        try:
            matches = rules.match(data=target.data, timeout=SCAN_TIMEOUT_SECONDS)
        except yara.TimeoutError:
            evidence.append(_timed_out(target.where))
            continue
        for match in matches:
            key = (match.namespace, match.rule)
            if key in seen:
                continue
            seen.add(key)
            evidence.append(_evidence(match, target.where))
    return _result(evidence)


def scan_targets(inputs: Inputs) -> list[Target]:
    """The DOM, then each distinct HTML/script/text body, within ``MAX_SCAN_BYTES``."""
    targets: list[Target] = []
    budget = MAX_SCAN_BYTES
    if inputs.capture.dom:
        data = inputs.capture.dom.encode("utf-8")[:MAX_BODY_BYTES]
        targets.append(Target("DOM", data))
        budget -= len(data)
    seen: set[str] = set()
    for transaction in inputs.capture.transactions:
        sha = transaction.body_sha256
        if budget <= 0:
            break
        if not sha or sha in seen or not _scanned(transaction.resource_type, transaction.mime_type):
            continue
        seen.add(sha)
        body = inputs.body(sha)
        if not body:
            continue
        data = body[: min(MAX_BODY_BYTES, budget)]
        targets.append(Target(transaction.url, data))
        budget -= len(data)
    return targets


def _scanned(resource_type: str, mime_type: str | None) -> bool:
    mime = (mime_type or "").lower()
    if mime:
        return any(part in mime for part in _SCANNED_MIME)
    return resource_type in _SCANNED_TYPES


def _timed_out(where: str) -> Evidence:
    return Evidence(
        reason=f"YARA rules did not finish on {where} within {SCAN_TIMEOUT_SECONDS} s",
        kind="yara-timeout",
        detail={"rule": None, "category": None, "score": 0, "where": where},
    )


def _evidence(match: Any, where: str) -> Evidence:
    meta = match.meta
    user = match.namespace.startswith("user/")
    score = _score(meta.get("score"), USER_DEFAULT_SCORE if user else 0)
    description = str(meta.get("description") or match.rule)
    return Evidence(
        reason=f"{description} (YARA rule {match.rule}, in {where})",
        kind="yara-match",
        detail={
            "rule": match.rule,
            "namespace": match.namespace,
            "description": description,
            "category": meta.get("category"),
            "score": score,
            "where": where,
            "tags": list(match.tags),
            "strings": sorted({s.identifier for s in match.strings}),
        },
    )


def _score(value: object, default: int) -> int:
    """A rule's ``score`` meta as 0..100 (YARA metas are int, str or bool).

    >>> _score(90, 0), _score("85", 0), _score(None, 75), _score(500, 0)
    (90, 85, 75, 100)
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default  # YARA meta values are ints, strings or booleans
    try:
        return max(0, min(100, int(value)))
    except ValueError:
        return default


def _result(evidence: list[Evidence]) -> EngineResult:
    if not evidence:
        return EngineResult(engine=NAME)
    evidence.sort(key=lambda e: -e.detail["score"])
    top = evidence[0].detail["score"]
    # Two independent kit artefacts say more than the stronger one alone.
    strong = sum(1 for e in evidence if e.detail["score"] >= 40)
    score = min(100, top + 10 * max(0, strong - 1)) if top >= 40 else top
    malicious = score >= MALICIOUS_SCORE
    categories = [e.detail["category"] for e in evidence if e.detail["category"]]
    return EngineResult(
        engine=NAME,
        score=score,
        malicious=malicious,
        categories=list(dict.fromkeys(categories)) if malicious else [],
        tags=[f"yara:{e.detail['rule']}" for e in evidence if e.detail["rule"]],
        evidence=evidence,
    )


ENGINE = Engine(NAME, yara_engine, needs=("capture", "yara"))
