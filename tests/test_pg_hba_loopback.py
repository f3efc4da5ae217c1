"""scripts/pg-hba-loopback, which scripts/setup runs on the cluster's pg_hba.conf: the tests'
password-less login is added only where the rules would refuse it, once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg-hba-loopback"
ADDED = [
    "host    all    postgres    127.0.0.1/32    trust",
    "host    all    postgres    ::1/128         trust",
]
# What Debian's pg_createcluster writes (initdb --auth-local peer --auth-host scram-sha-256),
# comments shortened.
DEBIAN = """\
# PostgreSQL Client Authentication Configuration File
# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             postgres                                peer
local   all             all                                     peer
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
local   replication     all                                     peer
host    replication     all             127.0.0.1/32            scram-sha-256
"""


def run(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_debian_default_gets_the_loopback_rules_before_its_tcp_rules_once(tmp_path: Path) -> None:
    hba = tmp_path / "pg_hba.conf"
    hba.write_text(DEBIAN)
    assert run(hba).splitlines() == ADDED
    lines = hba.read_text().splitlines()
    first_tcp = lines.index(DEBIAN.splitlines()[4])
    assert lines[first_tcp - 2 : first_tcp] == ADDED
    assert [line for line in lines if line not in ADDED and not line.startswith("# Added")] == (
        DEBIAN.splitlines()
    )  # nothing else changed
    assert (tmp_path / "pg_hba.conf.spyglass-backup").read_text() == DEBIAN

    changed = hba.read_text()
    assert run(hba) == ""  # idempotent
    assert hba.read_text() == changed


@pytest.mark.parametrize(
    "rules",
    [
        "local all all trust\nhost all all 127.0.0.1/32 trust\n",  # this machine's
        "host all postgres 127.0.0.0 255.0.0.0 trust\nhost all all 0.0.0.0/0 reject\n",
        "host all all samehost trust\n",
        "host all all ::1/128 scram-sha-256\nhostssl all all all trust\n",
    ],
)
def test_a_file_that_lets_the_login_in_is_left_alone(tmp_path: Path, rules: str) -> None:
    hba = tmp_path / "pg_hba.conf"
    hba.write_text(rules)
    assert run(hba) == ""
    assert hba.read_text() == rules
    assert not (tmp_path / "pg_hba.conf.spyglass-backup").exists()


@pytest.mark.parametrize(
    ("rules", "before"),
    [
        # Stricter rules first: ours go before them, they stay for every other login.
        ("host all all 127.0.0.1/32 reject\nhost all all all trust\n", 0),
        ("hostssl all all 127.0.0.1/32 cert\n", 0),
        ("host postgres all 127.0.0.1/32 md5\nhost all all 127.0.0.1/32 trust\n", 0),
        ("host all +admins 127.0.0.1/32 md5\nhost all postgres 127.0.0.1/32 trust\n", 0),
        # A trust rule that may not cover the login (one database, a host name) is not relied on.
        ("local all all peer\nhost postgres postgres 127.0.0.1/32 trust\n", 1),
        ("local all all peer\nhost all all localhost trust\n", 1),
        # What an include holds is not read: ours go before it.
        ("local all all peer\ninclude_dir conf.d\nhost all all 127.0.0.1/32 trust\n", 1),
    ],
)
def test_rules_that_may_refuse_the_login_get_ours_first(
    tmp_path: Path, rules: str, before: int
) -> None:
    hba = tmp_path / "pg_hba.conf"
    hba.write_text(rules)
    assert run(hba).splitlines() == ADDED
    lines = hba.read_text().splitlines()
    assert lines[before + 1 : before + 3] == ADDED
    assert lines[before + 3 :] == rules.splitlines()[before:]
