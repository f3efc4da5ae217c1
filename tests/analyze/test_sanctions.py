"""The bundled OFAC list, lookups, rebuilding it from SDN Advanced XML, ``spyglass data update``."""

from __future__ import annotations

import bz2
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spyglass.cli import main
from spyglass.refdata import sanctions_list as sanctions
from spyglass.refdata.sanctions_list import (
    BUNDLED,
    SanctionsList,
    build_from_sdn_xml,
    load,
    sanctions_path,
    update_target,
)
from spyglass.settings import Settings

# The snapshot the bundled list was built from (see spyglass/data/sanctions/SOURCE), kept with
# the tests: upstream's per-asset lists and the SDN XML they were extracted from (SOURCE.md).
SHARED = Path(__file__).resolve().parents[1] / "data" / "ofac"

NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"

ETH_A = "0xA0000000000000000000000000000000000000aA"
ETH_B = "0xb0000000000000000000000000000000000000bB"

# A hand-written SDN Advanced XML in the real file's shape: three parties, two address feature
# types, a non-address feature, a duplicate, one party with two versions of a feature.
TINY_SDN = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Sanctions xmlns="{NS}">
  <DateOfIssue CalendarTypeID="1"><Year>2026</Year><Month>3</Month><Day>7</Day></DateOfIssue>
  <ReferenceValueSets>
    <FeatureTypeValues>
      <FeatureType ID="9" FeatureTypeGroupID="2">Nationality Country</FeatureType>
      <FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - XBT</FeatureType>
      <FeatureType ID="345" FeatureTypeGroupID="1">Digital Currency Address - ETH</FeatureType>
      <FeatureType ID="999" FeatureTypeGroupID="1">Digital Currency Address - DOGE</FeatureType>
    </FeatureTypeValues>
  </ReferenceValueSets>
  <DistinctParties>
    <DistinctParty FixedRef="1">
      <Profile ID="1" PartySubTypeID="4">
        <Feature ID="10" FeatureTypeID="345">
          <FeatureVersion ID="11" ReliabilityID="1">
            <Comment />
            <VersionDetail DetailTypeID="1432">{ETH_B}</VersionDetail>
          </FeatureVersion>
          <IdentityReference IdentityID="1" IdentityFeatureLinkTypeID="1" />
        </Feature>
        <Feature ID="12" FeatureTypeID="9">
          <FeatureVersion ID="13" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">Lithuania</VersionDetail>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
    <DistinctParty FixedRef="2">
      <Profile ID="2" PartySubTypeID="4">
        <Feature ID="20" FeatureTypeID="344">
          <FeatureVersion ID="21" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy</VersionDetail>
          </FeatureVersion>
          <FeatureVersion ID="22" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">1BoatSLRHtKNngkdXEeobR76b53LETtpyT</VersionDetail>
          </FeatureVersion>
        </Feature>
        <Feature ID="23" FeatureTypeID="345">
          <FeatureVersion ID="24" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">{ETH_A}</VersionDetail>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
    <DistinctParty FixedRef="3">
      <Profile ID="3" PartySubTypeID="4">
        <Feature ID="30" FeatureTypeID="345">
          <FeatureVersion ID="31" ReliabilityID="1">
            <VersionDetail DetailTypeID="1432">{ETH_B}</VersionDetail>
          </FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
  </DistinctParties>
