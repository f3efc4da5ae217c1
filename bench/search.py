"""Search benchmark: ``Store.search`` latency over a million synthetic finished scans.

Run from the repository root, with the project's venv (PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python -m bench.search --scans 50000               # a quick check, both backends
    .venv/bin/python -m bench.search --scans 1000000 --reuse     # the issue's yardstick
    .venv/bin/python -m bench.search --backend sqlite --reuse --repeat 50

What is generated (seeded, so every run and both backends get the same scans): ``--scans``
finished scans over the last 365 days, each a synthetic urlscan report indexed by Spyglass's own
``index_terms`` / ``index_numbers`` / ``index_text`` / ``summary_of`` (so values are normalised
exactly as the index writer does), about 50 keyword rows, 7 number rows and one full-text row
per scan. The skew is Zipf-like: page sites drawn from 200,000 domains (a few with tens of
thousands of scans, most with a handful), subdomains, apexes, IPs (v4, some v6, shared hosting
pools) tied to sites, ~2,000 ASNs and ~60 countries, servers, third-party hosts present in a
large share of scans (analytics, fonts, CDNs: up to ~45%) plus a long tail, shared library hashes
(jQuery in ~35% of scans) plus per-site and per-scan hashes, URLs, link domains, forms, tags
(``phishing`` on ~2.5%), methods/sources, page status (mostly 200), request counts, verdicts;
~5% unlisted/private scans with owners. Visible text is 50-150 words from a Zipf vocabulary of
50,000 words; ~3% of scans are phishing pages ("verify your account", "sign in", brands).

The rows are bulk-loaded into the schema the Alembic migrations create (``Store.open``), never
through ``Store.complete``: SQLite through a staging database and primary-key-ordered inserts,
secondary indexes dropped and recreated from their own DDL, FTS5 ``rebuild``; PostgreSQL by
COPY with the primary keys and indexes dropped and recreated from their own definitions, the
``tsvector``s computed in SQL as ``fulltext.write`` does, then ``VACUUM ANALYZE``. SQLite gets no
``ANALYZE``: Spyglass never runs it, so a real deployment has no ``sqlite_stat1`` either.

What is measured: ``store.search(query, viewer=None, size=100)`` through a fresh ``Store.open``
per backend, per query class (exact field, apex, IP, hash, tag + date, full text, boolean mix,
deep pagination over 50 pages by ``search_after``), each query run once to warm up and then
``--repeat`` times (fewer if one query runs past ``--budget`` seconds). For queries slower than
their class's target, the SQL the planner sent and its plan (``EXPLAIN QUERY PLAN`` /
``EXPLAIN ANALYZE``) are printed. Databases: ``--data-dir`` (SQLite) and the PostgreSQL database
``spyglass_bench_search``; ``--reuse`` keeps them when they hold ``--scans`` scans.
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg import sql as psql
from sqlalchemy import event

from bench.capture import machine_info, progress, table
from spyglass.errors import InvalidQuery
from spyglass.store import Store
from spyglass.store.db import SORT_KEY_BITS, epoch_ms
from spyglass.store.search_sql import index_viewer
from spyglass.store.terms import index_numbers, index_terms, index_text, summary_of

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "spyglass_bench_search"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres"
DAY_MS = 86_400_000
CHUNK = 20_000
N_SITES = 200_000
N_VOCAB = 50_000
N_ASNS = 2_000
N_OWNERS = 40
# Targets of the issue: p95 per class, ms (None: reported only).
TARGETS: dict[str, float | None] = {
    "exact field": 50, "apex domain": 50, "ip": 50, "hash": 50, "tag + date": None,
    "full text": 250, "boolean mix": None, "deep pagination": None, "with viewer": None,
}  # fmt: skip
SLOW_MS = 100.0

# --------------------------------------------------------------------------- the world


def _split(text: str) -> list[str]:
    return text.split()


SYLLABLES = _split(
    "ba be bi bo bu da de di do du fa fe fi fo ga ge go ka ke ki ko ku la le li lo lu ma me mi "
    "mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo "
    "za ze zo tra pro sto kin len mar tor vel ran"
)
COMMON = _split(
    "the of and to in a is for that on with you this it as are be by at or from your we can "
    "all more our an will new about not has have one if their home page which was more contact "
    "us news information other time but services they may use search help free get like see "
    "only my now which out been when what here so also privacy terms policy shop cart products "
    "read day world best blog online service its these over two year years first any business "
    "site click out up how about company data account support team more people life"
)
TLDS = (("com", 50), ("net", 8), ("org", 7), ("de", 5), ("co.uk", 4), ("ru", 4), ("io", 3),
        ("fr", 3), ("nl", 2), ("xyz", 2), ("top", 2), ("info", 2), ("com.br", 2), ("jp", 2),
        ("it", 2), ("pl", 1), ("es", 1), ("online", 1))  # fmt: skip
PREFIXES = (("www.", 60), ("", 25), ("shop.", 3), ("app.", 3), ("blog.", 3), ("portal.", 2),
            ("secure.", 2), ("m.", 2))  # fmt: skip
COUNTRIES = _split(
    "us de nl fr gb ru cn jp sg ca ie br in au se pl it es fi ua kr hk tw ch at cz ro bg tr za "
    "ar mx cl co id vn th my ph il ae sa ir pk bd eg ng ke ma dk no be pt hu gr lt lv ee by kz nz "
    "is lu"
)
SERVERS = (("nginx", 35), ("cloudflare", 25), ("apache", 18), ("litespeed", 6),
           ("microsoft-iis/10.0", 4), ("openresty", 3), ("amazons3", 3), ("gws", 2),
           ("envoy", 2), ("caddy", 1), ("vercel", 1))  # fmt: skip
# host, share of scans, server, ASN, resource path
THIRD_PARTIES = (
    ("www.googletagmanager.com", 0.45, "google tag manager", 15169, "/gtag/js"),
    ("www.google-analytics.com", 0.40, "golfe2", 15169, "/analytics.js"),
    ("fonts.googleapis.com", 0.38, "esf", 15169, "/css2"),
    ("fonts.gstatic.com", 0.36, "sffe", 15169, "/s/roboto/v30/kfomcnqeu92fr1mu4mxk.woff2"),
    ("stats.g.doubleclick.net", 0.20, "cafe", 15169, "/j/collect"),
    ("connect.facebook.net", 0.18, "proxygen-bolt", 32934, "/en_us/fbevents.js"),
    ("cdnjs.cloudflare.com", 0.15, "cloudflare", 13335, "/ajax/libs/jquery/3.6.0/jquery.min.js"),
    ("www.gstatic.com", 0.15, "sffe", 15169, "/recaptcha/releases/api.js"),
    ("ajax.googleapis.com", 0.12, "sffe", 15169, "/ajax/libs/jquery/3.5.1/jquery.min.js"),
    ("cdn.jsdelivr.net", 0.12, "cloudflare", 13335, "/npm/bootstrap@5.3.0/dist/js/bootstrap.js"),
    ("code.jquery.com", 0.10, "nginx", 54113, "/jquery-3.6.0.min.js"),
    ("static.cloudflareinsights.com", 0.10, "cloudflare", 13335, "/beacon.min.js"),
    ("googleads.g.doubleclick.net", 0.10, "cafe", 15169, "/pagead/viewthroughconversion"),
    ("www.google.com", 0.08, "gws", 15169, "/recaptcha/api.js"),
    ("www.facebook.com", 0.08, "proxygen-bolt", 32934, "/tr"),
    ("use.fontawesome.com", 0.05, "cloudflare", 13335, "/releases/v5.15.4/css/all.css"),
    ("www.youtube.com", 0.05, "esf", 15169, "/iframe_api"),
    ("s3.amazonaws.com", 0.04, "amazons3", 16509, "/assets/app.js"),
    ("i.ytimg.com", 0.04, "sffe", 15169, "/vi/default.jpg"),
    ("platform.twitter.com", 0.03, "tsa_b", 13414, "/widgets.js"),
    ("cdn.shopify.com", 0.03, "cloudflare", 13335, "/s/files/1/theme.js"),
    ("js.stripe.com", 0.02, "nginx", 16509, "/v3"),
    ("unpkg.com", 0.02, "cloudflare", 13335, "/react@18/umd/react.production.min.js"),
)
KNOWN_ASNS = (
    13335,
    16509,
    15169,
    14618,
    8075,
    24940,
    16276,
    14061,
    20473,
    63949,
    396982,
    54113,
    46606,
    26496,
    8560,
    47846,
    12876,
    51167,
    197695,
    9009,
    32934,
    13414,
)
LINK_SITES = ("facebook.com", "www.facebook.com", "twitter.com", "www.instagram.com",
              "www.linkedin.com", "www.youtube.com", "x.com", "github.com", "t.me",
              "www.pinterest.com", "wa.me", "apps.apple.com", "play.google.com")  # fmt: skip
BRANDS = (
    "paypal",
    "microsoft",
    "apple",
    "netflix",
    "amazon",
    "dhl",
    "office365",
    "facebook",
    "wellsfargo",
    "chase",
    "coinbase",
    "metamask",
    "instagram",
    "adobe",
    "docusign",
)
PHISH_PHRASES = ("verify your account", "sign in", "enter your password", "confirm your identity",
                 "your account has been suspended", "update your payment information",
                 "sign in to continue", "unusual activity")  # fmt: skip
PHISH_TITLES = ("sign in to your account", "{brand} login", "{brand} - verify your account",
                "account suspended", "sign in", "{brand} security check")  # fmt: skip
STATUSES = ((200, 900), (404, 40), (403, 20), (500, 12), (503, 10), (301, 5), (302, 5),
            (401, 4), (410, 2), (429, 2))  # fmt: skip
METHODS = (("api", 70), ("manual", 25), ("automatic", 5))
SOURCES = ((None, 50), ("web", 20), ("api", 15), ("openphish", 5), ("urlhaus", 4),
           ("phishtank", 3), ("certstream", 3))  # fmt: skip
TAGS = (("feed", 0.02), ("suspicious", 0.01), ("malware", 0.008), ("test", 0.005),
        ("crypto", 0.004))  # fmt: skip


def _weights(pairs: Sequence[tuple[Any, float]]) -> tuple[list[Any], np.ndarray]:
    values = [v for v, _ in pairs]
    w = np.array([w for _, w in pairs], dtype=float)
    return values, np.cumsum(w / w.sum())


def _zipf_cdf(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return np.cumsum(w / w.sum())


def _draw(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(size)), len(cdf) - 1)


def _pseudo_words(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        lengths = rng.integers(2, 5, size=count)
        parts = rng.integers(0, len(SYLLABLES), size=(count, 4)).tolist()
        for n, p in zip(lengths.tolist(), parts, strict=True):
            word = "".join(SYLLABLES[i] for i in p[:n])
            if word not in taken:
                taken.add(word)
                out.append(word)
                if len(out) == count:
                    break
    return out


def _apex(host: str) -> str:
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in ("co.uk", "com.br") else 2
    return ".".join(labels[-keep:])


def _hex(seed: int, what: str) -> str:
    return hashlib.sha256(f"{seed}:{what}".encode()).hexdigest()


def _ipv4(n: int) -> str:
    return str(ipaddress.IPv4Address(int(n)))


@dataclass
class World:
    """Everything scans are drawn from: sites, networks, vocabulary, with their popularity."""

    seed: int
    vocab: list[str] = field(default_factory=list)
    vocab_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    apexes: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    site_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    site_ip: list[str] = field(default_factory=list)
    site_asn: list[int] = field(default_factory=list)  # index into asns
    site_server: list[str] = field(default_factory=list)
    site_title: list[str] = field(default_factory=list)
    asns: list[int] = field(default_factory=list)
    asn_names: list[str] = field(default_factory=list)
    asn_country: list[str] = field(default_factory=list)
    third_ip: list[str] = field(default_factory=list)
    tail_hosts: list[str] = field(default_factory=list)
    tail_ip: list[str] = field(default_factory=list)
    tail_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    libs: list[str] = field(default_factory=list)
    lib_p: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shared_ips: list[str] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    drop_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))


def build_world(seed: int) -> World:
    rng = np.random.default_rng(seed)
    w = World(seed)
    taken = set(COMMON) | set(BRANDS)
    w.vocab = list(dict.fromkeys(COMMON)) + _pseudo_words(rng, N_VOCAB - len(set(COMMON)), taken)
    w.vocab_cdf = _zipf_cdf(len(w.vocab), 1.0)
    names = _pseudo_words(rng, N_SITES + 6000, taken)
    tlds, tld_cdf = _weights(TLDS)
    prefixes, prefix_cdf = _weights(PREFIXES)
    tld = _draw(rng, tld_cdf, len(names)).tolist()
    w.apexes = [f"{n}.{tlds[t]}" for n, t in zip(names[:N_SITES], tld, strict=False)]
    prefix = _draw(rng, prefix_cdf, N_SITES).tolist()
    w.hosts = [prefixes[p] + a for p, a in zip(prefix, w.apexes, strict=True)]
    w.site_cdf = _zipf_cdf(N_SITES, 1.0)
    # Networks: ~2,000 ASNs (Zipf), each in one country (Zipf over ~60).
    extra = rng.choice(np.arange(1000, 400_000), size=N_ASNS * 2, replace=False).tolist()
    w.asns = (
        list(KNOWN_ASNS) + [a for a in extra if a not in KNOWN_ASNS][: N_ASNS - len(KNOWN_ASNS)]
    )
    country = _draw(rng, _zipf_cdf(len(COUNTRIES), 1.1), N_ASNS).tolist()
    w.asn_country = ["us" if i < 12 else COUNTRIES[c] for i, c in enumerate(country)]
    labels = _pseudo_words(rng, N_ASNS, taken)
    w.asn_names = [f"{lab.upper()}-AS - {lab.title()} Networks, {c.upper()}"
                   for lab, c in zip(labels, w.asn_country, strict=True)]  # fmt: skip
    asn_cdf = _zipf_cdf(N_ASNS, 1.2)
    # Shared hosting: a pool of addresses (on the big ASNs) that many sites sit behind.
    w.shared_ips = [_ipv4(n) for n in rng.integers(0x68100000, 0x68200000, size=5000).tolist()]
    shared_cdf = _zipf_cdf(len(w.shared_ips), 1.0)
    site_asn = _draw(rng, asn_cdf, N_SITES)
    shared = rng.random(N_SITES) < 0.3
    v6 = rng.random(N_SITES) < 0.04
    own = rng.integers(0x0B000000, 0xDF000000, size=N_SITES).tolist()
    shared_pick = _draw(rng, shared_cdf, N_SITES).tolist()
    v6_bits = rng.integers(0, 2**62, size=N_SITES).tolist()
    w.site_ip = []
    for i in range(N_SITES):
        if v6[i]:
            w.site_ip.append(str(ipaddress.IPv6Address((0x2A01_04F8 << 96) | v6_bits[i])))
        elif shared[i]:
            w.site_ip.append(w.shared_ips[shared_pick[i]])
        else:
            w.site_ip.append(_ipv4(own[i]))
    w.site_asn = [0 if shared[i] else int(a) for i, a in enumerate(site_asn.tolist())]
    servers, server_cdf = _weights(SERVERS)
    w.site_server = [servers[s] for s in _draw(rng, server_cdf, N_SITES).tolist()]
    title_words = _draw(rng, w.vocab_cdf, (N_SITES, 2)).tolist()
    w.site_title = [f"{w.vocab[a]} {w.vocab[b]}" for a, b in title_words]
    w.third_ip = [_ipv4(n) for n in rng.integers(0x8E000000, 0x8F000000, len(THIRD_PARTIES))]
    tail = names[N_SITES : N_SITES + 3000]
    tail_tld = tld[N_SITES : N_SITES + 3000]
    w.tail_hosts = [f"cdn.{n}.{tlds[t]}" for n, t in zip(tail, tail_tld, strict=True)]
    w.tail_ip = [_ipv4(n) for n in rng.integers(0x2D000000, 0x2E000000, len(tail)).tolist()]
    w.tail_cdf = _zipf_cdf(len(tail), 1.1)
    w.libs = [_hex(seed, f"lib{i}") for i in range(60)]
    w.lib_p = 0.35 / np.arange(1, 61) ** 0.9
    w.drops = [f"{n}.{tlds[t]}" for n, t in zip(names[-500:], tld[-500:], strict=True)]
    w.drop_cdf = _zipf_cdf(len(w.drops), 1.0)
    return w


# --------------------------------------------------------------------------- scans


@dataclass
class Rows:
    """One chunk of generated scans, as rows of each table."""

    scans: list[tuple[Any, ...]] = field(default_factory=list)
    terms: list[tuple[str, str, int, str | None]] = field(default_factory=list)
    numbers: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    texts: list[tuple[int, str | None, str, str, str]] = field(default_factory=list)


def sort_keys(seed: int, n: int, now_ms: int) -> tuple[np.ndarray, list[str]]:
    """Submission times over the last 365 days (growing: more scans lately), uuids, and the
    unique sort keys ``ms << 20 | uuid's top 20 bits``, ascending."""
    rng = np.random.default_rng(seed + 1)
    age = (1 - np.sqrt(rng.random(n))) * 365 * DAY_MS  # density grows towards now
    ms = np.sort((now_ms - 60_000 - age).astype(np.int64))
    raw = rng.bytes(16 * n)
    uuids = []
    low = np.empty(n, dtype=np.int64)
    for i in range(n):
        b = bytearray(raw[16 * i : 16 * i + 16])
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        h = b.hex()
        uuids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        low[i] = int.from_bytes(b[:3], "big") >> 4
    keys = (ms << SORT_KEY_BITS) | low
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    for i in range(1, n):  # same ms and same top bits: the next free key, as new_sort_key does
        if keys[i] <= keys[i - 1]:
            keys[i] = keys[i - 1] + 1
    return keys, [uuids[i] for i in order.tolist()]


