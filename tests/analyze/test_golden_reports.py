"""The JSON on the wire stays byte for byte what it was (issue 14).

Each stored capture of the test web (tests/data/golden/, made by ``scripts/golden-reports``) is
turned into its report again, without a browser, and serialised as ``GET /api/v1/result/{uuid}/``
answers; the bytes must equal the stored ``<name>.report.json``. The reports are built in one
child process for each of two string-hash seeds (golden.HASH_SEEDS); both must match. When a
change to the report is meant, run the script again and say why in the commit.
"""

from __future__ import annotations

import difflib

import pytest

from tests.analyze import golden

NAMES = golden.names()
DIFF_LINES = 60  # of the unified diff shown on a failure: enough to see the first differences


def test_golden_sites_are_stored() -> None:
    # A folder that lost its files would otherwise pass with nothing compared.
    assert len(NAMES) >= 12, f"golden captures missing from {golden.GOLDEN_DIR}"
    assert all(golden.report_path(name).is_file() for name in NAMES)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """seed -> name -> the report's bytes."""
    return {
        seed: golden.built_reports(NAMES, tmp_path_factory.mktemp(f"golden-{seed}"), seed)
        for seed in golden.HASH_SEEDS
    }


@pytest.mark.parametrize("name", NAMES)
def test_report_bytes_unchanged(name: str, built: dict[str, dict[str, bytes]]) -> None:
    capture, task = golden.load(name)
    assert task == golden.fixed_task(name, capture)  # the task is made, not just stored
    stored = golden.report_path(name).read_bytes()
    for seed, reports in built.items():
        if reports[name] != stored:
            pytest.fail(f"(PYTHONHASHSEED={seed}) " + _difference(name, stored, reports[name]),
                        pytrace=False)  # fmt: skip


def _difference(name: str, stored: bytes, built: bytes) -> str:
    """The first differences, as a unified diff of the two documents indented (key order and
    int/float spelling show there too); when only the bytes differ (separators, escaping), the
    bytes around the first difference."""
    before, after = golden.readable(stored), golden.readable(built)
    lines = difflib.unified_diff(before, after, f"{name}.report.json (stored)", "built now")
    shown = list(lines)[:DIFF_LINES]
    if shown:
        return f"{name}: the report changed\n" + "".join(shown)
    pairs = enumerate(zip(stored, built, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(stored), len(built)))
    return (
        f"{name}: the same document, other bytes, from byte {at}:\n"
        f"stored: {stored[max(0, at - 80) : at + 80]!r}\n"
        f"built:  {built[max(0, at - 80) : at + 80]!r}\n"
    )
