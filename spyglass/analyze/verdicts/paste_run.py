"""Engine "paste-and-run": pages that make the visitor run a command themselves (ClickFix).

Evidence, from ``report.clipboard`` (what the page wrote, classified by ``commands.py``), the
page's instructions (``lures.find_instructions`` over the visible text and the DOM's text) and
the downloads it offered (``lures.meeting_app_downloads``).

The rule for a dangerous command in the clipboard (one that runs downloaded code or hides
what it does):

1. It hides itself (encoded PowerShell, hidden or headless window, base64 piped into a shell,
   a fake "I am not a robot" comment, blank padding, mshta / rundll32 / regsvr32 / msiexec /
   certutil / bitsadmin fetching from the network), or the page lures the visitor into running
   it (a Run dialog, Win+R, "verify you are human", "I'm not a robot", "fix it"): malicious.
2. Otherwise it is a plain download-and-run one-liner (``curl … | sh``, ``irm … | iex``), the
   way rustup, Homebrew, uv or bun publish their installers. Benign when every host it fetches
   from is on the page's own registrable domain: the site vouches for its own script. From
   another domain, without any lure: suspicious (a positive score, not malicious), because
   real pages do this too (brew.sh's command fetches from raw.githubusercontent.com).

A meeting- or interview-app installer offered from a domain the vendor does not own is
malicious. Run-dialog instructions with nothing recorded in the clipboard are suspicious.
"""

from __future__ import annotations

from spyglass.analyze.detect.lures import (
    LURE_KEYS,
    MeetingDownload,
    find_instructions,
    meeting_app_downloads,
    say_instructions,
)
from spyglass.analyze.document.clipboard import clipboard_entry
from spyglass.analyze.document.text import text_from_dom
from spyglass.analyze.domains import apex_domain, host_of
from spyglass.analyze.verdicts.base import Engine, EngineResult, Evidence, Inputs
from spyglass.models import ClipboardEntry, CommandClass

NAME = "paste-and-run"
CATEGORY = "paste-and-run"


def paste_and_run(inputs: Inputs) -> EngineResult:
    """The engine (see the module docstring for the rule)."""
    report, capture = inputs.report, inputs.capture
    page_url = capture.final_url or report.page.url or capture.url
    page_text = f"{report.text}\n{text_from_dom(capture.dom)}"
    instructions = find_instructions(page_text)
    entries = report.clipboard or [clipboard_entry(write) for write in capture.clipboard]
    findings = [_clipboard_finding(e, instructions, page_url) for e in entries]
    findings += [
        _download_finding(d) for d in meeting_app_downloads(capture.downloads, page_text, page_url)
    ]
    if not entries and {"win+r", "run-dialog"} & set(instructions) and "ctrl+v" in instructions:
        findings.append(_instructions_only(instructions))
    found = [f for f in findings if f is not None]
    if not found:
        return EngineResult(engine=NAME)
    malicious = any(score >= 70 for score, _, _ in found)
    return EngineResult(
        engine=NAME,
        score=max(score for score, _, _ in found),
        malicious=malicious,
        categories=[CATEGORY] if malicious else [],
        tags=list(dict.fromkeys(tag for _, tag, _ in found)),
        evidence=[evidence for _, _, evidence in sorted(found, key=lambda f: -f[0])],
    )


Finding = tuple[int, str, Evidence]


def _clipboard_finding(
    entry: ClipboardEntry, instructions: list[str], page_url: str | None
) -> Finding | None:
    command = entry.classification
    if not command.dangerous:
        return None
    lures = [key for key in instructions if key in LURE_KEYS]
    detail = {
        "text": entry.text,
        "api": entry.api,
        "kind": command.kind,
        "urls": command.urls,
        "techniques": command.techniques,
        "instructions": instructions,
        "decoyComment": command.decoy_comment,
    }
    told = f", and tells the visitor to {say_instructions(instructions)}" if instructions else ""
    said = f"page put {_in_clipboard(command)}{told}"
    if command.stealth or lures:
        score = 100 if command.stealth and lures else 90
        return score, "clickfix", Evidence(reason=said, kind="clipboard-command", detail=detail)
    page_apex = apex_domain(host_of(page_url))
    if command.hosts and all(apex_domain(h) == page_apex for h in command.hosts):
        return None  # an installer one-liner published by the site itself
    reason = f"{said} (from another site; nothing on the page lures the visitor)"
    return 40, "clipboard-command", Evidence(reason=reason, kind="clipboard-command", detail=detail)


def _download_finding(download: MeetingDownload) -> Finding:
    host = host_of(download.url)
    owned = f" ({download.app_name} is served from {', '.join(download.vendor_domains)})"
    reason = (
        f"page impersonating {download.app_name} offers the installer {download.filename} "
        f"from {host}{owned if download.vendor_domains else ''}"
    )
    if download.pretext:
        reason += f" with the pretext “{download.pretext}”"
    detail = download.model_dump(mode="json")
    return (
        90,
        "fake-meeting-app",
        Evidence(reason=reason, kind="meeting-app-download", detail=detail),
    )


def _instructions_only(instructions: list[str]) -> Finding:
    reason = (
        f"page tells the visitor to {say_instructions(instructions)}, "
        "but wrote nothing to the clipboard during the scan"
    )
    detail = {"instructions": instructions}
    return 40, "clickfix", Evidence(reason=reason, kind="run-dialog-instructions", detail=detail)


def _in_clipboard(command: CommandClass) -> str:
    """ "PowerShell command (encoded) that downloads and runs URL" -> "a PowerShell command
    (encoded) in the clipboard that downloads and runs URL"."""
    head, joint, tail = command.summary.partition(" that ")
    article = "an" if head[:1].lower() in "aeiou" or head.startswith(("mshta", "msiexec")) else "a"
    return f"{article} {head} in the clipboard{joint}{tail}"


ENGINE = Engine(NAME, paste_and_run, needs=("clipboard", "page", "text", "capture"))
