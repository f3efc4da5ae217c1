"""Digital-currency addresses on the OFAC SDN list: the bundled list, lookups, and rebuilding it.

The list ships in ``spyglass/data/sanctions/`` (one JSON file: the per-asset address lists that
github.com/brave-intl/ofac-sanctioned-digital-currency-addresses extracts from the SDN Advanced
XML, plus the list's date of issue). ``spyglass data update FILE`` rebuilds it from a newer
``sdn_advanced.xml`` (or ``.xml.bz2``) the user downloaded from the Treasury, extracting exactly
as that tool does, and writes it where the settings point (``SPYGLASS_SANCTIONS_FILE``, else
``<data dir>/sanctions/sanctioned-addresses.json``); that file, when present, wins over the
bundled one.

>>> eth = ["0xAbC0000000000000000000000000000000000001"]
>>> sdn = SanctionsList(date="2025-11-19", assets={"ETH": eth})
>>> sdn.lookup("0xabc0000000000000000000000000000000000001").asset
'ETH'
>>> sdn.lookup("0xabc0000000000000000000000000000000000002") is None
True
"""

from __future__ import annotations

import bz2
import functools
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import BaseModel, Field, PrivateAttr

if TYPE_CHECKING:
    from spyglass.settings import Settings


LIST_NAME = "OFAC SDN"
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "sanctions" / "sanctioned-addresses.json"
USER_FILE = Path("sanctions") / "sanctioned-addresses.json"  # under the data dir

# The SDN's feature types for addresses are named "Digital Currency Address - XBT", "... - ETH".
FEATURE_PREFIX = "Digital Currency Address - "

# Addresses written in hex (EVM chains) or bech32 are case-insensitive; base58 ones are not.
_CASELESS = re.compile(r"0x[0-9a-f]{40}|(?:bc|ltc|tb|bcrt)1[0-9a-z]+", re.I)


class Sanction(BaseModel):
    """Why an address is listed: ``asset`` is the SDN's code (XBT = bitcoin, ETH, USDT...)."""

    name: str = LIST_NAME  # which list: "OFAC SDN"
    asset: str
    assets: list[str]  # every asset the address is listed under (an ETH address: ETH, USDT...)
    date: str | None = None  # the list's date of issue, ISO


class SanctionsList(BaseModel):
    """A dated snapshot: asset code -> addresses, as the SDN writes them."""

    name: str = LIST_NAME
    date: str | None = None  # DateOfIssue of the SDN file it was built from
    source: str = ""
    assets: dict[str, list[str]] = Field(default_factory=dict)
    _index: dict[str, list[str]] | None = PrivateAttr(default=None)

    def lookup(self, address: str) -> Sanction | None:
        assets = self._by_address().get(normalize(address))
        if not assets:
            return None
        return Sanction(name=self.name, asset=assets[0], assets=assets, date=self.date)

    def might_list(self, word: str) -> bool:
        """A quick pre-check before ``lookup`` for scanning many words: False means not listed."""
        index = self._by_address()
        return word in index or word.lower() in index

    def counts(self) -> dict[str, int]:
        return {asset: len(addresses) for asset, addresses in self.assets.items()}

    def _by_address(self) -> dict[str, list[str]]:
        if self._index is None:
            index: dict[str, list[str]] = {}
            for asset, addresses in self.assets.items():
                for address in addresses:
                    index.setdefault(normalize(address), []).append(asset)
            self._index = index
        return self._index


def normalize(address: str) -> str:
    """The lookup key: hex and bech32 addresses lower-cased, the rest as written.

    >>> normalize("0xAbCdEf0123456789aBcDeF0123456789AbCdEf01"), normalize("BC1QXY2K")
    ('0xabcdef0123456789abcdef0123456789abcdef01', 'bc1qxy2k')
    >>> normalize("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'
    """
    address = address.strip()
    return address.lower() if _CASELESS.fullmatch(address) else address