def _datetime_text(ms: int, postgres: bool) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(" ") if postgres else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(world: World, n: int, now_ms: int, postgres: bool) -> Iterator[Rows]:
    """Rows of ``n`` finished scans, ``CHUNK`` at a time, oldest first."""
    keys, uuids = sort_keys(world.seed, n, now_ms)
    rng = np.random.default_rng(world.seed + 2)
    statuses, status_cdf = _weights(STATUSES)
    methods, method_cdf = _weights(METHODS)
    sources, source_cdf = _weights(SOURCES)
    owners = [f"key{i:04d}" for i in range(N_OWNERS)]
    prefixes = ("m.", "shop.", "blog.", "app.", "login.", "news.")
    third_p = np.array([t[1] for t in THIRD_PARTIES])
    requests = [{}] * 500
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        rows = Rows()
        site = _draw(rng, world.site_cdf, size).tolist()
        phish = (rng.random(size) < 0.03).tolist()
        tail_site = rng.integers(10_000, N_SITES, size=size).tolist()
        u = rng.random((size, 12)).tolist()
        third = (rng.random((size, len(THIRD_PARTIES))) < third_p).tolist()
        libs = (rng.random((size, len(world.libs))) < world.lib_p).tolist()
        n_tail = rng.poisson(0.8, size).tolist()
        tail = _draw(rng, world.tail_cdf, size * 4).tolist()
        n_links = rng.poisson(1.2, size).tolist()
        link_pick = rng.integers(0, 10**9, size=(size, 6)).tolist()
        link_site = _draw(rng, world.site_cdf, (size, 6)).tolist()
        status = _draw(rng, status_cdf, size).tolist()
        method = _draw(rng, method_cdf, size).tolist()
        source = _draw(rng, source_cdf, size).tolist()
        n_requests = np.clip(rng.lognormal(3.6, 0.8, size), 1, 499).astype(int).tolist()
        n_words = rng.integers(50, 151, size=size)
        all_words = _draw(rng, world.vocab_cdf, int(n_words.sum()))
        body_words = [world.vocab[i] for i in all_words.tolist()]
        offsets = np.concatenate(([0], np.cumsum(n_words))).tolist()
        path_words = _draw(rng, world.vocab_cdf, (size, 2)).tolist()
        drop = _draw(rng, world.drop_cdf, size).tolist()
        for j in range(size):
            i = start + j
            key = int(keys[i])
            uid = uuids[i]
            uj = u[j]
            is_phish = phish[j]
            s = tail_site[j] if is_phish else site[j]
            apex = world.apexes[s]
            host = world.hosts[s]
            if is_phish:
                host = f"{('secure-login', 'verify', 'account-update', 'signin')[s % 4]}.{apex}"
            elif uj[0] < 0.15:
                host = prefixes[int(uj[1] * len(prefixes))] + apex
            a = world.site_asn[s]
            asn, country = world.asns[a], world.asn_country[a]
            if uj[2] < 0.5:
                path = "/"
            else:
                path = f"/{world.vocab[path_words[j][0]]}/{world.vocab[path_words[j][1]]}"
            if is_phish:
                path = "/login/verify.php"
            page_url = f"https://{host}{path}"
            task_url = page_url if uj[3] < 0.8 else f"http://{apex}/"
            task_domain = host if task_url == page_url else apex
            hosts = [host, task_domain]
            ips = [world.site_ip[s]]
            asns = [str(asn)]
            servers = [world.site_server[s]]
            urls = [page_url, task_url]
            for t, present in enumerate(third[j]):
                if present:
                    name, _, server, t_asn, resource = THIRD_PARTIES[t]
                    hosts.append(name)
                    ips.append(world.third_ip[t])
                    asns.append(str(t_asn))
                    servers.append(server)
                    if len(urls) < 4:
                        urls.append(f"https://{name}{resource}")
            for t in tail[4 * j : 4 * j + min(n_tail[j], 4)]:
                hosts.append(world.tail_hosts[t])
                ips.append(world.tail_ip[t])
            countries = [country, "us"] if len(hosts) > 2 else [country]
            hashes = [lib for lib, present in zip(world.libs, libs[j], strict=True) if present]
            hashes += [_hex(world.seed, f"site{s}a"), _hex(world.seed, f"site{s}b")]
            hashes.append(_hex(world.seed, f"doc{i}"))
            links = []
            for k, pick in enumerate(link_pick[j][: n_links[j]]):
                if pick % 3:
                    links.append(LINK_SITES[pick % len(LINK_SITES)])
                else:
                    links.append(world.hosts[link_site[j][k]])
            forms = []
            brand = BRANDS[s % len(BRANDS)]
            if is_phish:
                d = world.drops[drop[j]]
                forms.append({"actionUrl": f"https://{d}/post.php", "actionDomain": d})
            elif uj[4] < 0.12:
                forms.append({"actionUrl": f"https://{host}/search", "actionDomain": host})
            tags = [t for t, p in TAGS if uj[5] < p * 3 and uj[6] < 1 / 3]
            if is_phish and uj[7] < 0.85:
                tags.insert(0, "phishing")
            vis_u = uj[8]
            visibility = "public" if vis_u < 0.95 else "unlisted" if vis_u < 0.98 else "private"
            owner = (
                owners[int(uj[9] * N_OWNERS)] if (visibility != "public" or uj[10] < 0.6) else None
            )
            if visibility != "public" and uj[11] < 0.1:
                owner = None
            body = body_words[offsets[j] : offsets[j + 1]]
            if is_phish:
                cut = int(uj[1] * len(body))
                body[cut:cut] = [brand, PHISH_PHRASES[s % 3], PHISH_PHRASES[3 + s % 5], "sign in"]
                title = PHISH_TITLES[s % len(PHISH_TITLES)].format(brand=brand)
            else:
                if uj[11] < 0.02:
                    body.insert(len(body) // 2, "sign in")
                title = f"{world.site_title[s]} {('home', 'blog', 'shop', 'news')[s % 4]}"
            submitted = key >> SORT_KEY_BITS
            score = 100 if is_phish else (50 if "suspicious" in tags else 0)
            report = {
                "task": {
                    "uuid": uid,
                    "time": _datetime_text(submitted, True),
                    "url": task_url,
                    "domain": task_domain,
                    "apexDomain": apex,
                    "visibility": visibility,
                    "method": methods[method[j]],
                    "source": "openphish" if is_phish and uj[2] < 0.5 else sources[source[j]],
                    "tags": tags,
                },
                "page": {
                    "url": page_url,
                    "domain": host,
                    "apexDomain": apex,
                    "ip": world.site_ip[s],
                    "asn": f"AS{asn}",
                    "asnname": world.asn_names[a],
                    "country": country,
                    "server": world.site_server[s],
                    "status": statuses[status[j]] if not is_phish else 200,
                    "title": title.title(),
                    "mimeType": "text/html",
                },
                "lists": {
                    "domains": list(dict.fromkeys(hosts)),
                    "apexDomains": list(dict.fromkeys(_apex(h) for h in hosts)),
                    "ips": list(dict.fromkeys(ips)),
                    "asns": list(dict.fromkeys(asns)),
                    "countries": list(dict.fromkeys(countries)),
                    "servers": list(dict.fromkeys(servers)),
                    "urls": list(dict.fromkeys(urls)),
                    "hashes": hashes,
                    "linkDomains": links,
                },
                "stats": {
                    "totalLinks": len(links) * 7 + int(uj[4] * 40),
                    "secureRequests": n_requests[j],
                    "securePercentage": 100,
                    "IPv6Percentage": 0,
                    "adBlocked": 0,
                },
                "data": {"requests": requests[: n_requests[j]]},
                "forms": forms,
                "verdicts": {
                    "overall": {
                        "score": score,
                        "malicious": is_phish,
                        "brands": [brand] if is_phish else [],
                        "categories": ["phishing"] if is_phish else [],
                    }
                },
                "text": " ".join(body),
            }
            viewer = index_viewer(visibility, owner)
            rows.terms.extend((f, v, key, viewer) for f, v in index_terms(report))
            rows.numbers.extend((f, v, key, viewer) for f, v in index_numbers(report))
            doc = index_text(report)
            rows.texts.append((key, viewer, doc.title, doc.page, doc.body))
            summary = json.dumps(summary_of(report), separators=(",", ":"))
            dedupe = hashlib.sha256(f"{task_url}|{visibility}|{owner}".encode()).hexdigest()
            rows.scans.append((
                uid, task_url, visibility, owner, "done", report["task"]["method"],
                report["task"]["source"], json.dumps(tags), _datetime_text(submitted, postgres),
                submitted, key, _datetime_text(submitted + 1500, postgres),
                _datetime_text(submitted + 9000 + int(uj[5] * 9000), postgres), None, None,
                _hex(world.seed, f"png{i}"), None, None, summary, dedupe, 0,
            ))  # fmt: skip
        yield rows


SCAN_COLUMNS = (
    "uuid, url, visibility, owner, status, method, source, tags, submitted_at, submitted_ms, "
    "sort_key, started_at, finished_at, failure_reason, failure_message, screenshot_sha256, "
    "dom_sha256, har_sha256, summary, dedupe_key, priority"
)


# --------------------------------------------------------------------------- loading


@dataclass
class Loaded:
    seconds: float | None  # None: reused
    size_bytes: int
    scans: int
    terms: int
    numbers: int


def load_sqlite(world: World, data_dir: Path, n: int, reuse: bool) -> Loaded:
    db = data_dir / "spyglass.db"
    if reuse and db.exists():
        con = sqlite3.connect(db)
        count = con.execute("SELECT count(*) FROM scans").fetchone()[0]
        if count == n:
            terms = con.execute("SELECT count(*) FROM scan_index").fetchone()[0]
            numbers = con.execute("SELECT count(*) FROM scan_numbers").fetchone()[0]
            con.close()
            return Loaded(None, _size(data_dir), n, terms, numbers)
        con.close()
        progress(f"sqlite: {db} holds {count} scans, not {n}: regenerating")
    shutil.rmtree(data_dir, ignore_errors=True)
    started = time.perf_counter()
    Store.open(data_dir).close()  # the schema, by the migrations
    con = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=DELETE", "journal_mode=OFF", "synchronous=OFF",
                   "cache_size=-4000000", "threads=2", "temp_store=FILE"):  # fmt: skip
        con.execute(f"PRAGMA {pragma}")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('scans', 'scan_index', 'scan_numbers')"
    ).fetchall()
    for name, _ in indexes:
        con.execute(f"DROP INDEX {name}")
    stage = data_dir / "stage.db"
    con.execute("ATTACH DATABASE ? AS stage", (str(stage),))
    con.execute("PRAGMA stage.journal_mode=OFF")
    con.execute("PRAGMA stage.synchronous=OFF")
    con.execute("CREATE TABLE stage.terms (field, value, sort_key, viewer)")
    con.execute("CREATE TABLE stage.numbers (field, value, sort_key, viewer)")
    marks = ", ".join("?" * 21)
    terms = numbers = 0
    con.execute("BEGIN")
    for done, rows in enumerate(generate(world, n, _now_ms(), postgres=False), 1):
        con.executemany(f"INSERT INTO scans ({SCAN_COLUMNS}) VALUES ({marks})", rows.scans)
        con.executemany("INSERT INTO stage.terms VALUES (?, ?, ?, ?)", rows.terms)
        con.executemany("INSERT INTO stage.numbers VALUES (?, ?, ?, ?)", rows.numbers)
        con.executemany("INSERT INTO scan_text VALUES (?, ?, ?, ?, ?)", rows.texts)
        terms += len(rows.terms)
        numbers += len(rows.numbers)
        if done % 10 == 0:
            progress(f"sqlite: {done * CHUNK} scans generated, {terms} terms")
    con.execute("COMMIT")
    progress(f"sqlite: generated in {time.perf_counter() - started:.0f} s; sorting into place")
    for table_name, stage_name in (("scan_index", "terms"), ("scan_numbers", "numbers")):
        con.execute(
            f"INSERT INTO {table_name} (field, value, sort_key, viewer)"
            f" SELECT field, value, sort_key, viewer FROM stage.{stage_name}"
            " ORDER BY field, value, sort_key"
        )
        progress(f"sqlite: {table_name} filled ({time.perf_counter() - started:.0f} s)")
    con.execute("DETACH DATABASE stage")
    stage.unlink()
    for name, sql in indexes:
        con.execute(sql)
        progress(f"sqlite: {name} created ({time.perf_counter() - started:.0f} s)")
    con.execute("INSERT INTO scan_fts (scan_fts) VALUES ('rebuild')")
    progress(f"sqlite: FTS5 rebuilt ({time.perf_counter() - started:.0f} s)")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    return Loaded(time.perf_counter() - started, _size(data_dir), n, terms, numbers)


