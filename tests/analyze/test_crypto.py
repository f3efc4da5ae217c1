"""Crypto addresses: every chain's validator with valid and corrupted addresses, extraction from
realistic page text, and ``add_crypto_addresses`` over a capture (text, DOM, scripts, wallet)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import base58
import bech32
import pytest
from eth_utils import keccak

from spyglass.analyze.detect import crypto
from spyglass.analyze.detect.crypto import (
    add_crypto_addresses,
    base58_chain,
    eth_address,
    find_addresses,
    monero_address,
    segwit_address,
    validate,
    wallet_addresses,
)
from spyglass.models import (
    Lists,
    Page,
    RawCapture,
    Report,
    Task,
    Transaction,
    Wallet,
    WalletRequest,
)
from spyglass.refdata.sanctions_list import SanctionsList

# Real addresses: bitcoin's well-known examples, BIP-173/BIP-350 test vectors, the USDT
# contracts on Ethereum and TRON, and Monero/Litecoin addresses from the OFAC list.
BTC_P2PKH = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
BTC_P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BTC_V0 = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
BTC_V0_P2WSH = "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"
BTC_TAPROOT = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # EIP-55's own example
USDT_ETH = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
XMR = (
    "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2"
    "ufNsL"
)
XMR_SUB = (
    "84AwzjeFWXNEuhj8LWinXo93AqYr6wS8ZcnaBCoGhrL7EtvBMBovdhiUSV9xLhjrPA8t64hYSaMc8bHtWXoV9129E"
    "HUjU62"
)
XMR_INTEGRATED = (
    "4J3W45AQRREfJQL8eNYqVf5BRfR5F21gmfLSnY89SuB6gApiL5PUfWDPnPa4dqLhgb7daNNkRirfYNE4Cbmyyp"
    "GMNNtBThgR2zZ4SSXFWk"
)
LTC_L = "LNwgtMxcKUQ51dw7bQL1yPQjBVZh6QEqsd"
LTC_M = "MVjTBMZivfMkDrbgx2uY9W8kJvmbCsvPaQ"
LTC_SEGWIT = "ltc1qq9vypfqr5phde8yre6vw86fravqp0l4m82t24a"
DOGE_D = "DP6EQ8PQNQCGXHVjUH9tcdgmhbm5YBaMrW"
DOGE_A = "A2xJAyQaKCXvnx4LHYcC3zLek7ifq5a6TN"
SOL = "BuBNLPJGWjwxfzVRrpbLcGR4d8EfM9HtQza1yHxZFeMF"


def corrupt(address: str, at: int = -3) -> str:
    """The same address with one character swapped for another of the same alphabet."""
    char = address[at]
    swap = {"a": "b", "b": "a", "q": "p", "p": "q", "0": "2"}.get(char)
    if swap is None:
        alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
        swap = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
    return address[:at] + swap + address[at + 1 :] if at != -1 else address[:-1] + swap


# ---------------------------------------------------------------------------- validators


@pytest.mark.parametrize(
    ("address", "chain"),
    [
        (BTC_P2PKH, "BTC"),
        (BTC_P2SH, "BTC"),
        (TRON, "TRON"),
        (LTC_L, "LTC"),
        (LTC_M, "LTC"),
        (DOGE_D, "DOGE"),
        (DOGE_A, "DOGE"),
        (XMR, "XMR"),
        (XMR_SUB, "XMR"),
        (XMR_INTEGRATED, "XMR"),
    ],
)
def test_base58_addresses_valid_and_corrupted(address: str, chain: str) -> None:
    assert base58_chain(address) == chain
    assert validate(address) == (address, chain)
    for at in (1, len(address) // 2, -2):
        assert base58_chain(corrupt(address, at)) is None, at
        assert validate(corrupt(address, at)) is None


def test_base58check_versions_of_other_coins_are_not_taken() -> None:
    dash = base58.b58encode_check(b"\x4c" + bytes(range(20))).decode()  # X...: DASH
    testnet = base58.b58encode_check(b"\x6f" + bytes(range(20))).decode()  # m/n...: testnet
    assert base58_chain(dash) is None
    assert base58_chain(testnet) is None


def test_monero_network_byte_and_length() -> None:
    assert monero_address(XMR) and monero_address(XMR_SUB) and monero_address(XMR_INTEGRATED)
    assert not monero_address(XMR[:-1])
    assert not monero_address(XMR.replace("4", "5", 1))  # another network byte


@pytest.mark.parametrize(
    ("address", "chain"),
    [(BTC_V0, "BTC"), (BTC_V0_P2WSH, "BTC"), (BTC_TAPROOT, "BTC"), (LTC_SEGWIT, "LTC")],
)
def test_segwit_addresses_valid_and_corrupted(address: str, chain: str) -> None:
    assert segwit_address(address) == (address, chain)
    assert segwit_address(address.upper()) == (address, chain)
    assert segwit_address(address[:6] + address[6:].upper()) is None  # mixed case
    for at in (5, len(address) // 2, -1):
        assert segwit_address(corrupt(address, at)) is None, at


def test_bech32m_is_required_for_taproot_and_bech32_for_v0() -> None:
    # The same witness program under the wrong checksum constant (BIP-350's point).
    program = list(
        bytes.fromhex("a37c3903c8d0db6512e2b40b0dffa05e5a3ab73603ce8c9c4b7771e5412328f9")
    )
    taproot_as_bech32 = bech32.encode("bc", 1, program)
    assert bech32.decode("bc", BTC_TAPROOT) == (None, None)  # the package knows bech32 only
    assert taproot_as_bech32 is not None and segwit_address(taproot_as_bech32) is None
    assert segwit_address(BTC_TAPROOT) is not None


def test_eth_checksums() -> None:
    assert eth_address(ETH) == ETH
    assert eth_address(ETH.lower()) == ETH  # unchecksummed, reported checksummed
    assert eth_address("0x" + ETH[2:].upper()) == ETH
    assert eth_address(ETH[:-1] + ETH[-1].swapcase()) is None  # one letter's case: bad EIP-55
    assert eth_address(ETH[:3] + ETH[3].swapcase() + ETH[4:]) is None
    assert eth_address("0x" + "0" * 40) is None
    assert eth_address(ETH[:-1]) is None


def test_solana_needs_context_or_a_vouch() -> None:
    assert find_addresses(f"nonce {SOL}") == []
    assert find_addresses(f"Send SOL to {SOL}") == [(SOL, "SOL")]
    assert find_addresses(f"your Phantom wallet: {SOL}") == [(SOL, "SOL")]
    assert find_addresses(f"Solana account {SOL}") == [(SOL, "SOL")]
    assert find_addresses(f"nonce {SOL}", accept=lambda a: a == SOL) == [(SOL, "SOL")]
    assert find_addresses("Solana " + "1" * 32) == []  # the all-zero system program
    assert find_addresses("Solana ThisIsAnIdentifierNameThatIsLongEnough") == []  # no digit
    assert validate(SOL) == (SOL, "SOL")  # a wallet call's address needs no context


# ---------------------------------------------------------------------------- extraction

ARTICLE = f"""
Crypto bridge loses $100 million. Investigators traced the stolen ether from {ETH} through
{USDT_ETH.lower()} (the USDT contract), then to bitcoin at {BTC_V0} and {BTC_P2PKH}.
Tether froze funds on Tron at {TRON}; a Solana account, {SOL}, received the rest.
Transaction 0x{"ab" * 32} moved 1,200 ETH. Block 00000000000000000002{"c" * 44}.
"""


def test_extraction_from_article_text() -> None:
    assert find_addresses(ARTICLE) == [
        (ETH, "ETH"),
        (USDT_ETH, "ETH"),
        (BTC_V0, "BTC"),
        (BTC_P2PKH, "BTC"),
        (TRON, "TRON"),
        (SOL, "SOL"),
    ]


def test_no_false_positives_in_hashes_css_and_base64() -> None:
    sha1 = hashlib.sha1(b"x").hexdigest()
    noise = "\n".join(
        [
            f"tx 0x{keccak(b'tx').hex()}",  # a 32-byte hash
            f"calldata 0x095ea7b3000000000000000000000000{ETH[2:].lower()}{'f' * 64}",
            f'<div class="ad-slot-{sha1} css-1q2w3e4r5t6y7u8i9o0pAsDfGhJkLzXcVbNm">',
            "data:image/png;base64," + base58.b58encode(bytes(range(200))).decode(),
            "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",  # an IPFS CID
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w",
            f"sha1 {sha1} and 0x{sha1}00",
            "font-family: HelveticaNeueLTStdBoldCondensedOblique123abc",
        ]
    )
    assert find_addresses(noise) == []


def test_an_address_inside_a_longer_run_is_not_an_address() -> None:
    assert find_addresses(f"0x{ETH[2:]}ff") == []
    assert find_addresses(f"x{BTC_P2PKH}") == []
    assert find_addresses(f"{BTC_V0}q") == []
    assert find_addresses(f"ethereum:{ETH}@1?value=1e18") == [(ETH, "ETH")]
    assert find_addresses(f"bitcoin:{BTC_V0.upper()}?amount=0.01") == [(BTC_V0, "BTC")]
    assert find_addresses(f"https://etherscan.io/address/{ETH}#tokentxns") == [(ETH, "ETH")]


def test_duplicates_once_in_order() -> None:
    text = f"{BTC_V0} {ETH} {BTC_V0.upper()} {ETH.lower()}"
    assert find_addresses(text) == [(BTC_V0, "BTC"), (ETH, "ETH")]


# ---------------------------------------------------------------------------- the report

SANCTIONED_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
SDN = SanctionsList(
    date="2025-11-19",
    assets={"ETH": [SANCTIONED_ETH], "USDT": [SANCTIONED_ETH.lower()], "XBT": [BTC_P2SH]},
)
T = datetime(2025, 11, 21, tzinfo=UTC)


def report_and_capture(
    text: str = "",
    dom: str | None = None,
    scripts: dict[str, bytes] | None = None,
    wallet: dict | None = None,
    decoy: str | None = None,
) -> tuple[Report, RawCapture]:
    transactions, blobs = [], {}
    for index, (mime, body) in enumerate((scripts or {}).items()):
        sha = hashlib.sha256(body).hexdigest()
        blobs[sha] = body
        transactions.append(
            Transaction(
                request_id=str(index),
                url=f"https://x.test/{index}",
                resource_type="Script" if "javascript" in mime else "Other",
                mime_type=mime,
                body_sha256=sha,
            )
        )
    capture = RawCapture(
        url="https://x.test/",
        started_at=T,
        finished_at=T,
        dom=dom,
        transactions=transactions,
        blobs=blobs,
        decoy_accounts={"ethereum": decoy} if decoy else {},
    )
    report = Report(
        task=Task(uuid="u", time="2024-01-01T00:00:00.000Z", url="https://x.test/"),
        page=Page(url="https://x.test/"),
        data={},
        lists=Lists(),
        text=text,
        wallet=wallet or {},
    )
    return report, capture


def listed(report: Report) -> list[tuple[str, str, list[str], bool, bool]]:
    return [
        (a.address, a.chain, a.sources, a.payment, a.sanctioned)
        for a in report.lists.crypto_addresses
    ]


def test_sources_order_payment_and_sanctions() -> None:
    report, capture = report_and_capture(
        text=f"Donate BTC: {BTC_V0}. The Ronin exploiter {SANCTIONED_ETH.lower()} moved funds.",
        dom=(
            f'<a href="bitcoin:{BTC_V0}?amount=0.01">QR</a><p>{SANCTIONED_ETH}</p>'
            f'<span data-addr="{BTC_P2SH}"></span>'
        ),
        scripts={
            "application/javascript": f'const receiver = "{TRON}";'.encode(),
            "image/png": f"{DOGE_D}".encode(),  # not a script: not scanned
        },
        wallet={
            "addresses": [ETH],
            "calls": [{"provider": "ethereum", "method": "x", "addresses": [ETH, USDT_ETH]}],
        },
    )
    add_crypto_addresses(report, capture, SDN)
    assert listed(report) == [
        (BTC_V0, "BTC", ["text", "dom"], True, False),
        (SANCTIONED_ETH, "ETH", ["text", "dom"], False, True),
        (BTC_P2SH, "BTC", ["dom"], False, True),
        (TRON, "TRON", ["script"], True, False),
        (ETH, "ETH", ["wallet"], True, False),
        (USDT_ETH, "ETH", ["wallet"], True, False),
    ]
    written = report.to_json_dict()["lists"]["cryptoAddresses"]
    assert written[1]["sanction"] == {
        "list": "OFAC SDN",
        "asset": "ETH",
        "assets": ["ETH", "USDT"],
        "date": "2025-11-19",
    }
    assert report.lists.crypto_addresses[0].sanction is None
    assert written[0]["address"] == BTC_V0


@pytest.mark.parametrize(
    ("text", "payment"),
    [
        (f"Send ETH to this address:\n{ETH}\nYou receive 2x back", [True]),
        (f"{ETH} is our deposit address", [True]),
        (f"Tips welcome: {ETH}", [True]),
        (f"Monero\n{XMR}\nCopy address\nEther\n{ETH}\nCopy", [True, True]),
        (f"Block explorer: {ETH} (contract). Copy it.", [False]),
        (f"Treasury added the exploiter's account {ETH} to the SDN list.", [False]),
        (f"The hackers sent and laundered funds via {ETH}, analysts said.", [False]),
        (f"Donate: {BTC_V0}. The hacker's account {ETH} moved funds.", [True, False]),
        (f"Pay to {BTC_V0} (not {ETH})", [True, False]),
    ],
)
def test_payment_context(text: str, payment: list[bool]) -> None:
    report, capture = report_and_capture(text=text)
    add_crypto_addresses(report, capture, SDN)
    assert [a.payment for a in report.lists.crypto_addresses] == payment


def test_sanctioned_solana_address_needs_no_context() -> None:
    sdn = SanctionsList(assets={"SOL": [SOL]})
    report, capture = report_and_capture(text=f"ref {SOL}")
    add_crypto_addresses(report, capture, sdn)
    assert listed(report) == [(SOL, "SOL", ["text"], False, True)]


def test_listed_addresses_of_chains_without_a_validator() -> None:
    dash, cashaddr = (
        "XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2",
        "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
    )
    sdn = SanctionsList(assets={"DASH": [dash], "BCH": [cashaddr]})
    report, capture = report_and_capture(
        text=f"Send DASH to {dash} or BCH to bitcoincash:{cashaddr}; not Xn{'a' * 30}"
    )
    add_crypto_addresses(report, capture, sdn)
    assert listed(report) == [
        (dash, "DASH", ["text"], True, True),
        (cashaddr, "BCH", ["text"], True, True),
    ]


def test_decoy_accounts_are_not_the_pages() -> None:
    report, capture = report_and_capture(
        text=f"Connected: {ETH.lower()}", wallet={"addresses": [ETH]}, decoy=ETH
    )
    add_crypto_addresses(report, capture, SDN)
    assert report.lists.crypto_addresses == []


def test_script_bytes_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "MAX_SCAN_BYTES", 100)
    body = b" " * 200 + TRON.encode()
    report, capture = report_and_capture(scripts={"text/javascript": body})
    add_crypto_addresses(report, capture, SDN)
    assert report.lists.crypto_addresses == []


def test_wallet_addresses_once_each_in_order() -> None:
    wallet = Wallet(
        addresses=[ETH, USDT_ETH],
        calls=[WalletRequest(provider="ethereum", method="x", addresses=[ETH, SANCTIONED_ETH])],
    )
    assert wallet_addresses(wallet) == [ETH, USDT_ETH, SANCTIONED_ETH]
    assert wallet_addresses(Wallet()) == []
