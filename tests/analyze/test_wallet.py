"""Decoding decoy-wallet requests (analyze/wallet.py and its decoders), from hand-made calls."""

from __future__ import annotations

import base64
import json
import struct
from datetime import datetime

import base58
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from spyglass.analyze.verdicts import Inputs
from spyglass.analyze.verdicts.drainer import drainer
from spyglass.analyze.wallet.decode import build_wallet, describe_call
from spyglass.analyze.wallet.solana import parse_transaction
from spyglass.models import RawCapture, Report, WalletCall

VICTIM = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"
ATTACKER = "0x8F3f3aC2Fd6f8E5C3b5b2A2e0C4B6c1D9e7A2b51"
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
BAYC = "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D"
UNIV2 = "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D"
PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"
MAX = 2**256 - 1
SOL_VICTIM = base58.b58encode(bytes(range(1, 33))).decode()
SOL_ATTACKER = base58.b58encode(bytes(range(100, 132))).decode()
SYSTEM = "11111111111111111111111111111111"
TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"

ATTACKER = to_checksum_address(ATTACKER.lower())


def calldata(signature: str, types: list[str], values: list) -> str:
    return "0x" + (function_signature_to_4byte_selector(signature) + encode(types, values)).hex()


def send(to: str, data: str = "", value: int = 0) -> WalletCall:
    tx = {"from": VICTIM, "to": to, "value": hex(value)}
    if data:
        tx["data"] = data
    return WalletCall(provider="ethereum", method="eth_sendTransaction", params=[tx])


def typed(primary: str, domain: dict, message: dict) -> WalletCall:
    doc = {"types": {}, "primaryType": primary, "domain": domain, "message": message}
    return WalletCall(
        provider="ethereum", method="eth_signTypedData_v4", params=[VICTIM, json.dumps(doc)]
    )


def described(call: WalletCall) -> dict:
    """The described call as the document has it (its intent's fields in camelCase)."""
    found = describe_call(call, {"ethereum": VICTIM, "solana": SOL_VICTIM})
    return found.model_dump(by_alias=True)


def capture_of(*calls: WalletCall) -> RawCapture:
    t = datetime(2026, 1, 1)
    return RawCapture(
        url="https://x.test/",
        started_at=t,
        finished_at=t,
        decoy_accounts={"ethereum": VICTIM, "solana": SOL_VICTIM},
        wallet_calls=list(calls),
    )


def verdict(*calls: WalletCall):
    capture = capture_of(*calls)
    report = Report.model_construct(wallet=build_wallet(capture))
    return drainer(Inputs(report=report, capture=capture))


# ---- EVM transactions ----------------------------------------------------------------------


