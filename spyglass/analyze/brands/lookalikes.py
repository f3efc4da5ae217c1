"""Lookalike domains: host names built to pass for a brand's own.

``lookalikes(host)`` checks a host against every bundled brand (spyglass/refdata/brand_list.py)
and names the technique:

- ``homoglyph``: an IDN (``xn--``) label whose Unicode form reads as the brand once confusable
  characters are folded (``xn--pypal-4ve`` is "paypal" with a Cyrillic U+0430 for its first
  "a"). The fold ("skeleton") uses the Unicode confusables data of the
  ``confusable_homoglyphs`` package (characters confusable with a Latin letter or digit), after
  stripping accents (NFKD);
- ``typosquat``: an ASCII label one edit away from the brand (Damerau-Levenshtein distance 1:
  ``paypa1``, ``coinbsae``, ``micros0ftonline``), or equal to it once look-alike ASCII sequences
  are folded (``0``->o, ``1``->l, ``rn``->m, ``vv``->w: ``rnicrosoft``);
- ``combosquat``: the brand's label joined with words phishers add (``paypal-secure-login``,
  ``login-microsoftonline``, ``paypalverify``);
- ``subdomain``: the brand's whole domain or label as subdomain labels of an unrelated
  registrable domain (``secure.chase.com.verify-account.xyz``);
- ``tld-swap``: the brand's label under a suffix it does not use (``paypal.test``);
- ``brand-in-domain``: the label as one word of another domain (``paypal-fans.test``): weak.

A host the brand owns (its domains and their subdomains) is never a lookalike of it. Labels of
common-word brands ("apple", "chase", "steam") make lookalikes marked ``needs_context``: the
engine requires the brand on the page too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from confusable_homoglyphs import confusables

from spyglass.analyze.domains import apex_domain
from spyglass.analyze.ips import is_ip
from spyglass.refdata.brand_list import Brand, brands

Technique = Literal[
    "homoglyph", "typosquat", "combosquat", "subdomain", "tld-swap", "brand-in-domain"
]
STRONG: frozenset[str] = frozenset(
    {"homoglyph", "typosquat", "combosquat", "subdomain", "tld-swap"}
)

# Words phishing domains wrap a brand in (combosquatting, Kintis et al. 2017, plus crypto lures).
# fmt: off
COMBO_WORDS = frozenset((
    "login", "logon", "signin", "sign", "secure", "security", "verify", "verification",
    "account", "accounts", "support", "update", "wallet", "airdrop", "claim", "auth", "online",
    "service", "services", "help", "helpdesk", "recovery", "recover", "unlock", "restore",
    "confirm", "validation", "validate", "billing", "payment", "pay", "id", "web", "mail",
    "webmail", "portal", "app", "connect", "sync", "dapp", "bonus", "reward", "rewards",
    "gift", "promo", "official", "team", "center", "centre", "alert", "alerts", "notice",
    "review", "limited", "resolve", "case", "dispute", "refund", "my", "user", "customer",
    "client", "access", "session", "identity", "kyc", "check", "net", "online", "live", "mfa",
    "2fa", "office", "cloud", "drive", "docs", "file", "files", "share", "secured", "safe",
    "tracking", "track", "parcel", "delivery", "package", "shipment", "redelivery", "customs",
    "invoice", "mobile", "bank", "banking", "ebanking", "netbanking", "exchange", "pro", "nft",
    "mint", "giveaway", "migrate", "migration", "v2", "v3", "token", "tokens", "defi", "swap",
))
# fmt: on
# Everyday words one edit away from a brand label ("email" / gmail, "stream" / steam).
_EVERYDAY = frozenset(
    (
        "email",
        "venom",
        "stream",
        "chose",
        "chaser",
        "chaste",
        "cease",
        "ledge",
        "ledges",
        "trusty",
        "phantoms",
        "steal",
        "steak",
        "seam",
        "zooms",
        "apply",
        "ample",
        "maple",
        "amazing",
        "gemini",
        "wiser",
        "wisest",
        "vista",
        "visas",
        "bookings",
        "booing",
    )
)
_RANK: tuple[Technique, ...] = ("homoglyph", "typosquat", "tld-swap", "combosquat")
_ASCII_FOLDS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"))
_SPLIT = re.compile(r"[-_]+")


@dataclass(frozen=True)
class Lookalike:
    host: str
    brand: str  # key
    technique: Technique
    imitates: str  # the brand's domain it copies: "paypal.com", "chase.com"
    unicode_host: str  # the host with IDN labels decoded ("p\u0430ypal.test")
    needs_context: bool  # a common-word brand: only telling with the brand on the page

    @property
    def strong(self) -> bool:
        return self.technique in STRONG


def lookalikes(host: str | None) -> list[Lookalike]:
    """Every brand the host imitates, with the technique (see the module docstring).

    >>> [(m.brand, m.technique) for m in lookalikes("xn--pypal-4ve.test")]
    [('paypal', 'homoglyph')]
    >>> [(m.brand, m.technique) for m in lookalikes("paypal-secure-login.com")]
    [('paypal', 'combosquat')]
    >>> lookalikes("www.paypal.com"), lookalikes("news.test")
    ([], [])
    """
    if not host:
        return []
    host = host.strip().lower().rstrip(".")
    apex = apex_domain(host)
    if not apex or is_ip(host):
        return []
    found: list[Lookalike] = []
    for brand in brands().values():
        if brand.owns(host) or brand.hosts_for_others(host):
            continue
        technique, imitates = _technique(brand, host, apex)
        if technique:
            found.append(
                Lookalike(
                    host=host,
                    brand=brand.key,
                    technique=technique,
                    imitates=_domain_of(brand, imitates),
                    unicode_host=unicode_host(host),
                    needs_context=brand.common_word,
                )
            )
    return found


def unicode_host(host: str) -> str:
    """The host with its IDN labels decoded (an undecodable label is kept as written).

    >>> unicode_host("www.xn--pypal-4ve.test")
    'www.p\u0430ypal.test'
    """
    return ".".join(_decode_label(label) for label in host.split("."))


def skeleton(text: str) -> str:
    """``text`` with confusable characters folded to the ASCII they imitate.

    >>> skeleton("p\u0430ypal"), skeleton("p\u00e0ypal"), skeleton("rnicrosoft")
    ('paypal', 'paypal', 'microsoft')
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(_fold_char(c) for c in decomposed if not unicodedata.combining(c))
    for seq, letter in _ASCII_FOLDS:
        folded = folded.replace(seq, letter)
    return folded


