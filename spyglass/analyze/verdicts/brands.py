"""Engine "brands": a known brand shown on a domain it does not use, or imitated by one.

Impersonation, the malicious verdict (category "phishing"): the page presents itself as a
brand (its logo, favicon, or its name in the title, a heading, the sign-in box...; see
``spyglass.analyze.brands.signals``), is not on one of the brand's domains, and either asks for
a password, a wallet recovery phrase / private key or card details, or sits on a lookalike of
the brand's domain (``spyglass.analyze.brands.lookalikes``).

Not malicious: a page that merely mentions a brand (a news article about Microsoft: the name
in a long headline or in the body text), a brand's page on its own domain, a checkout page
showing card-network logos next to its card form. A lookalike domain without the brand on the
page is recorded with score 40 and no verdict.

Example: a page titled "Log in to your PayPal account" with the PayPal logo and a password
form on ``paypal-secure-login.test`` gives "page shows the PayPal logo and asks for a password
on paypal-secure-login.test, which PayPal does not use" and "domain paypal-secure-login.test
imitates paypal.com (combosquat: the brand plus login words)", score 95, brands ["paypal"].
"""

from __future__ import annotations

import re
from collections import Counter

from selectolax.lexbor import LexborHTMLParser, LexborNode

from spyglass.analyze.brands.impersonation import BrandMatch, impersonated_brands, page_host
from spyglass.analyze.brands.lookalikes import Lookalike
from spyglass.analyze.dom import parse_dom
from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.models import RawCapture
from spyglass.refdata.brand_list import brands

NAME = "brands"
LOOKALIKE_ONLY_SCORE = 40

_SEED = re.compile(
    r"seed|mnemonic|recovery.?phrase|secret.?phrase|private.?key|passphrase|\b(?:12|24).?words?",
    re.IGNORECASE,
)
_CARD = re.compile(
    r"card.?num|cc.?num|\bcvv|\bcvc|\bcsc\b|card.?code|security.?code|expir", re.IGNORECASE
)
_TEXT_TYPES = {"text", "password", "search", "tel", "email", "number", "url", ""}
_TECHNIQUE_WORDS = {
    "homoglyph": "homoglyph: look-alike characters",
    "typosquat": "typosquat: one character off",
    "combosquat": "combosquat: the brand plus login words",
    "subdomain": "the brand's name as a subdomain of an unrelated domain",
    "tld-swap": "the brand's name under another suffix",
    "brand-in-domain": "the brand's name inside another domain",
}
_VISUALS = {"logo": "the {name} logo", "favicon": "the {name} icon as its favicon"}
_PLACES = {
    "title": "title",
    "heading": "heading",
    "form": "sign-in box",
    "image": "image text",
    "filename": "image file names",
}


def brands_engine(inputs: Inputs) -> EngineResult:
    """The engine (see the module docstring)."""
    report, capture = inputs.report, inputs.capture
    host = page_host(report, capture) or "this page"
    asks = credential_asks(capture)
    evidence: list[Evidence] = []
    flagged: list[str] = []
    score = 0
    for match in impersonated_brands(report, capture):
        if match.owned:
            continue
        brand = brands()[match.key]
        wanted = [a for a in asks if not (brand.card_network and a == "card details")]
        spoofs = match.strong_lookalikes
        identity = any(s.strong for s in match.signals)
        # A weak presence (a bare common-word name on a lookalike domain) needs both.
        if (identity and (wanted or spoofs)) or (match.present and wanted and spoofs):
            flagged.append(match.key)
            evidence.append(_impersonation(match, host, wanted))
            logos = (_logo_evidence(match, kind) for kind in ("logo", "favicon"))
            evidence += [e for e in logos if e is not None]
            evidence += [_lookalike_evidence(m) for m in spoofs]
            score = max(score, _score(match, wanted, spoofs))
        elif spoofs:
            evidence += [_lookalike_evidence(m) for m in spoofs]
            score = max(score, LOOKALIKE_ONLY_SCORE)
    tags = []
    if flagged:
        tags.append("brand-impersonation")
    if any(e.kind.startswith("lookalike-") for e in evidence):
        tags.append("lookalike-domain")
    return EngineResult(
        engine=NAME,
        score=score,
        malicious=bool(flagged),
        categories=["phishing"] if flagged else [],
        brands=flagged,
        tags=tags,
        evidence=list({e.reason: e for e in evidence}.values()),
    )


