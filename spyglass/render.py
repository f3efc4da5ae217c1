"""``render_text(report) -> str``: the report as plain text, in urlscan's result-page order.

::

    news.test  192.0.2.10  Public Scan

    URL: http://news.test/
    Submission: On December 23, 2023 via cli from unknown country — Scanned from unknown country

    Form analysis 2 forms found in the DOM
    ...

A failed or partial scan says so right after the submission line. Dates are spelled with a
fixed English month name, whatever the locale.
"""

from __future__ import annotations

import re
from datetime import datetime

from spyglass.models import Report

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_VISIBILITY = {"public": "Public", "unlisted": "Unlisted", "private": "Private"}
# Everything in a report is the page's choice (titles, text, clipboard writes, domains in the
# reasons): escape sequences must not reach the analyst's terminal.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render_text(report: Report) -> str:
    """The whole report as text (see the module docstring)."""
    sections = [
        _header(report),
        _verdict(report),
        _forms(report),
        f"Text Content\n\n{report.text}" if report.text else "Text Content\n\n(no text)",
        _counts(report),
    ]
    return _TERMINAL_CONTROLS.sub("\N{REPLACEMENT CHARACTER}", "\n\n".join(sections) + "\n")


def submission_date(iso_time: str | None) -> str:
    """``"December 23, 2023"`` from the task's ISO time; ``"an unknown date"`` without one.

    >>> submission_date("2023-12-03T08:00:00.000Z")
    'December 3, 2023'
    """
    if not iso_time:
        return "an unknown date"
    try:
        moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    except ValueError:
        return iso_time
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def _header(report: Report) -> str:
    task, page = report.task, report.page
    visibility = _VISIBILITY.get(task.visibility, "Public")
    submitter = report.submitter.country or "unknown country"
    scanner = report.scanner.country or "unknown country"
    lines = [
        f"{page.domain or page.url}  {page.ip or 'no IP'}  {visibility} Scan",
        "",
        f"URL: {task.url}",
        f"Submission: On {submission_date(task.time)} via {task.method} "
        f"from {submitter} — Scanned from {scanner}",
    ]
    if report.failure is not None:
        failure = report.failure
        net_error = f" ({failure.net_error})" if failure.net_error else ""
        lines.append(f"Failure: {failure.reason.value}: {failure.message}{net_error}")
    if report.incomplete:
        lines.append(f"Incomplete: {'; '.join(report.incomplete)}")
    return "\n".join(lines)


def _verdict(report: Report) -> str:
    """The verdict line and its plain-language reasons.

    >>> from spyglass.analyze.verdicts.combine import combine
    >>> from spyglass.analyze.verdicts.base import EngineResult, Evidence
    >>> found = Evidence(reason="asks for a password", kind="k")
    >>> class R:  # only what _verdict reads
    ...     verdicts = combine([EngineResult(engine="x", score=80, malicious=True,
    ...                                      categories=["phishing"], evidence=[found])])
    >>> print(_verdict(R()))
    Verdict: malicious (score 80): phishing
      - asks for a password
    """
    ours = report.verdicts.spyglass
    if not ours.reasons:
        return "Verdict: nothing found"
    what = "malicious" if ours.malicious else "suspicious"
    labels = [*ours.categories, *(f"brand {b.name or b.key}" for b in ours.brands)]
    lines = [f"Verdict: {what} (score {ours.score}): {', '.join(labels) or '-'}"]
    lines += [f"  - {reason}" for reason in ours.reasons]
    return "\n".join(lines)


def _forms(report: Report) -> str:
    count = len(report.forms)
    parts = [f"Form analysis {count} form{'' if count == 1 else 's'} found in the DOM"]
    for form in report.forms:
        parts.append(f"{form.method} {form.action_url}\n\n{form.html}")
    return "\n\n".join(parts)


def _counts(report: Report) -> str:
    lines = [
        f"Requests: {len(report.data.get('requests') or [])}",
        f"Domains: {len(report.lists.domains)}",
        f"IPs: {len(report.lists.ips)}",
    ]
    if report.redirects:
        lines.append("Redirects:")
        for step in report.redirects:
            how = str(step.status) if step.status is not None else step.kind
            lines.append(f"  {how:>4}  {step.from_url} -> {step.to}")
    data = report.data
    for item in data.get("downloads") or []:
        kept = item.get("sha256") or item.get("note") or "not kept"
        lines.append(f"Download: {item.get('suggestedFilename')} ({item.get('size')} bytes) {kept}")
    for item in data.get("dialogs") or []:
        lines.append(f"Dialog: {item.get('type')}: {item.get('message')}")
    for item in data.get("popups") or []:
        lines.append(f"Pop-up: {item.get('url')}")
    for item in data.get("blocked") or []:
        lines.append(f"Blocked: {item.get('host')}:{item.get('port')} ({item.get('reason')})")
    for call in report.wallet.calls:
        intent = (call.intent or {}).get("summary")
        lines.append(f"Wallet: {call.method}" + (f": {intent}" if intent else ""))
    for write in report.clipboard:
        lines.append(f"Clipboard: {write.text!r}")
    for found in report.lists.crypto_addresses:
        sanctioned = "  SANCTIONED" if found.sanctioned else ""
        lines.append(f"Crypto address: {found.address} ({found.chain}){sanctioned}")
    return "\n".join(lines)
