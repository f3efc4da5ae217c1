"""Who the browser runs as, and what it may see: an unprivileged user inside Chromium's own
sandbox, with an environment of its own.

Hostile pages are the daily input, and a renderer exploit is what the actors we watch use. So the
browser never runs as the service's user when that user is root: it runs as a dedicated system
user (``spyglass-browser``, made by ``scripts/setup``; ``nobody`` where there is none), which can
read neither the database nor the blobs (the store keeps its folder at mode 0700), with none of
the service's variables (a database URL with its password, cloud keys) in its environment.
Renderers then get Chromium's namespace and seccomp-bpf sandbox, which starts for an
unprivileged user on a kernel with user namespaces.

Playwright starts the browser itself, so the switch of user happens in a small launcher script
(``write_launcher``) that Playwright runs as "the browser": as root it hands Playwright's
throwaway profile folder to the browser user, joins the memory cgroup, then ``setpriv`` drops
every privilege and ``env -i`` every variable before it execs Chromium. The script keeps
Playwright's pipes (fds 3 and 4) and its process id, so Playwright drives and kills the real
browser as before.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from spyglass.errors import BrowserError

BROWSER_USER = "spyglass-browser"
FALLBACK_USER = "nobody"
HOME_PREFIX = "spyglass-browser-"  # + the owner's pid: see _remove_orphans
# What Chromium prints when it cannot start its sandbox (no user namespaces, no setuid helper).
SANDBOX_FAILURE_TEXT = "No usable sandbox"


@dataclass(frozen=True)
class BrowserUser:
    """The account the browser runs as; ``switch`` is false when we already are that account."""

    name: str
    uid: int
    gid: int
    switch: bool


def browser_user(preferred: str = BROWSER_USER) -> BrowserUser:
    """As root: ``preferred``, else ``nobody``. As anyone else: that user (who cannot switch, and
    is unprivileged already)."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return BrowserUser(entry.pw_name, entry.pw_uid, entry.pw_gid, switch=False)
    for name in (preferred, FALLBACK_USER):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return BrowserUser(entry.pw_name, entry.pw_uid, entry.pw_gid, switch=True)
    raise BrowserError(f"no unprivileged user to run the browser as ({preferred}, {FALLBACK_USER})")


@dataclass(frozen=True)
class BrowserHome:
    """One browser's own folders, owned by its user and removed when the browser goes:
    ``home`` (HOME), ``tmp`` (TMPDIR: Chromium's shared-memory files) and ``downloads``."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def downloads(self) -> Path:
        return self.root / "downloads"

    @property
    def pidfile(self) -> Path:
        return self.root / "browser.pid"

    @classmethod
    def create(cls, user: BrowserUser, parent: Path | None = None) -> BrowserHome:
        parent = Path(parent or tempfile.gettempdir())
        _remove_orphans(parent)
        root = Path(tempfile.mkdtemp(prefix=f"{HOME_PREFIX}{os.getpid()}-", dir=parent))
        made = cls(root)
        for folder in (made.home, made.tmp, made.downloads):
            folder.mkdir(mode=0o700)
            if user.switch:
                os.chown(folder, user.uid, user.gid)
        # The root stays ours (0700 from mkdtemp) but the browser must traverse it.
        root.chmod(0o711)
        return made

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _remove_orphans(parent: Path) -> None:
    """Homes of processes that died without closing their browser (kill -9): the pid in the
    name is the owner's, and a home whose owner is gone is nobody's."""
    for path in parent.glob(HOME_PREFIX + "*"):
        owner = path.name.removeprefix(HOME_PREFIX).partition("-")[0]
        if not owner.isdigit() or Path(f"/proc/{owner}").exists():
            continue
        # (another process may be removing it too: a home that is gone is fine)
        with contextlib.suppress(OSError):
            if path.stat().st_uid == os.geteuid():
                shutil.rmtree(path)


def browser_environment(home: BrowserHome) -> dict[str, str]:
    """All the browser is given: no ``SPYGLASS_*``, no database, cloud or proxy variable."""
    return {
        "HOME": str(home.home),
        "TMPDIR": str(home.tmp),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }


def write_launcher(
    home: BrowserHome,
    chromium_path: str,
    user: BrowserUser,
    cgroup_procs: Path | None = None,
) -> Path:
    """The script Playwright starts as "the browser" (see the module docstring)."""
    environment = " ".join(shlex.quote(f"{k}={v}") for k, v in browser_environment(home).items())
    lines = [
        "#!/bin/sh",
        "# Written by spyglass/capture/sandbox.py for one browser; removed with it.",
        "set -e",
        f"echo $$ > {shlex.quote(str(home.pidfile))}",
    ]
    if cgroup_procs is not None:
        lines.append(f"echo $$ > {shlex.quote(str(cgroup_procs))}")
    drop = ""
    if user.switch:
        # Playwright made the profile folder (mode 0700, ours); the browser must own it.
        lines += [
            'for arg; do case "$arg" in --user-data-dir=*)',
            f'  chown -R {user.uid}:{user.gid} "${{arg#--user-data-dir=}}";; esac; done',
        ]
        drop = (
            f"setpriv --reuid={user.uid} --regid={user.gid} --clear-groups "
            "--inh-caps=-all --bounding-set=-all "
        )
    lines.append(f'exec {drop}env -i {environment} {shlex.quote(chromium_path)} "$@"')
    launcher = home.root / "launch-browser"
    launcher.write_text("\n".join(lines) + "\n")
    launcher.chmod(0o755)
    return launcher
