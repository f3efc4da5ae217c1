"""Paste-and-run instructions in a page's text, and installers pushed by fake meeting apps."""

from __future__ import annotations

import pytest

from spyglass.analyze.detect.lures import find_instructions, meeting_app_downloads, say_instructions
from spyglass.models import Download


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (
            "Verification Steps 1. Press Windows Button + R 2. Press CTRL + V 3. Press Enter",
            ["win+r", "ctrl+v", "press-enter"],
        ),
        ("Press & hold the Windows Key ⊞ + R.", ["win+r"]),
        ("⊞ + R, then Ctrl+V", ["win+r", "ctrl+v"]),
        ("Press Win+R to open the Run dialog", ["win+r", "run-dialog"]),
        (
            "Verify you are human by completing the action below. I'm not a robot",
            ["verify-human", "not-a-robot"],
        ),
        ("I\u2019m not a robot", ["not-a-robot"]),
        ("Press Command + Space, type Terminal, paste with ⌘ + V", ["open-terminal", "ctrl+v"]),
        ("Open Terminal and paste the code", ["open-terminal"]),
        ("Win + X, then I to open PowerShell. Copy the fix", ["win+x", "fix-it", "open-terminal"]),
        ("Microphone blocked. Click Try fix", ["fix-it"]),
        ("To install Requests, run this command in your terminal of choice", []),
        ("Windows Server 2022 R2 release notes", []),
    ],
)
def test_instructions(text: str, keys: list[str]) -> None:
    assert find_instructions(text) == keys


def test_instructions_in_words() -> None:
    assert say_instructions(["win+r", "ctrl+v", "press-enter"]) == (
        "press Win+R, paste with Ctrl+V and press Enter"
    )
    assert say_instructions(["verify-human"]) == "verify they are human"
    assert say_instructions([]) == ""


def download(url: str) -> Download:
    return Download(url=url, suggested_filename=url.rsplit("/", 1)[-1], sha256="cd" * 32)


@pytest.mark.parametrize(
    ("url", "text", "app", "pretext"),
    [
        ("https://us06web-zoom.test/d/ZoomInstallerFull.exe", "Join meeting", "zoom", None),
        (
            "https://teams-interview.test/dl/Teams-Update.dmg",
            "Video interview assessment",
            "teams",
            "interview",
        ),
        (
            "https://hire-portal.test/files/camera-driver-update.zip",
            "Your camera is not detected",
            None,
            "camera-driver",
        ),
        (
            "https://meet-google.test/setup.exe",
            "Google Meet: update required to join",
            "meet",
            "update required",
        ),
    ],
)
def test_meeting_app_installers_off_the_vendors_domains(
    url: str, text: str, app: str | None, pretext: str | None
) -> None:
    (found,) = meeting_app_downloads([download(url)], text, url)
    assert found.app == app
    assert found.pretext == pretext
    assert found.url == url and found.sha256 == "cd" * 32


@pytest.mark.parametrize(
    ("url", "page", "text"),
    [
        # the vendor's own installer, from the vendor's own page
        (
            "https://cdn.zoom.us/prod/ZoomInstallerFull.exe",
            "https://zoom.us/download",
            "Zoom update required",
        ),
        (
            "https://statics.teams.cdn.office.net/MSTeamsSetup.exe",
            "https://www.microsoft.com/en/microsoft-teams/download-app",
            "Microsoft Teams",
        ),
        # not an installer
        ("https://hr.test/files/interview-schedule.pdf", "https://hr.test/", "Zoom interview"),
        # an installer with no meeting-app pretext at all
        ("https://tools.test/releases/setup.exe", "https://tools.test/", "Download our editor"),
    ],
)
def test_not_a_meeting_app_lure(url: str, page: str, text: str) -> None:
    assert meeting_app_downloads([download(url)], text, page) == []