def _size(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())


def _now_ms() -> int:
    return epoch_ms(datetime.now(UTC))


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        return value
    return str(value)


def _copy(cursor: psycopg.Cursor[Any], sql: str, rows: list[tuple[Any, ...]]) -> None:
    data = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    with cursor.copy(sql) as copy:
        copy.write(data)


def load_postgresql(world: World, data_dir: Path, n: int, reuse: bool) -> Loaded:
    with psycopg.connect(PG_DSN + " dbname=postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
        ).fetchone()
        if exists and reuse:
            with psycopg.connect(f"{PG_DSN} dbname={PG_DATABASE}") as con:
                have = con.execute("SELECT to_regclass('scans') IS NOT NULL").fetchone()
                count = con.execute("SELECT count(*) FROM scans").fetchone() if have[0] else (0,)
                if count[0] == n:
                    terms = con.execute("SELECT count(*) FROM scan_index").fetchone()[0]
                    numbers = con.execute("SELECT count(*) FROM scan_numbers").fetchone()[0]
                    return Loaded(None, _pg_size(con), n, terms, numbers)
            progress(f"postgresql: {PG_DATABASE} holds {count[0]} scans, not {n}: regenerating")
        started = time.perf_counter()
        if exists:
            admin.execute(f"DROP DATABASE {PG_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")
    Store.open(data_dir, f"{PG_SERVER}/{PG_DATABASE}").close()
    with psycopg.connect(f"{PG_DSN} dbname={PG_DATABASE}", autocommit=True) as con:
        cur = con.cursor()
        cur.execute("SET maintenance_work_mem = '2GB'")
        cur.execute("SET synchronous_commit = off")
        tables = ("scans", "scan_index", "scan_numbers", "scan_text")
        # Primary keys of the index tables (nothing refers to them) and every other index:
        # dropped for the load, recreated from their own definitions.
        constraints = cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM"
            " pg_constraint WHERE contype = 'p' AND conrelid::regclass::text = ANY(%s)",
            (list(tables[1:]),),
        ).fetchall()
        indexes = cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            (list(tables),),
        ).fetchall()
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
        for table_name, name, _ in constraints:
            cur.execute(f"ALTER TABLE {table_name} DROP CONSTRAINT {name}")
        cur.execute(
            "CREATE UNLOGGED TABLE bench_text (sort_key bigint, viewer varchar(32),"
            " title text, page text, body text)"
        )
        terms = numbers = 0
        for done, rows in enumerate(generate(world, n, _now_ms(), postgres=True), 1):
            _copy(cur, f"COPY scans ({SCAN_COLUMNS}) FROM STDIN", rows.scans)
            _copy(cur, "COPY scan_index (field, value, sort_key, viewer) FROM STDIN", rows.terms)
            _copy(cur, "COPY scan_numbers (field, value, sort_key, viewer) FROM STDIN",
                  rows.numbers)  # fmt: skip
            _copy(cur, "COPY bench_text FROM STDIN", rows.texts)
            terms += len(rows.terms)
            numbers += len(rows.numbers)
            if done % 10 == 0:
                progress(f"postgresql: {done * CHUNK} scans generated, {terms} terms")
        progress(f"postgresql: copied in {time.perf_counter() - started:.0f} s")
        cur.execute(
            "INSERT INTO scan_text SELECT sort_key, viewer, to_tsvector('simple', title),"
            " to_tsvector('simple', page), to_tsvector('simple', body)"
            " FROM bench_text ORDER BY sort_key"
        )
        cur.execute("DROP TABLE bench_text")
        progress(f"postgresql: tsvectors computed ({time.perf_counter() - started:.0f} s)")
        for table_name, name, definition in constraints:
            cur.execute(f"ALTER TABLE {table_name} ADD CONSTRAINT {name} {definition}")
            progress(f"postgresql: {name} created ({time.perf_counter() - started:.0f} s)")
        for name, definition in indexes:
            cur.execute(definition)
            progress(f"postgresql: {name} created ({time.perf_counter() - started:.0f} s)")
        for table_name in tables:
            cur.execute(f"VACUUM ANALYZE {table_name}")
        progress(f"postgresql: vacuumed ({time.perf_counter() - started:.0f} s)")
        return Loaded(time.perf_counter() - started, _pg_size(con), n, terms, numbers)


