"""What a paste-and-run lure tells the visitor, and installers a fake meeting app offers.

- ``find_instructions(text)``: the steps a ClickFix page shows ("Press Windows + R", "Ctrl+V",
  "press Enter", "verify you are human"...), as keys (``INSTRUCTIONS``). ``LURE_KEYS`` are the
  ones an honest install page never says: a run dialog, a human check, a "fix"; the others
  (open Terminal, paste, press Enter) are also how real documentation reads.
- ``meeting_app_downloads(downloads, text, page_url)``: installers offered by a page that
  impersonates a meeting or interview app (Zoom, Teams, Meet, "interview assessment",
  "camera driver update"), from a domain the vendor does not own: North Korea's
  fake-job-interview technique.

Pure: text and recorded downloads in, findings out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel

from spyglass.analyze.domains import apex_domain, host_of
from spyglass.models import Download

# key -> (pattern, how a reason says it)
INSTRUCTIONS: dict[str, tuple[re.Pattern[str], str]] = {
    "verify-human": (
        re.compile(
            r"verify (?:that )?you(?:'| a)re (?:a )?human|verify you are not a (?:robot|bot)|"
            r"human verification|prove you(?:'| a)re (?:a )?human",
            re.I,
        ),
        "verify they are human",
    ),
    "not-a-robot": (
        re.compile(r"\bI(?:'|\u2019| a)m not a robot\b", re.I),
        "tick “I'm not a robot”",
    ),
    "win+r": (
        re.compile(
            r"(?:\bwin(?:dows)?(?: logo)?(?: key| button)?(?:\s*⊞)?|⊞)\s*(?:\+|and)\s*[\"“]?R\b",
            re.I,
        ),
        "press Win+R",
    ),
    "run-dialog": (
        re.compile(r"\brun (?:dialog|box|window|command box)\b|[\"“]run[\"”] (?:dialog|box)", re.I),
        "open the Run dialog",
    ),
    "win+x": (re.compile(r"\bwin(?:dows)?(?: key)?\s*\+\s*X\b", re.I), "press Win+X"),
    "fix-it": (
        re.compile(r"\b(?:copy|apply|try) (?:the |this )?fix\b|\bfix it\b|\bhow to fix\b", re.I),
        "copy a “fix”",
    ),
    "open-terminal": (
        re.compile(
            r"\bopen (?:the |a )?(?:terminal|powershell|command prompt)\b|"
            r"(?:cmd|command|⌘)\s*\+\s*space\b|\bsearch for terminal\b",
            re.I,
        ),
        "open a terminal",
    ),
    "ctrl+v": (
        re.compile(
            r"\b(?:ctrl|control|cmd|command)\s*\+\s*V\b|⌘\s*\+?\s*V\b|right[- ]click to paste", re.I
        ),
        "paste with Ctrl+V",
    ),
    "press-enter": (
        re.compile(r"\b(?:press|hit|tap|click)(?: the)? (?:enter|return)\b|\benter key\b", re.I),
        "press Enter",
    ),
}
LURE_KEYS = frozenset({"verify-human", "not-a-robot", "win+r", "run-dialog", "win+x", "fix-it"})

# app key -> (name, pattern naming it, the registrable domains the vendor serves it from)
MEETING_APPS: dict[str, tuple[str, re.Pattern[str], frozenset[str]]] = {
    "zoom": ("Zoom", re.compile(r"zoom", re.I), frozenset({"zoom.us", "zoom.com", "zoomgov.com"})),
    "teams": (
        "Microsoft Teams",
        re.compile(r"microsoft[-_ ]?teams|\bms-?teams|\bteams[-_ ]?(?:setup|update|install)", re.I),
        frozenset({"microsoft.com", "office.com", "live.com", "office.net", "microsoft.us"}),
    ),
    "meet": (
        "Google Meet",
        re.compile(r"google[-_ ]?meet|\bgmeet\b", re.I),
        frozenset({"google.com", "googleusercontent.com", "gstatic.com"}),
    ),
    "skype": ("Skype", re.compile(r"skype", re.I), frozenset({"skype.com", "microsoft.com"})),
    "webex": ("Webex", re.compile(r"webex", re.I), frozenset({"webex.com", "cisco.com"})),
}
# A fake interview or "your camera needs a driver" page names no app, but offers a fix.
_PRETEXT = re.compile(
    r"interview|assessment|(?:camera|webcam|microphone|mic|audio|video)[-_ ]?(?:driver|fix|update)|"
    r"driver[-_ ]?(?:update|fix)|update required|sdk update",
    re.I,
)
_INSTALLER = re.compile(
    r"\.(?:exe|msi|msix|appx|dmg|pkg|zip|rar|7z|iso|img|scr|bat|cmd|ps1|vbs|js|jse|hta|lnk|jar|"
    r"sh|command|app|appimage|deb|rpm)$",
    re.I,
)


class MeetingDownload(BaseModel):
    """An installer a page impersonating a meeting or interview app offered."""

    filename: str
    url: str
    sha256: str | None = None
    app: str | None = None  # key of MEETING_APPS; None: a generic interview or driver pretext
    app_name: str = "a meeting app"
    vendor_domains: list[str] = []
    pretext: str | None = None  # the words that sold it: "camera driver update", "interview"


def find_instructions(text: str) -> list[str]:
    """The instruction keys ``text`` contains, in ``INSTRUCTIONS`` order.

    >>> find_instructions("Verification steps: 1. Press Windows Key + R 2. Press CTRL + V")
    ['win+r', 'ctrl+v']
    >>> find_instructions("pip install requests")
    []
    """
    return [key for key, (pattern, _) in INSTRUCTIONS.items() if pattern.search(text)]


def say_instructions(keys: Iterable[str]) -> str:
    """``["win+r", "ctrl+v", "press-enter"]`` -> "press Win+R, paste with Ctrl+V and press
    Enter"."""
    words = [INSTRUCTIONS[key][1] for key in keys if key in INSTRUCTIONS]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def meeting_app_downloads(
    downloads: Iterable[Download], text: str, page_url: str | None
) -> list[MeetingDownload]:
    """Installers offered by a page impersonating a meeting or interview app.

    An installer counts when its file name names the app or a driver/interview pretext (or the
    page names an app and a pretext), and neither the page nor the download is on one of the
    vendor's domains.

    >>> d = Download(url="https://us05-zoom.example/d/ZoomInstallerFull.exe",
    ...              suggested_filename="ZoomInstallerFull.exe")
    >>> [m.app for m in meeting_app_downloads([d], "Zoom: update required", d.url)]
    ['zoom']
    >>> d.url = "https://zoom.us/client/latest/ZoomInstallerFull.exe"
    >>> meeting_app_downloads([d], "Download Zoom", "https://zoom.us/download")
    []
    """
    found = []
    page_apex = apex_domain(host_of(page_url))
    page_app = _app_named(text)
    page_pretext = _PRETEXT.search(text)
    for download in downloads:
        name = download.suggested_filename or download.url.rsplit("/", 1)[-1]
        if not _INSTALLER.search(name):
            continue
        app = _app_named(name)
        pretext = _PRETEXT.search(name)
        if app is None and pretext is None and not (page_app and page_pretext):
            continue
        app = app or page_app
        pretext = pretext or page_pretext
        vendor = MEETING_APPS[app][2] if app else frozenset()
        apexes = {page_apex, apex_domain(host_of(download.url))}
        if vendor and apexes <= vendor:
            continue
        found.append(
            MeetingDownload(
                filename=name,
                url=download.url,
                sha256=download.sha256,
                app=app,
                app_name=MEETING_APPS[app][0] if app else "a meeting or interview app",
                vendor_domains=sorted(vendor),
                pretext=pretext[0] if pretext else None,
            )
        )
    return found


def _app_named(text: str) -> str | None:
    for key, (_, pattern, _) in MEETING_APPS.items():
        if pattern.search(text):
            return key
    return None
