"""Cryptocurrency addresses in a page: found in text, validated by checksum, matched to sanctions.

``find_addresses(text)`` returns ``(address, chain)`` pairs, each validated the way the chain's
wallets validate it, with maintained libraries where they exist (``base58`` for base58check,
``bech32`` for the BIP-173 polymod, ``eth-utils`` for EIP-55 and keccak):

- BTC: base58check versions 0x00 (1...) and 0x05 (3...); segwit bech32 ``bc1q`` and bech32m
  ``bc1p`` (BIP-350: the ``bech32`` package only knows bech32, so the bech32m constant is
  checked here on top of its polymod);
- ETH: ``0x`` + 40 hex; mixed case must pass EIP-55, all-lower/all-upper is accepted as
  unchecksummed; reported in its checksummed form. Not when the hex run goes on (a hash or
  calldata is not an address) and not the all-zero address (a constant in every web3 library);
- TRON: base58check version 0x41 (T...); LTC: 0x30 (L...), 0x32 (M...) and ``ltc1`` segwit
  (its legacy 3... addresses are indistinguishable from bitcoin's and reported as BTC);
  DOGE: 0x1e (D...), 0x16 (9.../A...);
- XMR: Monero's block base58 (95 characters standard or subaddress, 106 integrated), network
  byte 18/42/19 (4..., 8..., 4...) and a keccak-256 checksum;
- SOL: base58 decoding to exactly 32 bytes. Solana addresses carry no checksum, so any 32-44
  character base58 word (identifiers, hashes, base64 fragments) could pass: one is reported
  only with "Solana", "SOL" or "Phantom" within ``SOLANA_CONTEXT`` characters, or when the
  caller vouches for it (``accept``: on the sanctions list, or a wallet call's address).

Checksums are what keep hashes, CSS class names and base64 blobs out: a random 34-character
base58 word passes base58check with odds of 2^-32.

``add_crypto_addresses(report, capture)`` fills ``lists.cryptoAddresses`` from the visible text,
the DOM, script (and JSON) response bodies and the decoded wallet calls, and marks each address
found as a payment destination or not (a wallet call's recipient; a ``bitcoin:``-style URI;
"send", "donate", "deposit"... in its own sentence; a "Copy" button right after it) and as on
the OFAC SDN list or not (refdata/sanctions_list.py). The "sanctions" verdict engine reads it.

>>> find_addresses("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, 1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
... # doctest: +NORMALIZE_WHITESPACE
[('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'BTC'),
 ('1BoatSLRHtKNngkdXEeobR76b53LETtpyT', 'BTC')]
>>> find_addresses("tx 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
[('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ETH')]
>>> find_addresses("hash 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00")
[]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import base58
import bech32
from eth_utils import is_checksum_address, keccak, to_checksum_address

from spyglass.models import (
    CryptoAddress,
    ListedSanction,
    RawCapture,
    Report,
    Transaction,
    Wallet,
)
from spyglass.refdata import sanctions_list

Accept = Callable[[str], bool]

# ---------------------------------------------------------------------------- candidates

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# A word of base58 characters, not part of a longer alphanumeric run.
_BASE58_WORD = re.compile(rf"(?<![0-9A-Za-z])[{_B58}]{{25,106}}(?![0-9A-Za-z])")
_HEX_ADDRESS = re.compile(r"(?<![0-9A-Za-z])0[xX][0-9a-fA-F]{40}(?![0-9A-Za-z])")
_SEGWIT = re.compile(
    r"(?<![0-9A-Za-z])(?:bc|ltc|BC|LTC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![0-9A-Za-z])"
)

BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3  # BIP-350
SEGWIT_CHAIN = {"bc": "BTC", "ltc": "LTC"}

# base58check version byte -> chain (20-byte hash payloads)
BASE58_VERSIONS = {
    0x00: "BTC",
    0x05: "BTC",  # P2SH; litecoin's legacy P2SH used it too
    0x30: "LTC",
    0x32: "LTC",
    0x1E: "DOGE",
    0x16: "DOGE",
    0x41: "TRON",
}

# Monero network bytes: standard 18, integrated 19, subaddress 42 (mainnet).
XMR_STANDARD, XMR_INTEGRATED, XMR_SUBADDRESS = 18, 19, 42
_XMR_BLOCK_SIZES = {0: 0, 2: 1, 3: 2, 5: 3, 6: 4, 7: 5, 9: 6, 10: 7, 11: 8}  # chars -> bytes

SOLANA_CONTEXT = 300  # characters either side
_SOLANA_WORDS = re.compile(r"(?<![A-Za-z])(?:[Ss]olana|SOLANA|[Pp]hantom|PHANTOM|SOL)(?![A-Za-z])")


@dataclass(frozen=True)
class Match:
    address: str
    chain: str
    start: int
    end: int


def find_addresses(text: str, accept: Accept | None = None) -> list[tuple[str, str]]:
    """Valid addresses in ``text`` with their chain, in order of appearance, once each.

    ``accept(address)``: whether to take a checksum-less (Solana) candidate without a Solana
    word nearby.
    """
    return list(dict.fromkeys((m.address, m.chain) for m in matches(text, accept)))


def matches(text: str, accept: Accept | None = None) -> list[Match]:
    """Every valid address in ``text`` with where it is, in order of appearance."""
    found: list[Match] = []
    for m in _HEX_ADDRESS.finditer(text):
        address = eth_address(m.group())
        if address:
            found.append(Match(address, "ETH", m.start(), m.end()))
    for m in _SEGWIT.finditer(text):
        decoded = segwit_address(m.group())
        if decoded:
            found.append(Match(decoded[0], decoded[1], m.start(), m.end()))
    solana_words: list[int] | None = None
    for m in _BASE58_WORD.finditer(text):
        word = m.group()
        chain = base58_chain(word)
        if chain is None and solana_address(word):
            if accept is not None and accept(word):
                chain = "SOL"
            else:
                if solana_words is None:
                    solana_words = [w.start() for w in _SOLANA_WORDS.finditer(text)]
                if _near(solana_words, m.start(), SOLANA_CONTEXT):
                    chain = "SOL"
        if chain:
            found.append(Match(word, chain, m.start(), m.end()))
    found.sort(key=lambda match: match.start)
    return found


def _near(positions: list[int], at: int, distance: int) -> bool:
    """Whether a sorted list holds a position within ``distance`` of ``at``."""
    index = bisect.bisect_left(positions, at - distance)
    return index < len(positions) and positions[index] <= at + distance


# ---------------------------------------------------------------------------- validators


def eth_address(candidate: str) -> str | None:
    """The EIP-55 form of a valid ``0x`` address, else None.

    >>> eth_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    >>> eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") is None  # bad checksum
    True
    """
    if not re.fullmatch(r"0[xX][0-9a-fA-F]{40}", candidate):
        return None
    digits = candidate[2:]
    if digits == "0" * 40:
        return None
    if digits.lower() != digits and digits.upper() != digits:
        address = "0x" + digits
        return address if is_checksum_address(address) else None
    return to_checksum_address("0x" + digits.lower())


def base58_chain(candidate: str) -> str | None:
    """The chain of a base58check (bitcoin-style or TRON) or Monero address, else None.

    >>> base58_chain("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    'BTC'
    >>> base58_chain("1BoatSLRHtKNngkdXEeobR76b53LETtpyt") is None  # one letter's case changed
    True
    """
    if 25 <= len(candidate) <= 35:
        try:
            payload = base58.b58decode_check(candidate)
        except ValueError:
            return None
        if len(payload) == 21:
            return BASE58_VERSIONS.get(payload[0])
        return None
    if len(candidate) in (95, 106):
        return "XMR" if monero_address(candidate) else None
    return None


def monero_address(candidate: str) -> bool:
    """Whether ``candidate`` is a mainnet Monero address (standard, subaddress or integrated).

    Monero's base58 encodes 8-byte blocks as 11 characters each (the last block shorter), not
    the whole number at once, so the ``base58`` package cannot decode it.
    """
    data = monero_b58decode(candidate)
    if data is None or len(data) not in (69, 77):
        return False
    body, checksum = data[:-4], data[-4:]
    if keccak(body)[:4] != checksum:
        return False
    network = data[0]
    if len(data) == 77:
        return network == XMR_INTEGRATED
    return network in (XMR_STANDARD, XMR_SUBADDRESS)


def monero_b58decode(text: str) -> bytes | None:
    """Monero's block base58 -> bytes; None when it is not well formed."""
    full, rest = divmod(len(text), 11)
    if rest not in _XMR_BLOCK_SIZES:
        return None
    out = bytearray()
    for index in range(full + (1 if rest else 0)):
        block = text[index * 11 : index * 11 + 11]
        size = _XMR_BLOCK_SIZES[len(block)]
        value = 0
        for char in block:
            digit = _B58.find(char)
            if digit < 0:
                return None
            value = value * 58 + digit
        if value >= 1 << (8 * size):
            return None
        out += value.to_bytes(size, "big")
    return bytes(out)


def segwit_address(candidate: str) -> tuple[str, str] | None:
    """``(address in lower case, chain)`` for a valid BIP-173/BIP-350 segwit address.

    Version 0 needs bech32 and a 20- or 32-byte program; versions 1-16 (taproot is 1) need
    bech32m.

    >>> segwit_address("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")
    ('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', 'BTC')
    >>> segwit_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    ('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'BTC')
    """
    if candidate.lower() != candidate and candidate.upper() != candidate:
        return None  # mixed case is invalid (BIP-173)
    address = candidate.lower()
    hrp, _, rest = address.rpartition("1")
    chain = SEGWIT_CHAIN.get(hrp)
    if chain is None or len(address) > 90 or len(rest) < 6:
        return None
    data = [bech32.CHARSET.find(char) for char in rest]
    if min(data) < 0:
        return None
    const = bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST) or not data[:-6]:
        return None
    version = data[0]
    program = bech32.convertbits(data[1:-6], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        return None
    if version == 0 and (const != BECH32_CONST or len(program) not in (20, 32)):
        return None
    if version > 0 and const != BECH32M_CONST:
        return None
    return address, chain


def solana_address(candidate: str) -> bool:
    """Whether ``candidate`` could be a Solana address: base58 of exactly 32 bytes, not the
    all-zero system program, with digits and both cases as random keys have (a 44-character
    key without a digit has odds of about 1 in 1,600; identifiers rarely have all three)."""
    if not 32 <= len(candidate) <= 44:
        return False
    if not (
        any(c.isdigit() for c in candidate)
        and any(c.isupper() for c in candidate)
        and any(c.islower() for c in candidate)
    ):
        return False
    try:
        raw = base58.b58decode(candidate)
    except ValueError:
        return False
    return len(raw) == 32 and any(raw)


def validate(address: str) -> tuple[str, str] | None:
    """``(canonical address, chain)`` of one address given alone (a wallet call's), else None.
    A 32-byte base58 key is taken as Solana: the caller knows it is an address.

    >>> validate("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    ('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ETH')
    """
    found = find_addresses(address.strip(), accept=lambda _: True)
    return found[0] if len(found) == 1 and found[0][0].lower() == address.strip().lower() else None


# ---------------------------------------------------------------------------- the report

MAX_SCAN_BYTES = 5 * 1024 * 1024  # of script bodies per report, all scripts together
# JSON too: drainers fetch their receiver addresses as configuration.
_SCRIPT_MIME = re.compile(r"javascript|ecmascript|json", re.I)

# Shown as somewhere to send funds: a payment URI right before it, or such words just before
# (or just after) it. News text about thefts says "sent", "laundered", "moved": not these.
_PAYMENT_URI = re.compile(
    r"(?:bitcoin|bitcoincash|ethereum|litecoin|dogecoin|monero|tron|solana|dash|zcash):(?://)?$",
    re.I,
)
_PAYMENT_WORDS = re.compile(
    r"(?<![A-Za-z])(?:send|donate|donations?|deposit|pay|payment|contribute|tips?|"
    r"receiver|recipient|beneficiary|payout)(?![A-Za-z])",
    re.I,
)
PAYMENT_BEFORE, PAYMENT_AFTER = 160, 60
# A "Copy" button right after an address: it is there to be pasted into a wallet.
_COPY = re.compile(r"\W{0,3}copy(?![A-Za-z])", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass
class _Entry:
    address: str
    chain: str
    sources: list[str]
    payment: bool


def add_crypto_addresses(
    report: Report,
    capture: RawCapture,
    sanctions: sanctions_list.SanctionsList | None = None,
) -> None:
    """Set ``report.lists.crypto_addresses``: every address in the visible text, the DOM, the
    scripts and the wallet calls, first appearance first, each once with where it was seen,
    whether it was shown as a payment destination (``payment``), and its sanction if listed.

    ``sanctions``: the list to match against (``VerdictData.sanctions``); None: the bundled one.
    """
    listed = sanctions if sanctions is not None else sanctions_list.load()

    def known(address: str) -> bool:
        return listed.lookup(address) is not None

    entries: dict[str, _Entry] = {}
    # The decoy wallets' own accounts are ours, not the page's: a page that shows "connected:
    # 0x..." must not gain an address because the decoy answered.
    decoys = {sanctions_list.normalize(a) for a in capture.decoy_accounts.values()}

    def add(address: str, chain: str, source: str, payment: bool) -> None:
        key = sanctions_list.normalize(address)
        if key in decoys:
            return
        entry = entries.setdefault(key, _Entry(address, chain, [], False))
        if source not in entry.sources:
            entry.sources.append(source)
        entry.payment = entry.payment or payment

    for source, text in _texts(report, capture):
        found = matches(text, accept=known)
        found = sorted(found + listed_only(text, listed, found), key=lambda m: m.start)
        for index, m in enumerate(found):
            previous = found[index - 1].end if index else 0
            following = found[index + 1].start if index + 1 < len(found) else len(text)
            payment = _payment_context(text, m, previous, following, words=source != "dom")
            add(m.address, m.chain, source, payment)
    for address in wallet_addresses(report.wallet):
        valid = validate(address)
        if valid:
            add(valid[0], valid[1], "wallet", True)

    report.lists.crypto_addresses = [_listing(entry, listed) for entry in entries.values()]


_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{25,106}(?![0-9A-Za-z])")


def listed_only(text: str, listed: sanctions_list.SanctionsList, found: list[Match]) -> list[Match]:
    """Addresses of chains without a validator here (DASH, ZEC, XRP, Bitcoin Cash's cashaddr...)
    that are on the sanctions list word for word: reported under the list's asset code, since
    being listed is what matters about them."""
    taken = {m.start for m in found}
    extra = []
    for m in _TOKEN.finditer(text):
        if m.start() in taken or not listed.might_list(m.group()):
            continue
        sanction = listed.lookup(m.group())
        if sanction is not None:
            extra.append(Match(m.group(), sanction.asset, m.start(), m.end()))
    return extra


def _listing(entry: _Entry, listed: sanctions_list.SanctionsList) -> CryptoAddress:
    sanction = listed.lookup(entry.address)
    return CryptoAddress(
        address=entry.address,
        chain=entry.chain,
        sources=entry.sources,
        payment=entry.payment,
        sanctioned=sanction is not None,
        sanction=(
            ListedSanction(
                name=sanction.name, asset=sanction.asset, assets=sanction.assets, date=sanction.date
            )
            if sanction
            else None
        ),
    )


def _texts(report: Report, capture: RawCapture) -> Iterator[tuple[str, str]]:
    if report.text:
        yield "text", report.text
    if capture.dom:
        yield "dom", capture.dom
    budget = MAX_SCAN_BYTES
    seen: set[str] = set()
    for transaction in capture.transactions:
        sha = transaction.body_sha256
        if budget <= 0 or not sha or sha in seen or not _is_script(transaction):
            continue
        seen.add(sha)
        body = capture.blobs.get(sha)
        if body:
            chunk = body[:budget]
            budget -= len(chunk)
            yield "script", chunk.decode("utf-8", "replace")


def _is_script(transaction: Transaction) -> bool:
    return transaction.resource_type == "Script" or bool(
        _SCRIPT_MIME.search(transaction.mime_type or "")
    )


def _payment_context(text: str, match: Match, previous: int, following: int, words: bool) -> bool:
    """Whether ``match`` is shown as somewhere to send funds. The words must be in its own
    sentence and not belong to a neighbouring address: "Donate: bc1... The hacker's 0x..." does
    not make the hacker's address a donation address."""
    before = text[max(previous, match.start - PAYMENT_BEFORE) : match.start]
    if _PAYMENT_URI.search(before):
        return True
    if not words:
        return False
    before = _SENTENCE_END.split(before)[-1]
    after = _SENTENCE_END.split(text[match.end : min(following, match.end + PAYMENT_AFTER)])[0]
    return bool(_PAYMENT_WORDS.search(before) or _PAYMENT_WORDS.search(after) or _COPY.match(after))


def wallet_addresses(wallet: Wallet) -> list[str]:
    """The addresses the decoded wallet calls name (``wallet.addresses`` and each call's
    ``addresses``), once each, in order."""
    from_calls = (address for call in wallet.calls for address in call.addresses)
    return list(dict.fromkeys([*wallet.addresses, *from_calls]))
