"""Golden reports: stored captures of the test web and the exact JSON the API served for them.

``tests/data/golden/<name>.capture.json.gz`` holds one real capture (``scripts/golden-reports``
made it with the browser): the ``RawCapture`` as its pydantic model dumps it (CDP's response
timings as they came, ``decode_capture``), its blobs (bodies, screenshot, downloads, favicon:
excluded from that dump) as UTF-8 text or base64, the screenshot cut to its first screenful
(``first_screenful``), and the ``TaskInfo`` the report is built with. ``<name>.report.json``
holds the bytes ``GET /api/v1/result/{uuid}/`` answers for that report.
``test_golden_reports.py`` rebuilds the report without a browser and compares bytes: a reshaping
of the analysis code must not change the JSON on the wire.

Both the script and the test go through ``wire_bytes`` here, so they serialise alike; the test
builds the reports in child processes under each of ``HASH_SEEDS`` (``built_reports``).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy.dialects import sqlite

from spyglass.models import RawCapture, ScanRecord, ScanStatus, TaskInfo
from spyglass.pipeline import finish_scan
from spyglass.service.documents import result_document
from spyglass.service.error_bodies import UrlscanJSONResponse
from spyglass.store.db import ReportRow

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "tests" / "data" / "golden"
FORMAT = "spyglass-golden-capture/1"
CAPTURE_SUFFIX = ".capture.json.gz"
REPORT_SUFFIX = ".report.json"
# The API's default public URL (Settings.public_url): the task links are made under it.
PUBLIC_URL = "http://127.0.0.1:8000"
# Reports are built under two string-hash seeds, in two processes: a report that follows the
# process's hashing is no report at all. These two once gave shop's jQuery patterns in two orders
# (detect/tech/model.py iterated a set of strings; it sorts them now).
HASH_SEEDS = ("0", "1")


def capture_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}{CAPTURE_SUFFIX}"


def report_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}{REPORT_SUFFIX}"


def names() -> list[str]:
    """Every stored golden site, sorted."""
    return sorted(
        p.name.removesuffix(CAPTURE_SUFFIX) for p in GOLDEN_DIR.glob(f"*{CAPTURE_SUFFIX}")
    )


def fixed_task(name: str, capture: RawCapture) -> TaskInfo:
    """The submission a golden report is built with: nothing read from the clock. Its time is
    the capture's start (certificate ages are counted from it), to the millisecond as the
    store keeps it."""
    moment = capture.started_at.replace(microsecond=capture.started_at.microsecond // 1000 * 1000)
    uuid = hashlib.sha256(f"golden:{name}".encode()).hexdigest()
    return TaskInfo(
        uuid=f"{uuid[:8]}-{uuid[8:12]}-4{uuid[13:16]}-8{uuid[17:20]}-{uuid[20:32]}",
        time=moment,
        url=capture.url,
        visibility="public",
        method="api",
        source="golden",
        tags=["golden"],
        submitter_country=None,
        scanner_country=None,
        base_url=PUBLIC_URL,
    )


# --------------------------------------------------------------------------- capture files


def encode_capture(capture: RawCapture, task: TaskInfo) -> bytes:
    """The gzipped capture file. gzip without a name or time, so the same capture always gives
    the same bytes."""
    # by_alias: models with aliases (Cookie's httpOnly, sameSite) read back only those.
    dumped = capture.model_dump(mode="json", by_alias=True)
    for hop, raw in zip(capture.transactions, dumped["transactions"], strict=True):
        raw["timing"] = hop.timing  # as CDP sent it (decode_capture says why)
    document = {
        "format": FORMAT,
        "task": task.model_dump(mode="json"),
        "capture": dumped,
        "blobs": {sha: _blob_json(data) for sha, data in sorted(capture.blobs.items())},
    }
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def decode_capture(data: bytes) -> tuple[RawCapture, TaskInfo]:
    document = json.loads(gzip.decompress(data))
    if document.get("format") != FORMAT:
        raise ValueError(f"not a golden capture ({document.get('format')!r})")
    capture = RawCapture.model_validate(document["capture"])
    # The recorder keeps CDP's response timing as it came (``hop.timing = ...``, assigned, never
    # validated): its whole numbers stay ints, and the report passes them on ("-1"). Dumped or
    # validated as the model's dict[str, float] they would be floats ("-1.0") on the wire, so
    # the file keeps them as they came and they are put back unvalidated.
    for hop, raw in zip(capture.transactions, document["capture"]["transactions"], strict=True):
        hop.timing = raw.get("timing")
    capture.blobs = {sha: _blob_bytes(blob) for sha, blob in document["blobs"].items()}
    return capture, TaskInfo.model_validate(document["task"])


def first_screenful(capture: RawCapture) -> RawCapture:
    """The capture with its screenshot cut to the first screenful, pixel for pixel, kept under
    its original digest (which the report names nowhere). That screenful (its pHash) is all the
    report reads of the screenshot, while a full-page screenshot is most of a capture file. The
    cut is written as Chromium writes PNGs (every row "Up"-filtered), so the report still takes
    the decoder's fast path. The caller checks that the report is unchanged."""
    digest, png = capture.screenshot_sha256, capture.screenshot
    if digest is None or png is None:
        return capture
    viewport = capture.options.viewport
    with Image.open(io.BytesIO(png)) as image:
        if image.format != "PNG" or image.mode not in ("RGB", "RGBA"):
            return capture
        rows = min(image.height, max(1, round(image.width * viewport.height / viewport.width)))
        top = image.crop((0, 0, image.width, rows))
        pixels = np.asarray(top, dtype=np.uint8).reshape(rows, -1)
        cut = _up_filtered_png(pixels, image.width, image.mode)
    if len(cut) >= len(png):
        return capture
    return capture.model_copy(update={"blobs": {**capture.blobs, digest: cut}})


