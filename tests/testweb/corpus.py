"""The labelled corpus: test-web pages with the verdict a careful analyst would give them.

Each corpus site module (sites/drainers.py, sites/lures.py, sites/credential.py,
sites/crypto_pages.py, sites/saved_pages.py) lists its pages in ``CORPUS``; ``samples()`` gathers
them. tests/analyze/verdicts/ scans every sample and checks its verdict and evidence;
bench/detection.py prints precision and recall per category over the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["crypto-drainer", "phishing", "paste-and-run", "benign"]
LABELS: tuple[Label, ...] = ("crypto-drainer", "phishing", "paste-and-run", "benign")


@dataclass(frozen=True)
class Sample:
    name: str  # unique, used as the test id: "drainer-approve-max"
    host: str
    path: str = "/"
    https: bool = True
    label: Label = "benign"
    # A benign page built to look like the malicious ones (copy buttons, brand pages on the
    # brand's own domain, addresses in text...): a verdict on one is a false positive.
    hard_negative: bool = False
    note: str = ""
    # Other categories a careful analyst would also give it (a drainer on a page imitating
    # Uniswap is phishing too): not counted as false positives.
    also: tuple[Label, ...] = ()


def samples() -> list[Sample]:
    from tests.testweb.sites import corpus_modules

    found = [sample for module in corpus_modules() for sample in module.CORPUS]
    names = [s.name for s in found]
    assert len(names) == len(set(names)), "two corpus samples share a name"
    return found