</Sanctions>
"""

TINY_ASSETS = {
    "ETH": [ETH_A, ETH_B],
    "XBT": ["1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"],
}


def upstream_lists() -> dict[str, list[str]]:
    lists = {}
    for path in sorted(SHARED.glob("sanctioned_addresses_*.json")):
        lists[path.stem.removeprefix("sanctioned_addresses_")] = json.loads(path.read_text())
    assert lists, f"the shared OFAC snapshot is missing: {SHARED}"
    return lists


@pytest.fixture
def tiny_xml(tmp_path: Path) -> Path:
    path = tmp_path / "sdn_advanced.xml"
    path.write_text(TINY_SDN, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- the bundled list


def test_bundled_list_is_upstreams_snapshot() -> None:
    bundled = load(BUNDLED)
    assert bundled.name == "OFAC SDN"
    assert bundled.date == "2025-11-19"
    assert bundled.assets == upstream_lists()
    assert (BUNDLED.parent / "SOURCE").is_file() and (BUNDLED.parent / "LICENSE").is_file()


def test_rebuilding_from_the_sdn_xml_gives_upstreams_lists_exactly() -> None:
    rebuilt = build_from_sdn_xml(SHARED / "sdn_advanced.xml.bz2")
    assert rebuilt.date == "2025-11-19"
    checksum = (SHARED / "sdn_advanced_checksum.txt").read_text().split()[-1]
    assert rebuilt.source.endswith(f"SHA-256 of the XML {checksum})")
    assert rebuilt.assets == upstream_lists()
    assert rebuilt.assets == load(BUNDLED).assets


def test_lookup_is_case_insensitive_for_hex_and_bech32_only() -> None:
    bundled = load(BUNDLED)
    ronin = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    hit = bundled.lookup(ronin.lower())
    assert hit is not None and hit.asset == "ETH" and hit.date == "2025-11-19"
    listed_lower = "0x1967d8af5bd86a497fb3dd7899a020e47560daaf"  # lower case in the SDN
    assert bundled.lookup("0x1967D8Af5Bd86A497fb3DD7899A020e47560dAAF") is not None
    assert bundled.lookup(listed_lower) is not None
    btc = bundled.assets["XBT"][0]
    assert bundled.lookup(btc) is not None
    assert bundled.lookup(btc.swapcase()) is None  # base58 is case-sensitive
    bech = next(a for a in bundled.assets["XBT"] if a.startswith("bc1"))
    assert bundled.lookup(bech.upper()) is not None
    assert bundled.lookup("0x" + "1" * 40) is None


def test_an_address_under_several_assets() -> None:
    sdn = SanctionsList(assets={"ETH": ["0xAb" + "0" * 38], "USDT": ["0xab" + "0" * 38]})
    hit = sdn.lookup("0xAB" + "0" * 38)
    assert hit is not None and hit.asset == "ETH" and hit.assets == ["ETH", "USDT"]


# ---------------------------------------------------------------------------- rebuilding


def test_tiny_sdn_xml(tiny_xml: Path) -> None:
    built = build_from_sdn_xml(tiny_xml)
    assert built.date == "2026-03-07"
    assert built.assets == TINY_ASSETS  # DOGE had no address: left out, as upstream does
    digest = hashlib.sha256(TINY_SDN.encode()).hexdigest()
    assert built.source == f"OFAC SDN Advanced XML (sdn_advanced.xml, SHA-256 of the XML {digest})"


def test_tiny_sdn_xml_bz2(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml.bz2"
    path.write_bytes(bz2.compress(TINY_SDN.encode()))
    assert build_from_sdn_xml(path).assets == TINY_ASSETS


# ---------------------------------------------------------------------------- where the list is


def test_which_file_is_used(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert sanctions_path(settings) == BUNDLED
    assert update_target(settings) == tmp_path / "sanctions" / "sanctioned-addresses.json"
    update_target(settings).parent.mkdir()
    update_target(settings).write_text("{}")
    assert sanctions_path(settings) == update_target(settings)  # the rebuilt list wins
    own = Settings.from_env({"SPYGLASS_DATA": str(tmp_path), "SPYGLASS_SANCTIONS_FILE": "/x.json"})
    assert sanctions_path(own) == update_target(own) == Path("/x.json")


def test_cli_data_update(tiny_xml: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(
        main, ["data", "update", str(tiny_xml)], env={"SPYGLASS_DATA": str(data)}
    )
    assert result.exit_code == 0, result.output
    target = data / "sanctions" / "sanctioned-addresses.json"
    assert result.output.splitlines() == [
        f"OFAC SDN list of 2026-03-07 written to {target}",
        "  ETH       2",
        "  XBT       2",
        "  total     4",
    ]
    written = sanctions.load(target)
    assert written.assets == TINY_ASSETS and written.date == "2026-03-07"
    assert written.lookup("0xa0000000000000000000000000000000000000aa") is not None


def test_cli_data_update_refuses_bad_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"SPYGLASS_DATA": str(data)}
    broken = tmp_path / "broken.xml"
    broken.write_text("<Sanctions><DistinctParties>")
    result = CliRunner().invoke(main, ["data", "update", str(broken)], env=env)
    assert result.exit_code == 1 and "not a readable SDN Advanced XML file" in result.output
    empty = tmp_path / "empty.xml"
    empty.write_text(f'<Sanctions xmlns="{NS}"><DistinctParties/></Sanctions>')
    result = CliRunner().invoke(main, ["data", "update", str(empty)], env=env)
    assert result.exit_code == 1 and "no digital-currency addresses found" in result.output
    assert not (data / "sanctions").exists()