def _up_filtered_png(pixels: np.ndarray, width: int, mode: str) -> bytes:
    above = np.vstack([np.zeros_like(pixels[:1]), pixels[:-1]])
    filtered = np.hstack([np.full((len(pixels), 1), 2, np.uint8), pixels - above])  # wraps
    color = {"RGB": 2, "RGBA": 6}[mode]
    header = struct.pack(">IIBBBBB", width, len(pixels), 8, color, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    data = zlib.compress(filtered.tobytes(), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _blob_json(data: bytes) -> dict[str, str]:
    """UTF-8 bodies (pages, scripts, styles) as text, which gzip shrinks far better than base64;
    the rest as base64."""
    try:
        return {"utf8": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _blob_bytes(blob: dict[str, str]) -> bytes:
    if "utf8" in blob:
        return blob["utf8"].encode("utf-8")
    return base64.b64decode(blob["base64"], validate=True)


def load(name: str) -> tuple[RawCapture, TaskInfo]:
    return decode_capture(capture_path(name).read_bytes())


# --------------------------------------------------------------------------- the wire


def wire_bytes(capture: RawCapture, task: TaskInfo) -> bytes:
    """What ``GET /api/v1/result/{uuid}/`` answers for this capture's report, byte for byte.

    The way there, with the product's own code at each step: the worker builds the report with
    the shipped data (``ip_data``/``verdict_data`` None: no user GeoIP database, no user YARA
    rules or sanctions file) and stores ``to_json_dict()`` in the reports table's JSON column
    (its SQLite bind and result processors here, as a round trip through the database does);
    the API re-points the task links (``result_document``) and renders the body
    (``UrlscanJSONResponse``).
    """
    report = finish_scan(capture, task).report.to_json_dict()
    stored = _through_json_column(report)
    record = ScanRecord(
        uuid=task.uuid,
        url=task.url,
        visibility=task.visibility,
        status=ScanStatus.DONE,
        submitted_at=task.time,
    )
    return bytes(UrlscanJSONResponse(result_document(stored, record, PUBLIC_URL)).body)


def _through_json_column(document: dict[str, Any]) -> dict[str, Any]:
    column = ReportRow.__table__.c.document.type
    dialect = sqlite.dialect()
    bind, result = column.bind_processor(dialect), column.result_processor(dialect, None)
    assert bind is not None and result is not None
    return result(bind(document))


def readable(wire: bytes) -> list[str]:
    """The document indented, one key per line: what a diff of two documents is shown in."""
    return json.dumps(json.loads(wire), indent=1, ensure_ascii=False).splitlines(keepends=True)


# --------------------------------------------------------------------------- child process


def built_reports(names: list[str], folder: Path, seed: str) -> dict[str, bytes]:
    """Each stored capture's report as ``wire_bytes`` makes it now, built in a child process
    under the string-hash seed ``seed``."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "tests.analyze.golden", str(folder), *names]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"building the golden reports failed:\n{done.stderr}")
    return {name: (folder / f"{name}{REPORT_SUFFIX}").read_bytes() for name in names}


def main(argv: list[str]) -> None:
    """``python -m tests.analyze.golden FOLDER NAME...``: write FOLDER/NAME.report.json."""
    folder, chosen = Path(argv[0]), argv[1:]
    for name in chosen:
        (folder / f"{name}{REPORT_SUFFIX}").write_bytes(wire_bytes(*load(name)))


if __name__ == "__main__":
    main(sys.argv[1:])
