"""Which known brands a page presents itself as, and whether it is on their own domains.

The public face of the brand analysis (pure: no I/O beyond the bundled data, read once):

- ``brand_info(key)``: the brand object for ``verdicts.*.brands`` (the combiner's callable);
- ``lookalikes(host)``: brands a host name imitates (``brands/lookalikes.py``);
- ``impersonated_brands(report, capture)``: one ``BrandMatch`` per brand the page shows or
  whose domain it imitates, with the signals (``brands/signals.py``), the lookalike domains
  (the page's host and its forms' action hosts) and ``owned``: whether the page is on one of
  the brand's own domains. The phishing engine combines ``match.impersonated`` with its
  credential forms; the brands engine (``verdicts/brands.py``) gives the verdict.

On a page of a known brand's own domain (``www.paypal.com``) only that brand is reported: the
card-network logos of PayPal's checkout or a "Sign in with Google" button there are not
impersonation. On a host where a brand serves anyone's content (sites.google.com,
forms.office.com, *.github.io) that brand is left out and the others are judged as anywhere
else.

Example: ``xn--pypal-4ve.test`` titled "PayPal: Log in" gives
``BrandMatch(key="paypal", owned=False, ...)`` (``present`` True) with a ``homoglyph``
lookalike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spyglass.analyze.brands.lookalikes import Lookalike, lookalikes
from spyglass.analyze.brands.signals import Signal, page_signals
from spyglass.analyze.domains import host_of
from spyglass.models import RawCapture, Report
from spyglass.refdata.brand_list import Brand, brand_info, brands, owner_of


@dataclass(frozen=True)
class BrandMatch:
    key: str
    name: str
    owned: bool  # the page is on one of the brand's own domains
    signals: list[Signal] = field(default_factory=list)
    lookalikes: list[Lookalike] = field(default_factory=list)

    @property
    def strong_lookalikes(self) -> list[Lookalike]:
        """Lookalike domains that count: common-word brands' only with the brand on the page."""
        return [m for m in self.lookalikes if m.strong and (self.signals or not m.needs_context)]

    @property
    def present(self) -> bool:
        """The page presents itself as the brand: a strong signal, or a weak one (a bare
        common-word name, a body-text mention) on a lookalike domain."""
        strong = any(s.strong for s in self.signals)
        return strong or bool(self.signals and self.strong_lookalikes)

    @property
    def impersonated(self) -> bool:
        return self.present and not self.owned

    def kinds(self) -> list[str]:
        """The kinds of the strong signals, in a fixed order: ["logo", "title", ...]."""
        order = ("logo", "favicon", "title", "heading", "form", "image", "filename", "text")
        have = {s.kind for s in self.signals if s.strong}
        return [k for k in order if k in have]


def page_host(report: Report, capture: RawCapture) -> str | None:
    return report.page.domain or host_of(capture.final_url or capture.url)


def impersonated_brands(report: Report, capture: RawCapture) -> list[BrandMatch]:
    """Every brand the page shows or imitates (see the module docstring), strongest first."""
    host = page_host(report, capture)
    owner = owner_of(host)
    signals: dict[str, list[Signal]] = {}
    for signal in page_signals(report, capture):
        signals.setdefault(signal.brand, []).append(signal)
    found: dict[str, list[Lookalike]] = {}
    hosts = [host, *(f.action_domain for f in report.forms)]
    for checked in dict.fromkeys(h for h in hosts if h):
        for match in lookalikes(checked):
            found.setdefault(match.brand, []).append(match)
    keys = [k for k in dict.fromkeys([*signals, *found]) if not brands()[k].hosts_for_others(host)]
    if owner is not None:
        keys = [owner.key] if owner.key in keys else []
    matches = [_match(brands()[k], host, signals.get(k, []), found.get(k, [])) for k in keys]
    matches = [m for m in matches if m.present or m.lookalikes]
    return sorted(matches, key=lambda m: (not m.impersonated, not m.present, m.key))


def _match(
    brand: Brand, host: str | None, signals: list[Signal], found: list[Lookalike]
) -> BrandMatch:
    return BrandMatch(
        key=brand.key,
        name=brand.name,
        owned=brand.owns(host),
        signals=signals,
        lookalikes=found,
    )


__all__ = ["BrandMatch", "brand_info", "impersonated_brands", "lookalikes", "page_host"]