def sanctions_path(settings: Settings) -> Path:
    """Where the list in use lives: the configured file, else the user's rebuilt file in the
    data dir when there is one, else the bundled snapshot."""
    if settings.sanctions_path is not None:
        return settings.sanctions_path
    rebuilt = settings.data_dir / USER_FILE
    return rebuilt if rebuilt.is_file() else BUNDLED


def update_target(settings: Settings) -> Path:
    """Where ``spyglass data update`` writes: the configured file, else the data dir's."""
    return settings.sanctions_path or settings.data_dir / USER_FILE


@functools.cache
def load(path: Path = BUNDLED) -> SanctionsList:
    """The list in ``path``, read once per process."""
    return SanctionsList.model_validate_json(path.read_bytes())


def write(dataset: SanctionsList, path: Path) -> None:
    """Save ``dataset`` as the JSON ``load`` reads; written to a temporary name first so that a
    worker reading the file never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = dataset.model_dump(mode="json")
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)


# --------------------------------------------------------------------------- SDN XML


def build_from_sdn_xml(path: Path, source: str | None = None) -> SanctionsList:
    """The per-asset address lists of an SDN Advanced XML file (plain or ``.bz2``).

    Extracts as brave-intl/ofac-sanctioned-digital-currency-addresses' generate-address-list.py
    does: every ``FeatureType`` named "Digital Currency Address - <ASSET>" is an asset; the
    ``VersionDetail`` texts of every feature of that type under ``DistinctParties`` are its
    addresses, deduplicated and sorted (Python's code-point order, as there), not otherwise
    normalised. Assets without any address are left out. The file (~120 MB) is streamed, not
    loaded whole.
    """
    with _open(path) as stream:
        hashing = _Hashing(stream)
        date, assets = _extract(hashing)
    digest = hashing.sha256.hexdigest()
    return SanctionsList(
        date=date,
        # The XML's own SHA-256, as Treasury publishes it (and upstream's checksum file).
        source=source or f"OFAC SDN Advanced XML ({path.name}, SHA-256 of the XML {digest})",
        assets={asset: sorted(set(found)) for asset, found in sorted(assets.items()) if found},
    )


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        compressed = probe.read(3) == b"BZh"
    return bz2.open(path, "rb") if compressed else path.open("rb")


class _Hashing:
    """A binary stream that hashes what is read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _extract(stream: IO[bytes] | _Hashing) -> tuple[str | None, dict[str, list[str]]]:
    asset_of: dict[str, str] = {}  # FeatureTypeID -> asset code
    found: dict[str, list[str]] = {}
    date: dict[str, str] = {}
    path: list[str] = []
    for event, element in ET.iterparse(stream, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            path.append(name)
            continue
        path.pop()
        if name == "FeatureType" and "ReferenceValueSets" in path:
            text = element.text or ""
            if text.startswith(FEATURE_PREFIX):
                asset_of[element.attrib["ID"]] = text.removeprefix(FEATURE_PREFIX)
        elif name in {"Year", "Month", "Day"} and path[-1:] == ["DateOfIssue"]:
            date[name] = (element.text or "").strip()
        elif "DistinctParties" in path and element.attrib.get("FeatureTypeID") in asset_of:
            asset = asset_of[element.attrib["FeatureTypeID"]]
            found.setdefault(asset, []).extend(_details(element))
        if len(path) <= 2:
            # Done with this party (or entry, or value set): keep memory flat over the file.
            element.clear()
    return _iso_date(date), found


def _details(feature: ET.Element) -> Iterator[str]:
    for element in feature.iter():
        if _local(element.tag) == "VersionDetail" and element.text is not None:
            yield element.text


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _iso_date(parts: dict[str, str]) -> str | None:
    try:
        return f"{int(parts['Year']):04d}-{int(parts['Month']):02d}-{int(parts['Day']):02d}"
    except (KeyError, ValueError):
        return None  # a file without a (complete) DateOfIssue: the list is undated


def summary(dataset: SanctionsList) -> dict[str, Any]:
    """What ``spyglass data update`` prints: the date and the count per asset."""
    return {"list": dataset.name, "date": dataset.date, "counts": dataset.counts()}