def damerau_levenshtein_1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are exactly one edit apart (insert, delete, substitute, swap).

    >>> damerau_levenshtein_1("coinbsae", "coinbase"), damerau_levenshtein_1("paypa", "paypal")
    (True, True)
    >>> damerau_levenshtein_1("paypal", "paypal"), damerau_levenshtein_1("pyapl", "paypal")
    (False, False)
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _technique(brand: Brand, host: str, apex: str) -> tuple[Technique | None, str]:
    registrable = unicode_host(apex).split(".", 1)[0]
    sub_labels = [unicode_host(x) for x in host[: -len(apex)].strip(".").split(".") if x]
    matches = [(_registrable_match(label, registrable), label) for label in brand.labels]
    ranked = sorted((_RANK.index(t), -len(label), t, label) for t, label in matches if t)
    if ranked:
        return ranked[0][2], ranked[0][3]
    sub = "." + ".".join(host[: -len(apex)].strip(".").split(".")) + "."
    for domain in sorted(brand.domains):
        if f".{domain}." in sub:
            return "subdomain", domain
    for label in brand.labels:
        if any(label in _SPLIT.split(s) for s in sub_labels if len(label) >= 4):
            return "subdomain", label
    for label in brand.labels:
        if len(label) >= 4 and label in _SPLIT.split(registrable):
            return "brand-in-domain", label
    return None, ""


def _registrable_match(label: str, registrable: str) -> Technique | None:
    """How the registrable label ("paypal-secure-login") imitates the brand label ("paypal")."""
    if registrable == label:
        return "tld-swap"
    words = [w for w in _SPLIT.split(registrable) if w]
    joined = "".join(words)
    target = skeleton(label)
    candidates = [joined, *words] if len(words) > 1 else [joined]
    for word in candidates:
        if word == label:
            continue
        if skeleton(word) == target:
            return "homoglyph" if not word.isascii() else "typosquat"
        typo = len(label) >= 5 and word.isascii() and word not in _not_typos()
        if typo and damerau_levenshtein_1(word, label):
            return "typosquat"
    if len(words) > 1 and label in words:
        rest = [w for w in words if w != label]
        if any(w in COMBO_WORDS for w in rest):
            return "combosquat"
    for word in words:
        folded = skeleton(word)
        if len(target) < 5 or target not in folded or folded == target:
            continue
        rest = folded.replace(target, " ", 1).split()
        if rest and all(r in COMBO_WORDS for r in rest):
            if not word.isascii():
                return "homoglyph"
            return "combosquat" if target in word else "typosquat"
    return None


def _domain_of(brand: Brand, label_or_domain: str) -> str:
    """The brand's domain a lookalike copies: "microsoftonline" -> "microsoftonline.com"."""
    if "." in label_or_domain:
        return label_or_domain
    ordered = sorted(brand.domains, key=lambda d: (d != brand.primary, len(d), d))
    return next((d for d in ordered if d.split(".", 1)[0] == label_or_domain), brand.primary)


@functools.cache
def _not_typos() -> frozenset[str]:
    """Words that are never a typo: brands' own labels, combo words, everyday look-alikes."""
    own = {label for b in brands().values() for label in b.labels}
    return frozenset(own | COMBO_WORDS | _EVERYDAY)


def _decode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label  # not valid punycode: the browser would not have resolved it either


@functools.cache
def _fold_char(char: str) -> str:
    """One character -> the ASCII letter or digit it is confusable with (itself otherwise)."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin", "common"])
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            c: str = glyph["c"]
            if len(c) == 1 and c.isascii() and c.isalnum():
                return c.lower()
    return char
