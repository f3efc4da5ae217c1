"""Engine "phishing": forms that collect credentials, and where the credentials go.

Reads ``report.forms`` (each form's controls and outer HTML), the controls outside any form
(kits that collect by script often have no ``<form>``), the visible text and the page's
scripts (inline in the DOM and the script bodies the page loaded).

What it finds, and what it takes to call the page malicious:

- a password / card / one-time-code / SSN form posting to its own site: an ordinary login or
  checkout page. Recorded, score 0;
- a wallet recovery phrase (a 12/18/24-word grid, a "mnemonic" textarea) or a private key:
  no legitimate site asks for one on a web page. Malicious;
- credentials sent to another registrable domain, a bare IP address, a ``mailto:`` address, a
  Telegram bot or a Discord webhook (by the form's action, by a script's code, or by a POST
  the page made while it showed the form -- the scanner types nothing, so mostly the code
  tells): malicious;
- a kit-style mailer (``next.php``, ``post.php``...) on the page's own site: suspicious only;
- credentials asked for on a page that impersonates a brand (``analyze/brands.py``, the
  analysis the brands engine judges by): malicious.

Example: ``login.test``'s form (email + password, ``action=https://collect.test/submit.php``)
gives the evidence "form posts passwords to collect.test (another site than login.test)",
score 80, malicious, category "phishing".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborNode

from spyglass.analyze.brands.impersonation import impersonated_brands
from spyglass.analyze.dom import parse_dom
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.ips import is_ip
from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.models import Form, RawCapture
from spyglass.refdata.brand_list import brands

NAME = "phishing"
MALICIOUS_SCORE = 70
# Scripts are read up to this many bytes in all: a kit's exfiltration code is small, and a
# page pulling megabytes of framework code should not slow every report down.
MAX_SCRIPT_BYTES = 4 * 1024 * 1024

# What a control asks for, from its name, id, placeholder, aria-label, autocomplete, title and
# label text (camelCase, "_" and "-" turned into spaces, lower case).
_SEED = re.compile(
    r"\b(mnemonic|seed|seed ?phrase|recovery ?phrase|secret ?(recovery )?phrase|wallet ?phrase"
    r"|(12|18|24) ?words?|phrase)\b"
)
_PRIVATE_KEY = re.compile(r"\b(private ?key|privkey|keystore( json)?|secret ?key)\b")
_PASSWORD = re.compile(r"\b(password|passwd|pass|pwd|passcode)\b")
_CARD = re.compile(r"\b(card ?number|cc ?(num|number)|credit ?card|debit ?card|pan)\b")
_CVV = re.compile(r"\b(cvv2?|cvc2?|csc|cc csc|card ?security ?code)\b")
_EXPIRY = re.compile(r"\b(cc exp|expir\w*|exp ?date|mm ?/? ?yy)\b")
_SSN = re.compile(r"\b(ssn|social ?security( number)?)\b")
_OTP = re.compile(
    r"\b(otp|totp|one ?time( code| password| passcode)?|2fa|two ?factor|mfa|verification ?code"
    r"|auth(entication|enticator)? ?code|sms ?code|security ?code|6 ?digit ?code)\b"
)
_PIN = re.compile(r"\b(pin|card ?pin|atm ?pin)\b")
# Ordinary fields of a long sign-up form: never one word of a recovery phrase.
_PERSONAL = re.compile(
    r"\b(name|e ?mail|phone|tel|mobile|address|street|city|zip|postal|post code|country|state"
    r"|birth|company|search|user ?name|login|amount|quantity)\b"
)
# The page text that makes a grid of 12+ single-word inputs a recovery phrase.
_PHRASE_TEXT = re.compile(
    r"\b(recovery|secret|seed|backup|mnemonic|wallet)\s+(recovery\s+)?(phrase|words)\b"
    r"|\bmnemonic\b",
    re.IGNORECASE,
)
_WORD_COUNTS = (12, 15, 18, 21, 24)

# File names of the mailer scripts phishing kits ship ("next.php" answers the first step with
# the second, "post.php"/"send.php" mail the loot); a legitimate login rarely posts to these.
_KIT_MAILERS = frozenset(
    (
        "next.php", "post.php", "send.php", "mailer.php", "mail.php", "result.php",
        "results.php", "verify.php", "process.php", "login2.php", "step2.php", "finish.php",
        "send_data.php", "gate.php", "drop.php", "rezult.php", "snd.php",
    )
)  # fmt: skip
# Path words of a kit collector endpoint called by script (with another site as host).
_COLLECTOR_WORDS = frozenset(("next", "post", "send", "gate", "submit", "result", "results",
                              "panel", "receive", "drop", "loot", "log.php"))  # fmt: skip

_TELEGRAM = re.compile(r"api\.telegram\.org/bot", re.IGNORECASE)
_TELEGRAM_BOT = re.compile(r"/bot(\d{6,12}):", re.IGNORECASE)
_SCRIPT_REQUESTS = frozenset(("XHR", "Fetch", "Ping", "Other"))
_DISCORD = re.compile(r"discord(?:app)?\.com/api/webhooks/", re.IGNORECASE)
# A URL a script sends data to: fetch("..."), $.ajax({url: "..."}), $.post("..."),
# xhr.open("POST", "..."), navigator.sendBeacon("...").
_SCRIPT_SINK = re.compile(
    r"""(?:fetch\s*\(|\$\.post\s*\(|sendBeacon\s*\(|\.open\s*\(\s*["']post["']\s*,|url\s*:)"""
    r"""\s*["'`](?P<url>(?:https?:)?//[^"'`\s]+)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Asks:
    """What one group of controls (a form, or the controls outside any form) asks for."""

    password: bool = False
    seed_words: int = 0  # the number of inputs of a recovery-phrase grid; 0: none
    seed_field: bool = False  # one field (textarea) for the whole phrase
    private_key: bool = False
    card: bool = False
    cvv: bool = False
    ssn: bool = False
    otp: bool = False
    pin: bool = False

    @property
    def seed(self) -> bool:
        return bool(self.seed_words) or self.seed_field or self.private_key

    @property
    def credentials(self) -> bool:
        return self.seed or self.password or self.card or self.cvv or self.ssn or self.otp

    def words(self) -> str:
        """What is asked for, in the words of a reason.

        >>> Asks(password=True, otp=True).words()
        'passwords and one-time codes'
        >>> Asks(seed_words=12).words()
        'a 12-word wallet recovery phrase'
        """
        parts = []
        if self.seed_words:
            parts.append(f"a {self.seed_words}-word wallet recovery phrase")
        elif self.seed_field:
            parts.append("a wallet recovery phrase")
        if self.private_key:
            parts.append("a wallet private key")
        if self.password:
            parts.append("passwords")
        if self.card or self.cvv:
            parts.append("card numbers" if self.card else "card security codes")
        if self.ssn:
            parts.append("social security numbers")
        if self.otp:
            parts.append("one-time codes")
        if self.pin:
            parts.append("PINs")
        if len(parts) < 2:
            return parts[0] if parts else "nothing"
        return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Group:
    """A form (or the page's loose controls: ``form`` None) and what it asks for."""

    form: Form | None
    asks: Asks


def phishing(inputs: Inputs) -> EngineResult:
    """The phishing engine: see the module docstring."""
    report = inputs.report
    page_host = (report.page.domain or host_of(report.page.url) or "").lower()
    page_site = report.page.apex_domain or apex_domain(page_host) or page_host
    phrase_text = bool(_PHRASE_TEXT.search(report.text or ""))
    groups = [
        g for g in _groups(report.forms, inputs.capture.dom, phrase_text) if g.asks.credentials
    ]
    scripts = page_scripts(inputs)
    evidence: list[tuple[int, Evidence]] = []
    for group in groups:
        evidence.extend(_seed_evidence(group))
        if group.form is not None:
            evidence.extend(_destination_evidence(group.form, group.asks, page_host, page_site))
    if groups:
        asks = _merge(g.asks for g in groups)
        evidence.extend(_request_evidence(inputs.capture, asks, page_host, page_site))
        evidence.extend(_script_evidence(scripts, asks, page_host, page_site))
        evidence.extend(_brand_evidence(inputs, asks))
    if not evidence and groups:
        evidence.append((0, _ordinary(groups, page_site)))
    return _result(evidence)


def _result(found: list[tuple[int, Evidence]]) -> EngineResult:
    score = max((s for s, _ in found), default=0)
    malicious = score >= MALICIOUS_SCORE
    tags: list[str] = list(dict.fromkeys(e.detail["tag"] for _, e in found if e.detail.get("tag")))
    brand_keys = list(dict.fromkeys(b for _, e in found for b in e.detail.get("brands", [])))
    ordered = sorted(found, key=lambda pair: -pair[0])
    return EngineResult(
        engine=NAME,
        score=score,
        malicious=malicious,
        categories=["phishing"] if malicious else [],
        brands=brand_keys if malicious else [],
        tags=tags if score > 0 else [],
        evidence=[e for _, e in ordered],
    )


# ---------------------------------------------------------------- what the controls ask for


def _groups(forms: list[Form], dom: str | None, phrase_text: bool) -> list[Group]:
    groups = [Group(form, _asks(_form_controls(form), phrase_text)) for form in forms]
    loose = _loose_controls(dom)
    if loose:
        groups.append(Group(None, _asks(loose, phrase_text)))
    return groups


def _form_controls(form: Form) -> list[tuple[str, str, str]]:
    """(tag, type, descriptor) of each control of the form, from its outer HTML, plus the
    controls it owns from outside through ``form="id"`` (known by name and id only)."""
    tree = parse_dom(form.html)
    labels = _labels(tree.css("label"))
    nodes = tree.css("input, textarea, select")
    controls = [_control(node, labels) for node in nodes]
    inside = {(n.attributes.get("name"), n.attributes.get("id")) for n in nodes}
    for control in form.inputs:
        if control.tag != "button" and (control.name, control.id) not in inside:
            names = " ".join(filter(None, (control.name, control.id)))
            controls.append((control.tag, control.type or "text", _words(names)))
    return controls


def _loose_controls(dom: str | None) -> list[tuple[str, str, str]]:
    """The controls outside every ``<form>`` of the DOM."""
    if not dom:
        return []
    tree = parse_dom(dom)
    labels = _labels(tree.css("label"))
    return [
        _control(node, labels)
        for node in tree.css("input, textarea")
        if not _inside_form(node) and "form" not in node.attributes
    ]


def _inside_form(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "form":
            return True
        parent = parent.parent
    return False


def _labels(nodes: Iterable[LexborNode]) -> dict[str, str]:
    return {n.attributes.get("for") or "": n.text() for n in nodes if n.attributes.get("for")}


def _control(node: LexborNode, labels: dict[str, str]) -> tuple[str, str, str]:
    attributes = node.attributes
    tag = node.tag or "input"
    kind = (attributes.get("type") or "text").strip().lower() if tag == "input" else tag
    parts = [attributes.get(key) for key in ("name", "id", "placeholder", "aria-label",
                                             "autocomplete", "title", "data-label")]  # fmt: skip
    parts.append(labels.get(attributes.get("id") or ""))
    parent = node.parent
    if parent is not None and parent.tag == "label":
        parts.append(parent.text())
    return tag, kind, _words(" ".join(p for p in parts if p))


def _words(text: str) -> str:
    """Names as words: ``"cardNumber cc_csc one-time-code"`` -> ``"card number cc csc one
    time code"``.

    >>> _words("seedPhrase_1 CVV2")
    'seed phrase 1 cvv2'
    """
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return " ".join(re.sub(r"[_\-\[\].:#]+", " ", spaced).lower().split())


_SKIPPED_TYPES = frozenset(("hidden", "submit", "button", "reset", "image", "checkbox", "radio",
                            "file", "range", "color", "select-one", "select"))  # fmt: skip


def _asks(controls: list[tuple[str, str, str]], phrase_text: bool) -> Asks:
    fields = [(tag, kind, words) for tag, kind, words in controls if kind not in _SKIPPED_TYPES]
    word_inputs = sum(
        1 for tag, kind, words in fields if tag == "input" and kind in ("text", "password")
        and not _PASSWORD.search(words) and not _OTP.search(words)
        and not _PERSONAL.search(words)
    )  # fmt: skip
    grid = word_inputs >= _WORD_COUNTS[0] and (
        phrase_text or any(_SEED.search(words) for _, _, words in fields)
    )
    seed_field = any(
        _SEED.search(words) and (tag == "textarea" or "phrase" in words or "mnemonic" in words)
        for tag, _, words in fields
    )
    private_key = any(_PRIVATE_KEY.search(words) for _, _, words in fields)
    return Asks(
        password=not grid
        and any(kind == "password" or _PASSWORD.search(w) for _, kind, w in fields),
        seed_words=_grid_size(word_inputs) if grid else 0,
        seed_field=seed_field and not grid,
        private_key=private_key,
        card=any(_CARD.search(w) for _, _, w in fields),
        cvv=any(_CVV.search(w) for _, _, w in fields),
        ssn=any(_SSN.search(w) for _, _, w in fields),
        otp=any(_OTP.search(w) and not _CVV.search(w) for _, _, w in fields),
        pin=any(_PIN.search(w) for _, _, w in fields),
    )


def _grid_size(count: int) -> int:
    """The phrase length a grid of ``count`` inputs asks for (kits add a spare input or two).

    >>> _grid_size(12), _grid_size(13), _grid_size(24), _grid_size(30)
    (12, 12, 24, 24)
    """
    return max((n for n in _WORD_COUNTS if n <= count), default=count)


def _merge(asks: Iterable[Asks]) -> Asks:
    merged: dict[str, int | bool] = {}
    for one in asks:
        for key, value in vars(one).items():
            merged[key] = max(merged.get(key, 0), value)
    return Asks(**merged)  # type: ignore[arg-type]


# ---------------------------------------------------------------- evidence


def _seed_evidence(group: Group) -> Iterator[tuple[int, Evidence]]:
    asks = group.asks
    if not asks.seed:
        return
    what = Asks(seed_words=asks.seed_words, seed_field=asks.seed_field,
                private_key=asks.private_key).words()  # fmt: skip
    kind = "private-key-form" if asks.private_key and not asks.seed_words else "seed-phrase-form"
    detail = {"tag": "seed-phrase", "words": asks.seed_words or None,
              "action": group.form.action_url if group.form else None}  # fmt: skip
    yield 90, Evidence(reason=f"page asks for {what}", kind=kind, detail=detail)


def _destination_evidence(
    form: Form, asks: Asks, page_host: str, page_site: str
) -> Iterator[tuple[int, Evidence]]:
    what = asks.words()
    url = form.action_url
    scheme = urlsplit(url).scheme.lower()
    host = (form.action_domain or host_of(url) or "").lower()
    detail = {"action": url, "method": form.method, "asks": what}
    if scheme == "mailto":
        address = unquote(url.split(":", 1)[1].split("?", 1)[0])
        yield (
            80,
            Evidence(
                reason=f"form emails {what} to {address} (mailto:)",
                kind="credentials-mailto",
                detail={**detail, "address": address, "tag": "mailto-exfil"},
            ),
        )
        return
    if scheme not in ("http", "https") or not host:
        return
    if host == "api.telegram.org":
        yield (
            95,
            Evidence(
                reason=f"form sends {what} to a Telegram bot (api.telegram.org)",
                kind="credentials-telegram",
                detail={**detail, "tag": "telegram-exfil"},
            ),
        )
        return
    if is_ip(host) and host != page_host:
        yield (
            80,
            Evidence(
                reason=f"form posts {what} to the bare IP address {host}",
                kind="credentials-bare-ip",
                detail={**detail, "domain": host, "tag": "bare-ip-action"},
            ),
        )
        return
    site = apex_domain(host) or host
    if site != page_site:
        yield (
            80,
            Evidence(
                reason=f"form posts {what} to {host} (another site than {page_site})",
                kind="credentials-cross-domain",
                detail={**detail, "domain": host, "site": site, "tag": "cross-domain-action"},
            ),
        )
        return
    file_name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    if file_name in _KIT_MAILERS:
        yield (
            30,
            Evidence(
                reason=f"form posts {what} to {file_name}, a mailer name phishing kits use",
                kind="kit-mailer",
                detail={**detail, "file": file_name, "tag": "kit-mailer"},
            ),
        )


def _request_evidence(
    capture: RawCapture, asks: Asks, page_host: str, page_site: str
) -> Iterator[tuple[int, Evidence]]:
    """Data the page really sent by script while it showed the credential form: kits report
    each visit to their Telegram bot or collector before anything is typed."""
    what = asks.words()
    reported: set[str] = set()
    for transaction in capture.transactions:
        if transaction.method != "POST" or transaction.resource_type not in _SCRIPT_REQUESTS:
            continue
        url = transaction.url
        host = (host_of(url) or "").lower()
        detail = {"url": url, "post_data": (transaction.post_data or "")[:500]}
        if host in reported:
            continue
        if host == "api.telegram.org" and _TELEGRAM.search(url):
            bot = _TELEGRAM_BOT.search(url)
            reported.add(host)
            yield (
                95,
                Evidence(
                    reason=f"page posted to a Telegram bot (api.telegram.org) while asking "
                    f"for {what}",
                    kind="telegram-request",
                    detail={**detail, "bot": bot[1] if bot else None, "tag": "telegram-exfil"},
                ),
            )
        elif _collector_path(url) and (
            (is_ip(host) and host != page_host) or (apex_domain(host) or host) != page_site
        ):
            reported.add(host)
            yield (
                80,
                Evidence(
                    reason=f"page posted data to {host} (another site than {page_site}) while "
                    f"asking for {what}",
                    kind="collector-request",
                    detail={**detail, "domain": host, "tag": "script-exfil"},
                ),
            )


def _script_evidence(
    scripts: list[tuple[str, str]], asks: Asks, page_host: str, page_site: str
) -> Iterator[tuple[int, Evidence]]:
    """Exfiltration written in the page's scripts (the scanner types nothing, so the request
    itself is never made: the script's text is the evidence)."""
    what = asks.words()
    reported: set[str] = set()
    for where, text in scripts:
        if _TELEGRAM.search(text) and "telegram" not in reported:
            reported.add("telegram")
            yield (
                95,
                Evidence(
                    reason=f"a script sends {what} to a Telegram bot (api.telegram.org)",
                    kind="credentials-telegram",
                    detail={"script": where, "tag": "telegram-exfil"},
                ),
            )
        if _DISCORD.search(text) and "discord" not in reported:
            reported.add("discord")
            yield (
                90,
                Evidence(
                    reason=f"a script sends {what} to a Discord webhook (discord.com)",
                    kind="credentials-discord",
                    detail={"script": where, "tag": "discord-exfil"},
                ),
            )
        for match in _SCRIPT_SINK.finditer(text):
            url = match["url"]
            host = (host_of(url if ":" in url.split("/", 1)[0] else "https:" + url) or "").lower()
            if not host or host in reported or host in ("api.telegram.org", "discord.com"):
                continue
            if not _collector_path(url):
                continue
            if is_ip(host) and host != page_host:
                reason = f"a script posts {what} to the bare IP address {host}"
            elif (apex_domain(host) or host) != page_site:
                reason = f"a script posts {what} to {host} (another site than {page_site})"
            else:
                continue
            reported.add(host)
            yield (
                80,
                Evidence(
                    reason=reason,
                    kind="credentials-script-exfil",
                    detail={"script": where, "url": url, "domain": host, "tag": "script-exfil"},
                ),
            )


def _collector_path(url: str) -> bool:
    """Whether a URL looks like a kit's loot endpoint rather than analytics or an API.

    >>> _collector_path("https://gate.test/panel/next.php"), _collector_path("https://x.test/g/collect")
    (True, False)
    """
    path = urlsplit(url if "//" in url else "//" + url).path.lower()
    if path.endswith(".php"):
        return True
    return any(part in _COLLECTOR_WORDS for part in re.split(r"[/._-]+", path) if part)


def _brand_evidence(inputs: Inputs, asks: Asks) -> Iterator[tuple[int, Evidence]]:
    """Credentials asked for on a page impersonating a brand (its logo, name or look-alike
    domain off the brand's own domains: ``spyglass.analyze.brands.impersonation``)."""
    for match in impersonated_brands(inputs.report, inputs.capture):
        if not match.impersonated:
            continue
        # Card-network logos sit next to every card form: they count for logins only.
        if brands()[match.key].card_network and not (asks.password or asks.seed):
            continue
        yield (
            85,
            Evidence(
                reason=f"page impersonating {match.name} asks for {asks.words()}",
                kind="brand-credentials",
                detail={
                    "brands": [match.key],
                    "signals": match.kinds(),
                    "tag": "brand-impersonation",
                },
            ),
        )


def _ordinary(groups: list[Group], page_site: str) -> Evidence:
    asks = _merge(g.asks for g in groups)
    return Evidence(
        reason=f"page asks for {asks.words()} and sends them to its own site ({page_site})",
        kind="credential-form",
        detail={"actions": [g.form.action_url for g in groups if g.form is not None]},
    )


# ---------------------------------------------------------------- scripts


def page_scripts(inputs: Inputs) -> list[tuple[str, str]]:
    """(where, text) of each script: inline ones from the DOM ("DOM"), then the script bodies
    the page loaded (their URL), within ``MAX_SCRIPT_BYTES`` in all."""
    found: list[tuple[str, str]] = []
    budget = MAX_SCRIPT_BYTES
    dom = inputs.capture.dom
    if dom:
        for node in parse_dom(dom).css("script"):
            text = node.text(deep=True)
            if text.strip() and budget > 0:
                found.append(("DOM", text[:budget]))
                budget -= len(text)
    seen: set[str] = set()
    for transaction in inputs.capture.transactions:
        sha = transaction.body_sha256
        if transaction.resource_type != "Script" or not sha or sha in seen or budget <= 0:
            continue
        seen.add(sha)
        body = inputs.body(sha)
        if body:
            found.append((transaction.url, body[:budget].decode("utf-8", "replace")))
            budget -= len(body)
    return found


ENGINE = Engine(NAME, phishing, needs=("page", "forms", "text", "capture"))