def _pg_size(con: psycopg.Connection[Any]) -> int:
    return con.execute("SELECT pg_database_size(current_database())").fetchone()[0]


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    viewer: str | None = None
    pages: int = 0  # deep pagination: follow search_after this many pages


def queries(world: World, n: int) -> list[Query]:
    """Concrete queries by popularity tier (expected scan counts scale with ``n``)."""

    def site_with(expected: float) -> int:
        """The most popular site expected to have at most ``expected`` scans."""
        p = np.diff(np.concatenate(([0.0], world.site_cdf))) * n * 0.97
        return int(np.argmax(p <= expected))

    mid, small, rare = site_with(n / 5000), site_with(n / 50000), site_with(3)
    mid_asn = world.asns[60]
    v6 = next(i for i in range(50, N_SITES) if ":" in world.site_ip[i])
    rare_v4 = next(i for i in range(rare, N_SITES) if world.site_ip[i] not in world.shared_ips)
    word = world.vocab
    common, middle, rare_word = word[3], word[len(COMMON) + 300], word[len(COMMON) + 40_000]
    big = world.hosts[0]
    owner = "key0007"
    q = [
        Query("exact field", f"page.domain:{world.hosts[mid]}"),
        Query("exact field", f"page.domain:{world.hosts[rare]}"),
        Query("exact field", f"page.ip:{world.site_ip[rare_v4]}"),
        Query("exact field", f"asn:AS{mid_asn}"),
        Query("exact field", f"hash:{_hex(world.seed, f'doc{n // 3}')}"),
        Query("exact field", f"form.domain:{world.drops[3]}"),
        Query("exact field", f"links.domain:{world.hosts[small]}"),
        Query("apex domain", f"page.apexDomain:{world.apexes[mid]}"),
        Query("apex domain", f"page.apexDomain:{world.apexes[rare]}"),
        Query("apex domain", "apexDomain:googleapis.com"),
        Query("apex domain", f"apexDomain:{world.apexes[small]}"),
        Query("ip", f"ip:{world.third_ip[0]}"),
        Query("ip", f"ip:{world.shared_ips[0]}"),
        Query("ip", f"ip:{world.site_ip[rare_v4]}"),
        Query("ip", f'ip:"{world.site_ip[v6]}"'),
        Query("hash", f"hash:{world.libs[0]}"),
        Query("hash", f"hash:{world.libs[30]}"),
        Query("hash", f"hash:{_hex(world.seed, f'site{small}a')}"),
        Query("tag + date", "task.tags:phishing AND date:[now-30d TO now]"),
        Query("tag + date", "date:>now-7d"),
        Query("tag + date", "tag:malware AND date:>now-90d"),
        Query("tag + date", "tag:phishing"),
        Query("full text", f"text:{common}"),
        Query("full text", f"text:{middle}"),
        Query("full text", f"text:{rare_word}"),
        Query("full text", 'text:"verify your account"'),
        Query("full text", middle),
        Query("full text", "page.title:login"),
        Query("full text", "text:verif*"),
        Query(
            "boolean mix",
            f"(domain:{world.hosts[1]} OR domain:{world.hosts[2]}) AND NOT country:us",
        ),
        Query("boolean mix", f"domain:{big} AND page.status:[400 TO 599]"),
        Query("boolean mix", f"-tag:phishing AND hash:{_hex(world.seed, f'site{small}a')}"),
        Query("boolean mix", f"domain:www.googletagmanager.com AND page.domain:{world.hosts[mid]}"),
        Query("boolean mix", 'text:"sign in" AND NOT tag:phishing AND date:>now-30d'),
        Query("boolean mix", "page.status:404 AND domain:fonts.googleapis.com"),
        Query("with viewer", f"page.domain:{world.hosts[mid]}", owner),
        Query("with viewer", 'text:"verify your account"', owner),
        Query("with viewer", "date:>now-7d", owner),
        Query("with viewer", "task.visibility:private", owner),
        Query("deep pagination", "domain:www.googletagmanager.com", pages=50),
        Query("deep pagination", f"domain:{big}", pages=50),
    ]
    return q


