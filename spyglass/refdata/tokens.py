"""Known Ethereum contracts: token names from ``spyglass/data/tokens`` and the protocols whose
routers, vaults and marketplaces legitimately receive allowances.

The token list is @metamask/contract-metadata (ISC; see the folder's SOURCE and LICENSE).
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from importlib import resources

from eth_utils import is_hex_address, to_checksum_address

DATA_PACKAGE = "spyglass.data.tokens"

# Contracts a normal dApp asks the wallet to approve or sign for: an exact-amount approval or a
# Permit2 signature to one of these is a swap or a listing, not a drain.
KNOWN_SPENDERS: dict[str, str] = {
    "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D": "Uniswap V2 Router",
    "0xE592427A0AEce92De3Edee1F18E0157C05861564": "Uniswap V3 SwapRouter",
    "0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45": "Uniswap SwapRouter02",
    "0xEf1c6E67703c7BD7107eed8303Fbe6EC2554BF6B": "Uniswap Universal Router",
    "0x3fC91A3afd70395Cd496C647d5a8CC85B1Ea6e44": "Uniswap Universal Router",
    "0x66a9893cC07D91D95644AEDD05D03f95e1dBA8Af": "Uniswap Universal Router",
    "0x000000000022D473030F116dDEE9F6B43aC78BA3": "Uniswap Permit2",
    "0xd9e1cE17f2641f24aE83637ab66a2cca9C378B9F": "SushiSwap Router",
    "0x1111111254EEB25477B68fb85Ed929f73A960582": "1inch Aggregation Router v5",
    "0x111111125421cA6dc452d289314280a0f8842A65": "1inch Aggregation Router v6",
    "0xDef1C0ded9bec7F1a1670819833240f027b25EfF": "0x Exchange Proxy",
    "0x00000000000000ADc04C56Bf30aC9d3c0aAF14dC": "OpenSea Seaport 1.5",
    "0x0000000000000068F116a894984e2DB1123eB395": "OpenSea Seaport 1.6",
    "0x1E0049783F008A0085193E00003D00cd54003c71": "OpenSea Conduit",
}

PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"


def checksum(address: object) -> str | None:
    """EIP-55 form of an address, None when it is not one.

    >>> checksum("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")
    '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'
    >>> checksum("USDC") is None
    True
    """
    if isinstance(address, str) and is_hex_address(address):
        return to_checksum_address(address)
    return None


@functools.cache
def _tokens() -> dict[str, dict]:
    text = resources.files(DATA_PACKAGE).joinpath("tokens.json").read_text(encoding="utf-8")
    tokens: dict[str, dict] = json.loads(text)
    return tokens


def token_info(address: str) -> dict:
    """``{address, name, symbol, decimals, standard}`` of a token contract; name and symbol
    None for a contract the list doesn't know.

    >>> token_info("0xdac17f958d2ee523a2206206994597c13d831ec7")["symbol"]
    'USDT'
    >>> token_info("0x" + "12" * 20)["symbol"] is None
    True
    """
    address = checksum(address) or address
    known = _tokens().get(address, {})
    return {
        "address": address,
        "name": known.get("name"),
        "symbol": known.get("symbol"),
        "decimals": known.get("decimals"),
        "standard": known.get("standard"),
    }


def token_label(token: dict) -> str:
    """How a token is named in a summary: ``USDC (0xA0b8…)`` or the bare short address."""
    short = short_address(token["address"])
    return f"{token['symbol']} ({short})" if token.get("symbol") else short


def short_address(address: str) -> str:
    """An address shortened for a summary.

    >>> short_address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48")
    '0xA0b8…eB48'
    """
    return f"{address[:6]}…{address[-4:]}" if len(address) > 12 else address


def known_spender(address: str | None) -> str | None:
    """The protocol name when ``address`` is a well-known router / vault / marketplace."""
    return KNOWN_SPENDERS.get(checksum(address) or "") if address else None


def token_amount(raw: int, decimals: int | None) -> str:
    """A raw integer amount in whole tokens, as text.

    >>> token_amount(1_500_000, 6), token_amount(10**18, 18), token_amount(7, None)
    ('1.5', '1', '7')
    """
    if decimals is None:
        return str(raw)
    value = Decimal(raw).scaleb(-decimals)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