def test_native_transfer() -> None:
    d = described(send(ATTACKER.lower(), value=3 * 10**18 // 2))
    assert d["intent"]["kind"] == "native-transfer"
    assert d["intent"]["to"] == ATTACKER
    assert d["intent"]["value"] == str(15 * 10**17)
    assert d["intent"]["eth"] == "1.5"
    assert d["addresses"] == [ATTACKER]


def test_erc20_approve_unlimited_names_the_token() -> None:
    d = described(
        send(USDC, calldata("approve(address,uint256)", ["address", "uint256"], [ATTACKER, MAX]))
    )
    intent = d["intent"]
    assert intent["kind"] == "erc20-approve"
    assert intent["spender"] == ATTACKER
    assert intent["token"]["symbol"] == "USDC" and intent["token"]["decimals"] == 6
    assert intent["unlimited"] is True and intent["amount"] == str(MAX)
    assert intent["summary"] == f"approve unlimited USDC (0xA0b8…eB48) to {ATTACKER}"
    assert d["addresses"] == [ATTACKER]


def test_increase_allowance_exact_amount() -> None:
    data = calldata(
        "increaseAllowance(address,uint256)", ["address", "uint256"], [ATTACKER, 2**255]
    )
    intent = described(send(USDT, data))["intent"]
    assert intent["method"] == "increaseAllowance" and intent["unlimited"] is True
    data = calldata("approve(address,uint256)", ["address", "uint256"], [UNIV2, 250_000_000])
    intent = described(send(USDT, data))["intent"]
    assert intent["amountText"] == "250" and intent["unlimited"] is False
    assert intent["knownSpender"] == "Uniswap V2 Router"


def test_erc20_transfer_and_transfer_from() -> None:
    data = calldata("transfer(address,uint256)", ["address", "uint256"], [ATTACKER, 10**6])
    d = described(send(USDC, data))
    assert (d["intent"]["kind"], d["intent"]["to"], d["intent"]["amountText"]) == (
        "erc20-transfer",
        ATTACKER,
        "1",
    )
    data = calldata(
        "transferFrom(address,address,uint256)",
        ["address", "address", "uint256"],
        [VICTIM, ATTACKER, 5 * 10**6],
    )
    d = described(send(USDC, data))
    assert d["intent"]["kind"] == "erc20-transfer-from"
    assert (d["intent"]["from"], d["intent"]["to"]) == (VICTIM, ATTACKER)
    assert d["intent"]["amount"] == "5000000" and d["addresses"] == [ATTACKER]


def test_set_approval_for_all() -> None:
    data = calldata("setApprovalForAll(address,bool)", ["address", "bool"], [ATTACKER, True])
    d = described(send(BAYC, data))
    assert d["intent"]["kind"] == "nft-approval-for-all"
    assert d["intent"]["operator"] == ATTACKER and d["intent"]["approved"] is True
    assert d["intent"]["collection"]["symbol"] == "BAYC"
    assert d["addresses"] == [ATTACKER]
    data = calldata("setApprovalForAll(address,bool)", ["address", "bool"], [ATTACKER, False])
    assert described(send(BAYC, data))["addresses"] == []


def test_safe_transfer_from_erc721_and_erc1155() -> None:
    data = calldata(
        "safeTransferFrom(address,address,uint256)",
        ["address", "address", "uint256"],
        [VICTIM, ATTACKER, 8817],
    )
    d = described(send(BAYC, data))
    assert d["intent"]["kind"] == "nft-transfer" and d["intent"]["tokenIds"] == ["8817"]
    assert d["intent"]["to"] == ATTACKER
    data = calldata(
        "safeTransferFrom(address,address,uint256,uint256,bytes)",
        ["address", "address", "uint256", "uint256", "bytes"],
        [VICTIM, ATTACKER, 3, 40, b""],
    )
    d = described(send(BAYC, data))
    assert d["intent"]["standard"] == "erc1155" and d["intent"]["amounts"] == ["40"]


def test_router_swap_is_a_named_contract_call() -> None:
    data = calldata(
        "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
        ["uint256", "uint256", "address[]", "address", "uint256"],
        [10**6, 1, [USDC, USDT], VICTIM, 2**32],
    )
    d = described(send(UNIV2, data))
    assert d["intent"]["kind"] == "contract-call"
    assert d["intent"]["functionName"] == "swapExactTokensForTokens"
    assert d["intent"]["knownContract"] == "Uniswap V2 Router"
    assert d["addresses"] == []
    multicall = calldata("multicall(bytes[])", ["bytes[]"], [[b"\x01\x02"]])
    assert described(send(UNIV2, multicall))["intent"]["functionName"] == "multicall"


def test_payable_claim_on_unknown_contract_hands_it_the_eth() -> None:
    d = described(send(ATTACKER, calldata("claim()", [], []), value=10**18))
    assert d["intent"]["kind"] == "contract-call" and d["intent"]["functionName"] == "claim"
    assert d["addresses"] == [ATTACKER]


# ---- typed data ----------------------------------------------------------------------------


def test_eip2612_permit() -> None:
    call = typed(
        "Permit",
        {"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": USDC},
        {
            "owner": VICTIM,
            "spender": ATTACKER,
            "value": str(MAX),
            "nonce": 0,
            "deadline": 1893456000,
        },
    )
    d = described(call)
    intent = d["intent"]
    assert intent["kind"] == "permit" and intent["spender"] == ATTACKER
    assert intent["token"]["address"] == USDC and intent["unlimited"] is True
    assert intent["deadline"] == 1893456000 and intent["owner"] == VICTIM
    assert d["addresses"] == [ATTACKER]


def test_permit2_single_and_batch() -> None:
    domain = {"name": "Permit2", "chainId": 1, "verifyingContract": PERMIT2}
    single = typed(
        "PermitSingle",
        domain,
        {
            "details": {
                "token": USDT,
                "amount": str(2**160 - 1),
                "expiration": 1900000000,
                "nonce": 0,
            },
            "spender": ATTACKER,
            "sigDeadline": 1900000000,
        },
    )
    d = described(single)
    assert d["intent"]["kind"] == "permit2-single" and d["intent"]["spender"] == ATTACKER
    assert d["intent"]["tokens"][0]["token"]["symbol"] == "USDT"
    assert d["intent"]["tokens"][0]["unlimited"] is True and d["intent"]["permit2"] is True
    batch = typed(
        "PermitBatch",
        domain,
        {
            "details": [
                {"token": USDC, "amount": "5000000", "expiration": 1, "nonce": 0},
                {"token": USDT, "amount": "7000000", "expiration": 2, "nonce": 0},
            ],
            "spender": ATTACKER,
            "sigDeadline": 3,
        },
    )
    intent = described(batch)["intent"]
    assert [t["token"]["symbol"] for t in intent["tokens"]] == ["USDC", "USDT"]
    assert [t["amount"] for t in intent["tokens"]] == ["5000000", "7000000"]
    assert [t["expiration"] for t in intent["tokens"]] == [1, 2]
    transfer = typed(
        "PermitTransferFrom",
        domain,
        {
            "permitted": {"token": USDC, "amount": "10"},
            "spender": ATTACKER,
            "nonce": 1,
            "deadline": 9,
        },
    )
    assert described(transfer)["intent"]["kind"] == "permit2-transfer-from"


def test_seaport_order_for_nothing() -> None:
    call = typed(
        "OrderComponents",
        {
            "name": "Seaport",
            "version": "1.5",
            "chainId": 1,
            "verifyingContract": "0x00000000000000ADc04C56Bf30aC9d3c0aAF14dC",
        },
        {
            "offerer": VICTIM,
            "zone": "0x" + "00" * 20,
            "offer": [
                {
                    "itemType": 2,
                    "token": BAYC,
                    "identifierOrCriteria": "8817",
                    "startAmount": "1",
                    "endAmount": "1",
                }
            ],
            "consideration": [
                {
                    "itemType": 0,
                    "token": "0x" + "00" * 20,
                    "identifierOrCriteria": "0",
                    "startAmount": "1",
                    "endAmount": "1",
                    "recipient": ATTACKER,
                }
            ],
        },
    )
    d = described(call)
    intent = d["intent"]
    assert intent["kind"] == "seaport-order" and intent["offerer"] == VICTIM
    assert intent["offer"][0]["identifier"] == "8817" and intent["recipients"] == [ATTACKER]
    assert intent["offererReceives"] == "0" and d["addresses"] == [ATTACKER]


# ---- messages and wallet methods -----------------------------------------------------------


def test_personal_sign_text_and_siwe() -> None:
    text = "app.test wants you to sign in with your Ethereum account:\n" + VICTIM
    call = WalletCall(
        provider="ethereum", method="personal_sign", params=["0x" + text.encode().hex(), VICTIM]
    )
    intent = described(call)["intent"]
    assert intent["kind"] == "sign-in" and intent["text"] == text and intent["siwe"]
    call = WalletCall(provider="ethereum", method="personal_sign", params=["Hello", VICTIM])
    assert described(call)["intent"]["kind"] == "message-signature"


def test_eth_sign_of_a_hash_is_blind() -> None:
    digest = "0x" + "ab" * 32
    intent = described(WalletCall(provider="ethereum", method="eth_sign", params=[VICTIM, digest]))[
        "intent"
    ]
    assert intent["kind"] == "blind-signature" and intent["hash"] and intent["hex"] == digest


def test_watch_asset_and_add_chain() -> None:
    watch = WalletCall(
        provider="ethereum",
        method="wallet_watchAsset",
        params={
            "type": "ERC20",
            "options": {"address": USDC.lower(), "symbol": "USDC", "decimals": 6},
        },
    )
    assert described(watch)["intent"]["address"] == USDC
    chain = WalletCall(
        provider="ethereum",
        method="wallet_addEthereumChain",
        params=[
            {"chainId": "0x38", "chainName": "BNB Smart Chain", "rpcUrls": ["https://rpc.example/"]}
        ],
    )
    intent = described(chain)["intent"]
    assert (intent["chainId"], intent["rpcUrls"]) == (56, ["https://rpc.example/"])


def test_build_wallet_orders_calls_and_counts_probes() -> None:
    calls = [
        WalletCall(provider="ethereum", method="eth_requestAccounts", timestamp=1767225600.5),
        WalletCall(provider="ethereum", method="eth_chainId"),
        WalletCall(provider="ethereum", method="eth_getBalance", params=[VICTIM, "latest"]),
        send(USDC, calldata("approve(address,uint256)", ["address", "uint256"], [ATTACKER, MAX])),
        send(ATTACKER, value=10**18),
    ]
    wallet = build_wallet(capture_of(*calls))
    assert wallet.accounts == {"ethereum": VICTIM, "solana": SOL_VICTIM}
    assert [c.method for c in wallet.calls] == [c.method for c in calls]
    assert wallet.calls[0].time == "2026-01-01T00:00:00.500Z"
    assert wallet.addresses == [ATTACKER] and wallet.probes == 3


def test_no_decoy_no_wallet() -> None:
    t = datetime(2026, 1, 1)
    wallet = build_wallet(RawCapture(url="https://x.test/", started_at=t, finished_at=t))
    assert wallet.empty and wallet.model_dump(mode="json", by_alias=True) == {}


# ---- Solana --------------------------------------------------------------------------------


def compact(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def solana_tx(
    keys: list[str],
    instructions: list[tuple[int, list[int], bytes]],
    *,
    v0: bool = False,
    signatures: bool = True,
) -> bytes:
    message = bytearray(b"\x80" if v0 else b"")
    message += bytes([1, 0, 1])
    message += compact(len(keys)) + b"".join(base58.b58decode(k) for k in keys)
    message += bytes(32)  # recent blockhash
    message += compact(len(instructions))
    for program, accounts, data in instructions:
        message += bytes([program]) + compact(len(accounts)) + bytes(accounts)
        message += compact(len(data)) + data
    if v0:
        message += compact(0)
    return (compact(1) + bytes(64) + bytes(message)) if signatures else bytes(message)


def test_solana_system_transfer_legacy_and_v0() -> None:
    data = struct.pack("<IQ", 2, 2_500_000_000)
    for v0 in (False, True):
        raw = solana_tx([SOL_VICTIM, SOL_ATTACKER, SYSTEM], [(2, [0, 1], data)], v0=v0)
        call = WalletCall(
            provider="solana", method="signTransaction", params=base64.b64encode(raw).decode()
        )
        d = described(call)
        action = d["intent"]["actions"][0]
        assert action == {
            "type": "sol-transfer",
            "from": SOL_VICTIM,
            "to": SOL_ATTACKER,
            "lamports": 2_500_000_000,
            "sol": "2.5",
            "beneficiary": SOL_ATTACKER,
            "owner": SOL_VICTIM,
        }
        assert d["intent"]["version"] == (0 if v0 else "legacy")
        assert d["addresses"] == [SOL_ATTACKER]


def test_solana_message_only_and_token_instructions() -> None:
    source = base58.b58encode(bytes([7] * 32)).decode()
    raw = solana_tx(
        [SOL_VICTIM, source, SOL_ATTACKER, TOKEN],
        [
            (3, [1, 2, 0], bytes([3]) + struct.pack("<Q", 99)),
            (3, [1, 2, 0], bytes([4]) + struct.pack("<Q", 5)),
            (3, [1, 0], bytes([6, 2, 1]) + base58.b58decode(SOL_ATTACKER)),
        ],
        signatures=False,
    )
    assert parse_transaction(raw)["signatures"] == 0
    call = WalletCall(
        provider="solana", method="signAllTransactions", params=[[base64.b64encode(raw).decode()]]
    )
    d = described(call)
    types = [a["type"] for a in d["intent"]["actions"]]
    assert types == ["token-transfer", "token-approve", "token-set-authority"]
    assert d["intent"]["actions"][2]["newAuthority"] == SOL_ATTACKER
    assert d["intent"]["actions"][2]["authorityType"] == "AccountOwner"
    assert d["addresses"] == [SOL_ATTACKER]


def test_solana_connect_and_sign_message() -> None:
    assert described(WalletCall(provider="solana", method="connect"))["intent"]["kind"] == (
        "connect"
    )
    intent = described(
        WalletCall(provider="solana", method="signMessage", params=["Verify wallet ownership"])
    )["intent"]
    assert intent["text"] == "Verify wallet ownership"


# ---- the drainer engine over hand-made calls -----------------------------------------------


def test_engine_flags_unlimited_approval_with_a_plain_reason() -> None:
    result = verdict(
        send(USDC, calldata("approve(address,uint256)", ["address", "uint256"], [ATTACKER, MAX]))
    )
    assert result.malicious and result.categories == ["crypto-drainer"]
    assert result.evidence[0].reason == (
        f"asked the wallet to approve unlimited USDC (0xA0b8…eB48) spending by {ATTACKER}"
    )


def test_engine_benign_swap_and_sign_in() -> None:
    approve = send(
        USDC, calldata("approve(address,uint256)", ["address", "uint256"], [UNIV2, 25 * 10**6])
    )
    siwe = WalletCall(
        provider="ethereum",
        method="personal_sign",
        params=["app.test wants you to sign in with your Ethereum account:", VICTIM],
    )
    result = verdict(WalletCall(provider="ethereum", method="eth_requestAccounts"), approve, siwe)
    assert not result.malicious and result.score <= 0 and result.categories == []


def test_engine_solana_drain_and_eth_sign() -> None:
    raw = solana_tx([SOL_VICTIM, SOL_ATTACKER, SYSTEM], [(2, [0, 1], struct.pack("<IQ", 2, 10**9))])
    result = verdict(
        WalletCall(
            provider="solana", method="signTransaction", params=base64.b64encode(raw).decode()
        )
    )
    assert result.malicious and SOL_ATTACKER in result.evidence[0].reason
    result = verdict(
        WalletCall(provider="ethereum", method="eth_sign", params=[VICTIM, "0x" + "cd" * 32])
    )
    assert result.malicious and result.evidence[0].kind == "eth-sign-hash"


def test_engine_knows_the_decoy_balances() -> None:
    from spyglass.analyze.verdicts import drainer as engine
    from spyglass.capture import decoys

    assert engine.DEFAULT_BALANCE_WEI == decoys.BALANCE_WEI
    assert engine.DECOY_TOKEN_BALANCE == decoys.TOKEN_BALANCE


def test_engine_leaves_honest_requests_alone() -> None:
    opensea_conduit = "0x1E0049783F008A0085193E00003D00cd54003c71"
    seaport = {
        "name": "Seaport",
        "version": "1.5",
        "chainId": 1,
        "verifyingContract": "0x00000000000000ADc04C56Bf30aC9d3c0aAF14dC",
    }
    fee = "0x0000a26b00c1F0DF003000390027140000fAa719"
    listing = typed(
        "OrderComponents",
        seaport,
        {
            "offerer": VICTIM,
            "offer": [
                {
                    "itemType": 2,
                    "token": BAYC,
                    "identifierOrCriteria": "1",
                    "startAmount": "1",
                    "endAmount": "1",
                }
            ],
            "consideration": [
                {
                    "itemType": 0,
                    "token": "0x" + "00" * 20,
                    "identifierOrCriteria": "0",
                    "startAmount": str(975 * 10**15),
                    "endAmount": str(975 * 10**15),
                    "recipient": VICTIM,
                },
                {
                    "itemType": 0,
                    "token": "0x" + "00" * 20,
                    "identifierOrCriteria": "0",
                    "startAmount": str(25 * 10**15),
                    "endAmount": str(25 * 10**15),
                    "recipient": fee,
                },
            ],
        },
    )
    calls = [
        send(USDC, calldata("approve(address,uint256)", ["address", "uint256"], [PERMIT2, MAX])),
        send(
            BAYC,
            calldata(
                "setApprovalForAll(address,bool)", ["address", "bool"], [opensea_conduit, True]
            ),
        ),
        listing,
        send(ATTACKER, value=10**16),  # 0.01 ETH: a payment, not a sweep
        WalletCall(
            provider="ethereum",
            method="wallet_addEthereumChain",
            params=[
                {
                    "chainId": "0xa",
                    "chainName": "OP Mainnet",
                    "rpcUrls": ["https://mainnet.optimism.io"],
                }
            ],
        ),
    ]
    result = verdict(*calls)
    assert not result.malicious and result.score < 50, result.evidence


def test_engine_flags_transfer_from_the_victim_and_unknown_permit() -> None:
    data = calldata(
        "transferFrom(address,address,uint256)",
        ["address", "address", "uint256"],
        [VICTIM, ATTACKER, 10**6],
    )
    result = verdict(send(USDC, data))
    assert result.malicious and result.evidence[0].kind == "erc20-transfer-from"
    assert result.evidence[0].reason == (
        f"asked the wallet to move 1 USDC (0xA0b8…eB48) out of the victim's account to {ATTACKER}"
    )
    permit = typed(
        "Permit",
        {
            "name": "Dai Stablecoin",
            "version": "1",
            "chainId": 1,
            "verifyingContract": "0x6B175474E89094C44Da98b954EedeAC495271d0F",
        },
        {"holder": VICTIM, "spender": ATTACKER, "nonce": 0, "expiry": 0, "allowed": True},
    )
    result = verdict(permit)
    assert result.malicious and result.evidence[0].detail["addresses"] == [ATTACKER]


def test_engine_counts_a_repeated_request_once() -> None:
    approve = send(
        USDC, calldata("approve(address,uint256)", ["address", "uint256"], [ATTACKER, MAX])
    )
    result = verdict(approve, approve)
    assert len(result.evidence) == 1 and result.score == 95
