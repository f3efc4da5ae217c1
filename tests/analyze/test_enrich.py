"""IP -> AS number, AS name and place, offline.

Expected answers were read from the shipped files: AS numbers from ``spyglass/data/asn``
(@ip-location-db/asn 2.3.2026061719, data of 2026-06-17), AS names, networks and countries from
geoip2fast 1.2.2's GeoLite2 Country + ASN of 2024-06-18. ``2606:4700:4400::ac40:9205`` is the
primary address of the urlscan reference report (``shared/reference/urlscan-report-example.txt``).
Measured on the dev box (2026-11): the AS-number file loads in ~0.15 s and ~14 MB (RSS), a lookup
of the number costs ~3 µs; geoip2fast's file loads in ~0.5 s and ~150 MB.
"""

from __future__ import annotations

import gzip
import importlib.machinery
import importlib.util
import io
import ipaddress
import os
import socket
import tarfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from spyglass.analyze.document.addresses import enrich_report
from spyglass.analyze.report import build_report
from spyglass.errors import InvalidOption
from spyglass.models import Transaction
from spyglass.refdata import asn as asndata
from spyglass.refdata.ipdata import IPData, IPInfo, UserDatabase, database_kind
from spyglass.settings import Settings
from tests.analyze.captures import redirect_chain_news, task_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve or connect fails the test: enrichment is offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("enrichment tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def lookup(ip: str | None) -> IPInfo | None:
    return IPData().lookup(ip)


@pytest.mark.parametrize(
    ("ip", "asn", "name", "country", "route"),
    [
        ("2606:4700:4400::ac40:9205", "13335", "CLOUDFLARENET", "US", "2606:4700:4400::/44"),
        ("[2606:4700:4400::ac40:9205]", "13335", "CLOUDFLARENET", "US", "2606:4700:4400::/44"),
        ("8.8.8.8", "15169", "GOOGLE", "US", "8.8.8.0/24"),
        ("2001:4860:4860::8888", "15169", "GOOGLE", "US", "2001:4860:4840::/42"),
        ("2a00:1450:4001:80b::200e", "15169", "GOOGLE", "DE", "2a00:1450::/32"),
        ("::ffff:8.8.8.8", "15169", "GOOGLE", "US", "8.8.8.0/24"),
        # GeoLite2 places Cloudflare's resolver in Australia (APNIC's research prefix).
        ("1.1.1.1", "13335", "CLOUDFLARENET", "AU", "1.1.1.0/24"),
        ("217.0.0.1", "3320", "Deutsche Telekom AG", "DE", "217.0.0.0/13"),
        # GeoLite2 of 2024 names no AS here: the AS-number data's organisation name stands in
        # (and no route: that data has ranges, not announced networks).
        ("16.100.93.81", "16509", "Amazon.com, Inc.", "US", None),
    ],
)
def test_public_addresses(ip: str, asn: str, name: str, country: str, route: str | None) -> None:
    info = lookup(ip)
    assert info is not None and not info.special
    assert (info.asn, info.name, info.country, info.route) == (asn, name, country, route)
    assert info.ip == ip.strip("[]").removeprefix("::ffff:")
    assert (info.city, info.ll, info.timezone) == (None, None, None)  # country-level data


@pytest.mark.parametrize(
    ("ip", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("::ffff:192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "reserved"),
        ("2001:db8::1", "private"),  # documentation: ipaddress counts it as private
    ],
)
def test_special_addresses_are_labelled_not_looked_up(
    ip: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_loading(monkeypatch)
    info = lookup(ip)
    assert info is not None
    assert (info.name, info.special, info.asn, info.country) == (label, True, None, None)


@pytest.mark.parametrize("value", [None, "", "news.test", "999.1.1.1"])
def test_not_an_address(value: str | None) -> None:
    assert lookup(value) is None


def _forbid_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("spyglass.refdata.ipdata._load_geoip2fast", pytest.fail)
    monkeypatch.setattr("spyglass.refdata.asn._load", pytest.fail)


# --------------------------------------------------------------------------- the report


def _public_news_report(ip_data: IPData | None = None):
    """redirect_chain_news with its documentation addresses swapped for public ones."""
    public = {
        "2001:db8::10": "2606:4700:4400::ac40:9205",
        "192.0.2.80": "217.0.0.1",
        "2001:db8::20": "8.8.8.8",
    }
    capture = redirect_chain_news()
    hops: list[Transaction] = []
    for hop in capture.transactions:
        ip = (hop.remote_ip or "").strip("[]")
        hops.append(hop.model_copy(update={"remote_ip": public.get(ip, hop.remote_ip)}))
    capture = capture.model_copy(update={"transactions": hops})
    return build_report(capture, task_for(capture), ip_data)


def test_report_is_enriched() -> None:
    report = _public_news_report()
    assert report.page.ip == "217.0.0.1"
    assert (report.page.asn, report.page.asnname, report.page.country) == (
        "AS3320",
        "Deutsche Telekom AG",
        "DE",
    )
    assert report.lists.ips == ["192.0.2.10", "2606:4700:4400::ac40:9205", "217.0.0.1", "8.8.8.8"]
    assert report.lists.asns == ["13335", "3320", "15169"]  # one per looked-up IP, no "AS"
    assert report.lists.countries == ["US", "DE"]
    processors = report.meta["processors"]
    asns = {row["ip"]: (row["asn"], row["name"]) for row in processors["asn"]["data"]}
    assert asns["2606:4700:4400::ac40:9205"] == ("13335", "CLOUDFLARENET")
    assert asns["8.8.8.8"] == ("15169", "GOOGLE")
    assert asns["192.0.2.10"] == (None, "private")  # the documentation address left in
    geo = {row["ip"]: row["geoip"]["country"] for row in processors["geoip"]["data"]}
    assert geo == {"217.0.0.1": "DE", "2606:4700:4400::ac40:9205": "US", "8.8.8.8": "US"}
    assert "download" in processors


def test_data_sources_are_named_in_meta_processors() -> None:
    processors = _public_news_report().meta["processors"]
    sources = processors["enrich"]["data"]["sources"]
    by_package = {source["package"]: source for source in sources}
    shipped = by_package["npm:@ip-location-db/asn"]
    assert (shipped["version"], shipped["dataDate"]) == ("2.3.2026061719", "2026-06-17")
    assert "CC BY 4.0" in shipped["license"] and "DB-IP" in shipped["license"]
    geolite = by_package["pypi:geoip2fast"]
    assert (geolite["version"], geolite["dataDate"]) == ("1.2.2", "2024-06-18")
    assert geolite["name"].startswith("MAXMIND:GeoLite2") and "GeoLite2" in geolite["license"]
    assert [s["package"] for s in processors["asn"]["source"]] == [
        "npm:@ip-location-db/asn",
        "pypi:geoip2fast",
    ]
    assert [s["package"] for s in processors["geoip"]["source"]] == ["pypi:geoip2fast"]


def test_request_level_asn_and_geoip() -> None:
    report = _public_news_report()
    by_ip = {}
    for entry in report.data["requests"]:
        inner = entry["response"].get("response") or {}
        if "asn" in entry["response"]:
            by_ip[inner["remoteIPAddress"]] = entry["response"]
    cloudflare = by_ip["[2606:4700:4400::ac40:9205]"]
    assert cloudflare["asn"] == {
        "ip": "2606:4700:4400::ac40:9205",
        "asn": "13335",
        "country": "US",
        "registrar": None,
        "date": None,
        "description": "CLOUDFLARENET, US",
        "route": "2606:4700:4400::/44",
        "name": "CLOUDFLARENET",
    }
    assert cloudflare["geoip"] == {
        "country": "US",
        "region": None,
        "timezone": None,
        "city": None,
        "ll": None,
        "country_name": "United States",
        "metro": None,
    }
    assert by_ip["8.8.8.8"]["asn"]["asn"] == "15169"


def test_ip_stats_asn_and_geoip() -> None:
    stats = _public_news_report().stats.model_dump(mode="json", by_alias=True)
    rows = {row["ip"]: row for row in stats["ipStats"]}
    google = rows["8.8.8.8"]
    assert (google["asn"]["asn"], google["asn"]["name"], google["asn"]["ip"]) == (
        "15169",
        "GOOGLE",
        "8.8.8.8",
    )
    assert (google["geoip"]["country"], google["geoip"]["country_name"]) == ("US", "United States")
    assert google["countries"] == ["US"]
    assert rows["192.0.2.10"]["asn"]["name"] == "private"
    assert (rows["192.0.2.10"]["geoip"], rows["192.0.2.10"]["countries"]) == ({}, [])
    assert stats["uniqCountries"] == 2
    domains = {row["domain"]: row["countries"] for row in stats["domainStats"]}
    assert domains["www.news.test"] == ["US"] and domains["news.test"] == []
    assert domains["tracker.evil.test"] == []  # blocked: no address
    apexes = {row["regDomain"]: row for row in stats["regDomainStats"]}
    assert apexes["daily.example"]["countries"] == ["DE", "US"]
    assert apexes["news.test"]["subDomains"] == [
        {"domain": "", "country": None},
        {"domain": "www", "country": "US"},
    ]
    protocols = {row["protocol"]: row["countries"] for row in stats["protocolStats"]}
    assert protocols == {"h2": ["US", "DE"], "http/1.1": []}


def test_private_only_report_does_not_load_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid_loading(monkeypatch)
    capture = redirect_chain_news()
    report = build_report(capture, task_for(capture))
    assert report.page.asnname == "private" and report.page.country is None
    assert report.page.asn is None
    assert report.lists.countries == [] and report.lists.asns == []
    assert "enrich" not in report.meta["processors"]
    assert "source" not in report.meta["processors"]["asn"]


def test_enrich_leaves_a_report_without_addresses_alone() -> None:
    report = _public_news_report()
    report.page.ip = None
    report.lists.ips = []
    report.data["requests"] = []
    report.meta = {}
    assert enrich_report(report).meta == {}


# --------------------------------------------------------------------------- user databases


def _write_mmdb(path: Path, database_type: str, records: dict[str, Any], v6: bool = True) -> Path:
    writer = MMDBWriter(
        ip_version=6 if v6 else 4,
        database_type=database_type,
        languages=["en"],
        description={"en": f"test {database_type}"},
        ipv4_compatible=v6,
    )
    for network, record in records.items():
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return path


@pytest.fixture
def user_databases(tmp_path: Path) -> list[Path]:
    asn = _write_mmdb(
        tmp_path / "GeoLite2-ASN.mmdb",
        "GeoLite2-ASN",
        {
            "8.8.8.0/24": {
                "autonomous_system_number": 396982,
                "autonomous_system_organization": "GOOGLE-CLOUD-PLATFORM",
            }
        },
    )
    city = _write_mmdb(
        tmp_path / "GeoLite2-City.mmdb",
        "GeoLite2-City",
        {
            "8.8.8.0/24": {
                "city": {"names": {"en": "Mountain View"}},
                "country": {"iso_code": "US", "names": {"en": "United States"}},
                "location": {
                    "latitude": 37.386,
                    "longitude": -122.0838,
                    "time_zone": "America/Los_Angeles",
                    "metro_code": 807,
                },
                "subdivisions": [{"iso_code": "CA", "names": {"en": "California"}}],
            },
            "2606:4700::/32": {"country": {"iso_code": "CA", "names": {"en": "Canada"}}},
        },
    )
    # ip-location-db's country mmdb: records are {"country_code": ...}, no names.
    iplocation = _write_mmdb(
        tmp_path / "geo-whois-asn-country.mmdb",
        "geo-whois-asn-country",
        {"217.0.0.0/16": {"country_code": "AT"}, "2606:4700::/32": {"country_code": "FR"}},
    )
    return [asn, city, iplocation]


def test_user_databases_take_precedence(user_databases: list[Path]) -> None:
    data = IPData(user_databases)
    google = data.lookup("8.8.8.8")
    assert google == IPInfo(
        ip="8.8.8.8",
        asn="396982",
        name="GOOGLE-CLOUD-PLATFORM",
        country="US",
        country_name="United States",
        route="8.8.8.0/24",
        region="CA",
        city="Mountain View",
        timezone="America/Los_Angeles",
        ll=(37.386, -122.0838),
        metro=807,
    )
    assert data.lookup("::ffff:8.8.8.8") == google
    # The first database that knows wins: City says CA before ip-location-db's FR; the AS
    # still comes from the shipped data.
    cloudflare = data.lookup("2606:4700:4400::ac40:9205")
    assert (cloudflare.asn, cloudflare.name, cloudflare.country) == ("13335", "CLOUDFLARENET", "CA")
    assert cloudflare.country_name == "Canada"
    telekom = data.lookup("217.0.0.1")  # ip-location-db: a country without a name
    assert (telekom.asn, telekom.country, telekom.country_name) == ("3320", "AT", None)
    # An address none of them knows: the shipped answer.
    assert data.lookup("1.1.1.1") == IPData().lookup("1.1.1.1")
    data.close()


def test_user_databases_in_the_report(user_databases: list[Path]) -> None:
    data = IPData(user_databases)
    report = _public_news_report(data)
    assert report.lists.asns == ["13335", "3320", "396982"]
    geo = {row["ip"]: row["geoip"] for row in report.meta["processors"]["geoip"]["data"]}
    assert geo["8.8.8.8"] == {
        "country": "US",
        "region": "CA",
        "timezone": "America/Los_Angeles",
        "city": "Mountain View",
        "ll": [37.386, -122.0838],
        "country_name": "United States",
        "metro": 807,
    }
    sources = report.meta["processors"]["enrich"]["data"]["sources"]
    assert [s.get("file") for s in sources[:3]] == [p.name for p in user_databases]
    assert [s["kind"] for s in sources[:3]] == ["asn", "city", "country"]
    assert [s.get("file") for s in report.meta["processors"]["asn"]["source"]][:2] == [
        "GeoLite2-ASN.mmdb",
        "spyglass/data/asn/asn.bin.gz",
    ]
    assert [s.get("file") for s in report.meta["processors"]["geoip"]["source"]][:2] == [
        "GeoLite2-City.mmdb",
        "geo-whois-asn-country.mmdb",
    ]
    data.close()


def test_ipv4_only_user_database_answers_no_ipv6(tmp_path: Path) -> None:
    records = {"8.8.8.0/24": {"country": {"iso_code": "SE"}}}
    path = _write_mmdb(tmp_path / "v4.mmdb", "GeoLite2-Country", records, v6=False)
    data = IPData([path])
    assert data.lookup("8.8.8.8").country == "SE"
    assert data.lookup("2001:4860:4860::8888").country == "US"  # shipped
    data.close()


def test_unusable_user_databases_are_refused(tmp_path: Path) -> None:
    records = {"8.8.8.0/24": {"is_anonymous": True}}
    anonymous = _write_mmdb(tmp_path / "anon.mmdb", "GeoIP2-Anonymous-IP", records)
    with pytest.raises(InvalidOption, match="GeoIP2-Anonymous-IP"):
        UserDatabase(anonymous)
    junk = tmp_path / "junk.mmdb"
    junk.write_bytes(b"not a database")
    with pytest.raises(InvalidOption, match=r"junk\.mmdb"):
        IPData([junk])
    with pytest.raises(InvalidOption, match=r"missing\.mmdb"):
        IPData([tmp_path / "missing.mmdb"])


def test_database_kind() -> None:
    assert database_kind("GeoIP2-ISP") == "asn"
    assert database_kind("DBIP-City-Lite") == "city"
    assert database_kind("GeoLite2-Country") == "country"
    assert database_kind("geo-whois-asn-country") == "country"
    assert database_kind("ip-location-db") == "any"


def test_settings_read_spyglass_mmdb(user_databases: list[Path]) -> None:
    value = os.pathsep.join(str(p) for p in user_databases) + os.pathsep
    settings = Settings.from_env({"SPYGLASS_MMDB": value})
    assert settings.mmdb == tuple(user_databases)
    data = IPData.from_settings(settings)
    assert [db.kind for db in data.user] == ["asn", "city", "country"]
    data.close()
    assert IPData.from_settings(Settings()).user == []


# --------------------------------------------------------------------------- the shipped file


TINY_V4 = """\
1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd
1.0.8.0,1.0.8.255,38803,Gtelecom Pty Ltd
1.0.16.0,1.0.16.255,65001,AS65001
214.95.0.0,215.0.255.255,749,United States Department of Defense (DoD)
215.0.0.0,215.1.3.255,721,DoD Network Information Center
255.255.255.0,255.255.255.255,1,Last
"""
TINY_V6 = """\
2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC
2001:4860:4860::,2001:4860:4860::ff,36692,Fine-grained
2606:4700::,2606:4700:ffff:ffff:ffff:ffff:ffff:ffff,13335,"Cloudflare, Inc."
"""


def _tiny() -> asndata.ASNDatabase:
    blob = asndata.build(
        asndata.read_csv(TINY_V4.splitlines()),
        asndata.read_csv(TINY_V6.splitlines()),
        {"package": "test", "version": "1"},
    )
    return asndata.ASNDatabase(gzip.decompress(gzip.compress(blob)))


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("0.255.255.255", None),
        ("1.0.0.0", (13335, "Cloudflare, Inc.")),
        ("1.0.0.255", (13335, "Cloudflare, Inc.")),
        ("1.0.1.0", None),  # a gap
        ("1.0.6.1", (38803, "Gtelecom Pty Ltd")),
        ("1.0.8.255", (38803, "Gtelecom Pty Ltd")),  # neighbours merged
        ("1.0.9.0", None),
        ("1.0.16.1", None),  # a private AS number: left out
        ("214.255.0.1", (749, "United States Department of Defense (DoD)")),
        ("215.0.0.1", (721, "DoD Network Information Center")),  # the overlap: later start
        ("215.1.4.0", None),
        ("255.255.255.255", (1, "Last")),
        ("::ffff:1.0.0.1", (13335, "Cloudflare, Inc.")),
        ("2001:4860::1", (15169, "Google LLC")),
        ("2001:4860:4860::80", (36692, "Fine-grained")),  # inside one /64: the low half
        ("2001:4860:4860::100", (15169, "Google LLC")),
        ("2001:4860:4860:0:1::", (15169, "Google LLC")),
        ("2001:4861::", None),
        ("2606:4700:4400::ac40:9205", (13335, "Cloudflare, Inc.")),
        ("::1", None),
    ],
)
def test_asn_file_format_round_trip(ip: str, expected: tuple[int, str] | None) -> None:
    found = _tiny().lookup(ipaddress.ip_address(ip))
    assert (None if found is None else (found.number, found.name)) == expected


def test_asn_file_header_and_bad_input() -> None:
    database = _tiny()
    assert database.source()["package"] == "test"
    assert (database.header["v4"], database.header["v6"], database.header["asns"]) == (8, 6, 7)
    with pytest.raises(ValueError, match="bad magic"):
        asndata.ASNDatabase(b"nope")
    with pytest.raises(ValueError, match="line 2"):
        list(asndata.read_csv(["1.0.0.0,1.0.0.255,1,A", "1.0.0.9,1.0.0.1,2,B"]))


def test_shipped_file_is_package_data_with_its_source_and_licence() -> None:
    folder = resources.files("spyglass.data.asn")
    blob = folder.joinpath("asn.bin.gz").read_bytes()
    assert len(blob) < 4_000_000
    header = asndata.database().header
    source = folder.joinpath("SOURCE").read_text()
    assert f"@ip-location-db/asn {header['version']}" in source
    assert "sha512-PpqYi7wyEyWwunXBtl" in source
    licence = folder.joinpath("LICENSE").read_text()
    assert "IP Geolocation by DB-IP" in licence and "routeviews.org" in licence
    assert "nro.net" in licence
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"spyglass.data.asn" = ["asn.bin.gz", "SOURCE", "LICENSE"]' in pyproject
    notice = (ROOT / "NOTICE").read_text()
    assert "@ip-location-db/asn" in notice and "IP Geolocation by DB-IP" in notice


def _build_script():
    path = ROOT / "scripts" / "build-asn-data"
    loader = importlib.machinery.SourceFileLoader("build_asn_data", str(path))
    spec = importlib.util.spec_from_loader("build_asn_data", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_build_script_checks_the_tarball(tmp_path: Path, monkeypatch, capsys) -> None:
    script = _build_script()
    assert script.data_date("2.3.2026061719") == "2026-06-17"
    fake = io.BytesIO()
    with tarfile.open(fileobj=fake, mode="w:gz") as archive:
        data = TINY_V4.encode()
        member = tarfile.TarInfo("package/asn-ipv4.csv")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    tarball = tmp_path / "asn.tgz"
    tarball.write_bytes(fake.getvalue())
    assert script.members(tarball.read_bytes()) == {"asn-ipv4.csv": data}
    out = tmp_path / "out"
    monkeypatch.setattr(
        "sys.argv", ["build-asn-data", "--tarball", str(tarball), "--out", str(out)]
    )
    assert script.main() == 1  # not the pinned package: nothing written
    assert "integrity mismatch" in capsys.readouterr().err
    assert not out.exists()
