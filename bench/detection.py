"""Detection quality over the labelled corpus: precision and recall per category.

    .venv/bin/python -m bench.detection [--concurrency 2] [--json]

Scans every sample of tests/testweb/corpus.py (the test web, served by its own process on
loopback) with the default options, builds each report with every verdict engine, and prints:

- per category (crypto-drainer, phishing, paste-and-run): true and false positives, misses,
  precision and recall; a sample counts as detected for its category when the overall verdict
  is malicious and names that category;
- benign samples flagged (false positives), hard negatives apart;
- every sample whose verdict disagrees with its label, with the reasons given.

Targets (issue 7): recall >= 0.95 for each category, no false positive on a hard negative.
The exit status is 1 when a target is missed, so the script can gate a change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.capture import CHROMIUM, machine_info, spyglass_settings, testweb_process
from spyglass.analyze.report import build_report
from spyglass.capture.browser import BrowserPool
from spyglass.models import TaskInfo
from tests.testweb.corpus import LABELS, Sample, samples

CATEGORIES = [label for label in LABELS if label != "benign"]
RECALL_TARGET = 0.95


@dataclass(frozen=True)
class Outcome:
    sample: Sample
    malicious: bool
    categories: list[str]
    reasons: list[str]
    seconds: float

    def flags(self, category: str) -> bool:
        return self.malicious and category in self.categories

    @property
    def correct(self) -> bool:
        if self.sample.label == "benign":
            return not self.malicious
        return self.flags(self.sample.label)


async def scan_all(concurrency: int) -> list[Outcome]:
    with testweb_process() as web:
        async with BrowserPool(spyglass_settings(web)) as pool:
            gate = asyncio.Semaphore(concurrency)

            async def one(sample: Sample) -> Outcome:
                async with gate:
                    start = time.perf_counter()
                    url = web.url(sample.host, sample.path, https=sample.https)
                    capture = await pool.capture(url)
                    task = TaskInfo(uuid="bench", time=datetime.now(UTC), url=capture.url)
                    ours = build_report(capture, task).verdicts.spyglass
                    return Outcome(sample, ours.malicious, list(ours.categories),
                                   list(ours.reasons), time.perf_counter() - start)  # fmt: skip

            outcomes = await asyncio.gather(*(one(s) for s in samples()))
            return list(outcomes)


def scores(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    """Per category: tp, fp, fn, precision, recall (None when undefined).

    >>> s = Sample("a", "a.test", label="phishing")
    >>> b = Sample("b", "b.test", hard_negative=True)
    >>> hit = Outcome(s, True, ["phishing"], [], 0.0)
    >>> false_alarm = Outcome(b, True, ["phishing"], [], 0.0)
    >>> scores([hit, false_alarm])["phishing"]
    {'samples': 1, 'tp': 1, 'fp': 1, 'fn': 0, 'precision': 0.5, 'recall': 1.0}
    """
    table = {}
    for category in CATEGORIES:
        tp = sum(1 for o in outcomes if o.sample.label == category and o.flags(category))
        fp = sum(1 for o in outcomes if _unexpected(o, category))
        total = sum(1 for o in outcomes if o.sample.label == category)
        table[category] = {
            "samples": total,
            "tp": tp,
            "fp": fp,
            "fn": total - tp,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / total, 3) if total else None,
        }
    return table


def _unexpected(outcome: Outcome, category: str) -> bool:
    sample = outcome.sample
    return outcome.flags(category) and category not in (sample.label, *sample.also)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    benign = [o for o in outcomes if o.sample.label == "benign"]
    hard = [o for o in benign if o.sample.hard_negative]
    per_category = scores(outcomes)
    missed_targets = [
        f"{c}: recall {row['recall']} < {RECALL_TARGET}"
        for c, row in per_category.items()
        if row["recall"] is None or row["recall"] < RECALL_TARGET
    ]
    false_hard = [o.sample.name for o in hard if o.malicious]
    if false_hard:
        missed_targets.append(f"false positives on hard negatives: {', '.join(false_hard)}")
    return {
        "samples": len(outcomes),
        "categories": per_category,
        "benign": {
            "samples": len(benign),
            "flagged": sum(1 for o in benign if o.malicious),
            "hard_negatives": len(hard),
            "hard_negatives_flagged": len(false_hard),
        },
        "wrong": [
            {
                "sample": o.sample.name,
                "label": o.sample.label,
                "malicious": o.malicious,
                "categories": o.categories,
                "reasons": o.reasons,
            }
            for o in outcomes
            if not o.correct
        ],
        "missed_targets": missed_targets,
        "scan_seconds_median": sorted(o.seconds for o in outcomes)[len(outcomes) // 2],
    }


def print_text(result: dict[str, Any]) -> None:
    print(f"{result['samples']} samples\n")
    print(
        f"{'category':<16}{'samples':>8}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"
    )
    for category, row in result["categories"].items():
        print(f"{category:<16}{row['samples']:>8}{row['tp']:>5}{row['fp']:>5}{row['fn']:>5}"
              f"{row['precision']!s:>11}{row['recall']!s:>8}")  # fmt: skip
    benign = result["benign"]
    print(f"\nbenign: {benign['flagged']} of {benign['samples']} flagged; hard negatives: "
          f"{benign['hard_negatives_flagged']} of {benign['hard_negatives']} flagged")  # fmt: skip
    print(f"median scan + analysis: {result['scan_seconds_median']:.2f} s")
    for wrong in result["wrong"]:
        print(f"\nWRONG {wrong['sample']} (label {wrong['label']}): malicious={wrong['malicious']} "
              f"categories={wrong['categories']}")  # fmt: skip
        for reason in wrong["reasons"]:
            print(f"  - {reason}")
    print("\ntargets: " + ("; ".join(result["missed_targets"]) or "met"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=2, help="scans at once")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    outcomes = asyncio.run(scan_all(args.concurrency))
    result = summary(outcomes)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
        print(machine_info(chromium.stdout.strip(), (load, os.getloadavg()[0])) + "\n")
        print_text(result)
    sys.exit(1 if result["missed_targets"] else 0)


if __name__ == "__main__":
    main()
