"""Every corpus sample gets the verdict of its label (tests/testweb/corpus.py).

Each engine's own tests check the evidence (addresses, clipboard text, brands...); this one
checks the whole pipeline's answer per sample, as bench/detection.py counts it, and that the
corpus is the one issue 7 asks for.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.analyze.verdicts.conftest import CorpusReport
from tests.testweb.corpus import Sample, samples

SAMPLES = samples()


def test_the_corpus_covers_every_kind_of_page() -> None:
    assert len(SAMPLES) >= 45
    labels = Counter(s.label for s in SAMPLES)
    assert labels["crypto-drainer"] >= 9
    assert labels["phishing"] >= 8
    assert labels["paste-and-run"] >= 8
    assert sum(1 for s in SAMPLES if s.hard_negative) >= 10
    assert sum(1 for s in SAMPLES if s.name.startswith("saved-")) >= 10  # real saved pages


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
async def test_sample_gets_its_label(sample: Sample, corpus_report: CorpusReport) -> None:
    scanned = await corpus_report(sample.name)
    assert scanned.capture.failure is None, scanned.capture.failure
    ours = scanned.report.verdicts.spyglass
    overall = scanned.report.verdicts.overall
    if sample.label == "benign":
        assert not overall.malicious, ours.reasons
        return
    assert overall.malicious, f"{sample.name} not flagged"
    assert sample.label in overall.categories, ours.reasons
    assert ours.reasons, "a malicious verdict says why"
    assert overall.score > 0