@dataclass
class Timing:
    query: Query
    seconds: list[float]
    total: int
    error: str | None = None
    page_50: float | None = None


def p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def run_query(store: Store, query: Query, repeat: int, budget: float) -> Timing:
    def once() -> tuple[float, int]:
        start = time.perf_counter()
        result = store.search(query.text, viewer=query.viewer, size=100)
        return time.perf_counter() - start, result.total

    try:
        if query.pages:
            return _paginate(store, query, max(1, repeat // 10), budget)
        _, total = once()  # warm-up
        seconds: list[float] = []
        spent = time.perf_counter()
        while len(seconds) < repeat:
            elapsed, total = once()
            seconds.append(elapsed)
            if time.perf_counter() - spent > budget and len(seconds) >= 3:
                break
        return Timing(query, seconds, total)
    except InvalidQuery as e:
        return Timing(query, [], 0, error=f"{type(e).__name__}: {e}")


def _paginate(store: Store, query: Query, walks: int, budget: float) -> Timing:
    seconds: list[float] = []
    last: list[float] = []
    total = 0
    started = time.perf_counter()
    for walk in range(walks + 1):  # the first walk warms up
        after: tuple[int, str] | None = None
        for _ in range(query.pages):
            start = time.perf_counter()
            result = store.search(query.text, viewer=query.viewer, size=100, search_after=after)
            elapsed = time.perf_counter() - start
            if walk:
                seconds.append(elapsed)
            total = result.total
            if not result.has_more:
                break
            hit = result.records[-1]
            after = (epoch_ms(hit.submitted_at), hit.uuid)
        if walk:
            last.append(elapsed)
        if walk and time.perf_counter() - started > budget * 4:
            break
    return Timing(query, seconds, total, page_50=statistics.median(last))


def capture_sql(store: Store, query: Query) -> list[tuple[str, Any]]:
    """The statements ``query``'s search sends, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        store.search(query.text, viewer=query.viewer, size=100)
    except InvalidQuery:
        pass  # timed out: its statements are known all the same
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    return [
        (s, p) for s, p in statements
        if s.lstrip().upper().startswith("SELECT") and "set_config" not in s
        and not s.startswith("SELECT scans.uuid")
    ]  # fmt: skip


def explain(store: Store, query: Query) -> str:
    """The plans of the statements ``query`` sends. On PostgreSQL both the plan for these
    values (``EXPLAIN ANALYZE``) and the generic plan: psycopg prepares a statement run 5 times
    on one connection, and after 5 more PostgreSQL may keep a generic plan for every value."""
    lines = []
    postgres = store.engine.dialect.name == "postgresql"
    for statement, params in capture_sql(store, query):
        lines.append(f"-- SQL, params {params!r}")
        lines.append(statement)
        if not postgres:
            with store.engine.connect() as connection:
                plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            lines += [f"{'  ' * _depth(plan, row)}{row[-1]}" for row in plan]
            lines.append("")
            continue
        for generic in (False, True):
            lines.append(f"-- {'generic plan (prepared)' if generic else 'plan for these values'}")
            lines += _pg_plan(statement, params, generic)
        lines.append("")
    return "\n".join(lines)


def _pg_plan(statement: str, params: dict[str, Any], generic: bool) -> list[str]:
    names = list(params)
    with psycopg.connect(f"{PG_DSN} dbname={PG_DATABASE}", autocommit=True) as con:
        con.execute("SET statement_timeout = '60s'")
        start = time.perf_counter()
        try:
            if not generic:
                rows = con.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, params, prepare=False
                ).fetchall()
            else:
                positional = statement
                for i, name in enumerate(names, 1):
                    positional = positional.replace(f"%({name})s", f"${i}")
                con.execute("SET plan_cache_mode = force_generic_plan")
                con.execute(psql.SQL("PREPARE bench_q AS ") + psql.SQL(positional))  # type: ignore[operator]
                values = psql.SQL(", ").join(psql.Literal(params[n]) for n in names)
                rows = con.execute(
                    psql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q ({})").format(values)
                ).fetchall()
        except psycopg.Error as e:
            return [
                f"({type(e).__name__}: {str(e).strip()} after {time.perf_counter() - start:.1f} s)"
            ]
    return [row[0] for row in rows]


def _depth(plan: Sequence[Any], row: Any) -> int:
    parents = {r[0]: r[1] for r in plan}
    depth, parent = 0, row[1]
    while parent:
        depth += 1
        parent = parents.get(parent, 0)
    return depth


def measure(store: Store, world: World, n: int, repeat: int, budget: float) -> list[Timing]:
    timings = []
    for query in queries(world, n):
        timing = run_query(store, query, repeat, budget)
        if timing.error:
            progress(f"  {query.kind}: {query.text}: {timing.error}")
        else:
            progress(f"  {query.kind}: {query.text}: p50 {ms(statistics.median(timing.seconds))}"
                     f" p95 {ms(p95(timing.seconds))} ms, total {timing.total}")  # fmt: skip
        timings.append(timing)
    return timings


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(backend: str, loaded: Loaded, timings: list[Timing], store: Store) -> None:
    load = "reused" if loaded.seconds is None else f"{loaded.seconds / 60:.1f} min"
    print(f"\n### {backend}: {loaded.scans} scans, {loaded.terms} keyword rows, "
          f"{loaded.numbers} number rows; load {load}; database "
          f"{loaded.size_bytes / 2**30:.2f} GiB\n")  # fmt: skip
    rows = []
    for timing in timings:
        if timing.error:
            rows.append([timing.query.kind, timing.query.text, "-", "-", "-", timing.error])
            continue
        extra = "" if timing.page_50 is None else f"page 50: {ms(timing.page_50)} ms"
        rows.append([timing.query.kind, _short(timing.query.text),
                     ms(statistics.median(timing.seconds)), ms(p95(timing.seconds)),
                     timing.total, extra])  # fmt: skip
    print(table(["class", "query", "p50 ms", "p95 ms", "total", ""], rows))
    print()
    summary = []
    for kind, target in TARGETS.items():
        mine = [t for t in timings if t.query.kind == kind and not t.error]
        if not mine:
            continue
        all_seconds = [s for t in mine for s in t.seconds]
        worst = max(p95(t.seconds) for t in mine)
        totals = sorted(t.total for t in mine)
        verdict = "-" if target is None else ("meets" if worst * 1000 <= target else "MISSES")
        summary.append([kind, ms(statistics.median(all_seconds)), ms(p95(all_seconds)),
                        ms(worst), f"{totals[0]}-{totals[-1]}",
                        "-" if target is None else f"{target:.0f}", verdict])  # fmt: skip
    print(table(["class", "p50 ms", "p95 ms", "worst query p95 ms", "total hits", "target p95 ms",
                 ""], summary))  # fmt: skip
    slow = [t for t in timings if _slow(t)]
    for timing in slow:
        took = timing.error or f"p95 {ms(p95(timing.seconds))} ms"
        print(f"\n#### {backend}: slow: `{timing.query.text}` (viewer {timing.query.viewer}): "
              f"{took}\n")  # fmt: skip
        print("```")
        print(explain(store, timing.query))
        print("```")


def _slow(timing: Timing) -> bool:
    if timing.error:
        return "search_timeout" in timing.error or "longer than" in timing.error
    target = TARGETS.get(timing.query.kind)
    worst = p95(timing.seconds) * 1000
    return worst > SLOW_MS or (target is not None and worst > target)


def _short(text: str) -> str:
    return text if len(text) <= 90 else text[:40] + "..." + text[-40:]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scans", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--reuse", action="store_true", help="keep a database of --scans scans")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query, at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--load-only", action="store_true", help="generate, do not measure")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/spyglass-bench-search"))
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    progress("building the world")
    world = build_world(args.seed)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        progress(f"{backend}: loading {args.scans} scans")
        if backend == "sqlite":
            loaded = load_sqlite(world, args.data_dir / "sqlite", args.scans, args.reuse)
            store = Store.open(args.data_dir / "sqlite")
        else:
            loaded = load_postgresql(world, args.data_dir / "pg", args.scans, args.reuse)
            store = Store.open(args.data_dir / "pg", f"{PG_SERVER}/{PG_DATABASE}")
        progress(f"{backend}: loaded ({loaded})")
        if args.load_only:
            store.close()
            continue
        timings = measure(store, world, args.scans, args.repeat, args.budget)
        report(backend, loaded, timings, store)
        store.close()
        sys.stdout.flush()
    print("\n```")
    print(machine_info("(not used)", (load_before, os.getloadavg()[0])))
    print(f"sqlite {sqlite3.sqlite_version}; postgresql via psycopg {psycopg.__version__}")
    print("```")


if __name__ == "__main__":
    sys.exit(main())