def credential_asks(capture: RawCapture) -> list[str]:
    """What the page asks the visitor for: "a password", "a wallet recovery phrase",
    "card details" (inputs anywhere in the DOM: kits often collect without a ``<form>``).

    >>> from datetime import datetime
    >>> now = datetime(2026, 1, 1)
    >>> dom = '<input type=password><input name=cardnumber placeholder="Card number">'
    >>> credential_asks(RawCapture(url="https://a.test/", started_at=now, finished_at=now,
    ...                            dom=dom))
    ['a password', 'card details']
    """
    if not capture.dom:
        return []
    tree = parse_dom(capture.dom)
    asks = []
    if tree.css_first("input[type=password i]") is not None:
        asks.append("a password")
    controls = tree.css("input, textarea")
    if any(_SEED.search(_describe(c)) for c in controls) or _word_grid(tree):
        asks.append("a wallet recovery phrase")
    if any(
        _CARD.search(_describe(c)) or (c.attributes.get("autocomplete") or "").startswith("cc-")
        for c in controls
    ):
        asks.append("card details")
    return asks


def _describe(control: LexborNode) -> str:
    attributes = ("name", "id", "placeholder", "aria-label", "autocomplete")
    return " ".join(control.attributes.get(a) or "" for a in attributes)


def _word_grid(tree: LexborHTMLParser) -> bool:
    """Twelve or more text inputs under one parent or grandparent: a recovery-phrase grid."""
    counts: Counter[int] = Counter()
    for node in tree.css("input"):
        if (node.attributes.get("type") or "").lower() not in _TEXT_TYPES:
            continue
        parent = node.parent
        grand = parent.parent if parent is not None else None
        counts.update(n.mem_id for n in (parent, grand) if n is not None)
    return any(n >= 12 for n in counts.values())


def _impersonation(match: BrandMatch, host: str, asks: list[str]) -> Evidence:
    kinds = match.kinds() or [s.kind for s in match.signals]
    shown = [_VISUALS[k].format(name=match.name) for k in kinds if k in _VISUALS]
    places = list(dict.fromkeys(_PLACES[k] for k in kinds if k in _PLACES))[:2]
    if places:
        shown.append(f"{match.name} in its {_join(places)}")
    shown_text = _join(shown) if shown else match.name
    if asks:
        reason = (
            f"page shows {shown_text} and asks for {_join(asks)} on {host}, "
            f"which {match.name} does not use"
        )
    else:
        reason = f"page shows {shown_text} on {host}, a lookalike domain {match.name} does not use"
    return Evidence(
        reason=reason,
        kind="brand-impersonation",
        detail={
            "brand": match.key,
            "host": host,
            "signals": [
                {"kind": s.kind, "value": s.value, "where": s.where, "strong": s.strong}
                for s in match.signals
            ],
            "asks": asks,
        },
    )


def _logo_evidence(match: BrandMatch, kind: str) -> Evidence | None:
    hit = next((s for s in match.signals if s.kind == kind), None)
    if hit is None:
        return None
    what = "logo" if kind == "logo" else "favicon"
    return Evidence(
        reason=f"the page's {what} ({hit.where}) is the {hit.value} logo from simple-icons",
        kind=f"brand-{kind}",
        detail={"brand": match.key, "where": hit.where, "title": hit.value},
    )


def _lookalike_evidence(match: Lookalike) -> Evidence:
    shown = match.host
    if match.unicode_host != match.host:
        shown = f"{match.host} ({match.unicode_host})"
    return Evidence(
        reason=(
            f"domain {shown} imitates {match.imitates} "
            f"({_TECHNIQUE_WORDS.get(match.technique, match.technique)})"
        ),
        kind=f"lookalike-{match.technique}",
        detail={
            "brand": match.brand,
            "host": match.host,
            "unicode": match.unicode_host,
            "technique": match.technique,
            "imitates": match.imitates,
        },
    )


def _score(match: BrandMatch, asks: list[str], spoofs: list[Lookalike]) -> int:
    score = 75
    if asks and spoofs:
        score += 15
    if any(s.kind in ("logo", "favicon") for s in match.signals):
        score += 10
    return min(score, 100)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


ENGINE = Engine(NAME, brands_engine, needs=("page", "forms", "text", "capture"))
