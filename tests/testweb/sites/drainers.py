"""Crypto-drainer pages (label "crypto-drainer") and two honest dApps built to look like them.

Each kit asks the decoy wallet for one way of handing over funds, in the style seen in the wild:
fake airdrops, "free mint", "wallet verification", revoke tools, LP rewards. The attacker
addresses below are fixed, valid, checksummed and nobody's (keccak of "spyglass test drainer
<kind>"); tests/analyze/verdicts/test_drainer.py expects them exactly.
"""

from __future__ import annotations

from aiohttp import web

from tests.testweb.corpus import Sample
from tests.testweb.render import page, static
from tests.testweb.routes import Routes

routes = Routes()

# Where each kit sends the victim's funds or allowances.
ATTACKERS = {
    "approve": "0xB43AD5ccfF59306Fdfe8A487e5F73F387ebaDcCf",
    "permit": "0x933c30f3f1b39900059ab8FDF122C8D03591E54B",
    "permit2": "0xe49af7Fc5957f13c0A4A995644fCAe34d3479EE6",
    "nft": "0xC8aB7086e8B2f11C1035D335A7e4A315629b0508",
    "sweep": "0x4c08D85982D4b852817Cdcb40E01fAdFeEE98cAf",
    "seaport": "0x31A66369213367063a529707E89D585365dF3064",
    "click": "0xcC1CdabE8104B41349A0b32FF582510808D3a485",
    "remote": "0x3C89190071C015643391E8Cd6882648876dBb492",
    "eip6963": "0x18B0fd51E4D5337686524131477eDa6FAd704EFB",
    "solana": "FhHWLUGNmBmKPvNaEGTDFjkyDU33KFwKExm4cN5LJuyk",
    "solana-spl": "61UhM9Vm9cJS15gHztdCaQHxLnxfUUDpwpib9LDhBMpD",
}
# The victim's token accounts the SPL kit's RPC proxy lists (it hands their ownership over).
SPL_TOKEN_ACCOUNTS = {
    "4g69HZajjdgxBao9o7ErE2VjVxErCTgoTTbUwpEFqbBU": "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    "97nBMPAg2Vpu2hrKe5aFN7x5VHEdgurjHJnNgQQEZ3Cr": "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
}
# The hash the fake "revoke" tool asks to eth_sign.
ETH_SIGN_HASH = "0x5f1d0b9cd1a43b6d6b2a0f1e3c7d8e9fa1b2c3d4e5f60718293a4b5c6d7e8f90"
# The balance the Solana kit's own RPC proxy reports; it asks for all of it but the fee.
SOLANA_BALANCE_LAMPORTS = 5_234_000_000
SOLANA_FEE_LAMPORTS = 5000

JS = "application/javascript"
NGINX = {"Server": "nginx"}
CLOUDFLARE = {"Server": "cloudflare", "CF-RAY": "8c1f2a3b4d5e6f70-FRA"}

CORPUS = [
    Sample(
        "drainer-approve-max",
        "arb-airdrop.test",
        label="crypto-drainer",
        note="fake ARB airdrop: connects on load, approves unlimited USDT",
    ),
    Sample(
        "drainer-permit",
        "usdc-rewards.test",
        label="crypto-drainer",
        note="'gasless staking': EIP-2612 Permit for unlimited USDC",
    ),
    Sample(
        "drainer-permit2-batch",
        "uniswap-rewards.test",
        label="crypto-drainer",
        note="'LP rewards': Permit2 PermitBatch for USDC, USDT, WETH",
        also=("phishing",),  # it imitates Uniswap on a domain Uniswap does not use
    ),
    Sample(
        "drainer-nft-approval",
        "otherside-mint.test",
        label="crypto-drainer",
        note="'free mint': setApprovalForAll on BAYC",
    ),
    Sample(
        "drainer-native-sweep",
        "wallet-verify.test",
        label="crypto-drainer",
        note="'wallet verification': sends the whole ETH balance minus gas",
    ),
    Sample(
        "drainer-seaport",
        "opensea-earnings.test",
        label="crypto-drainer",
        note="'creator earnings': Seaport order giving two NFTs for 1 wei",
    ),
    Sample(
        "drainer-eth-sign",
        "revoke-approvals.test",
        label="crypto-drainer",
        note="'revoke tool': eth_sign of a raw 32-byte hash",
    ),
    Sample(
        "drainer-solana",
        "jup-rewards.test",
        label="crypto-drainer",
        note="Solana: signTransaction of a System transfer of the whole balance",
    ),
    Sample(
        "drainer-solana-spl",
        "pump-rewards.test",
        label="crypto-drainer",
        note="Solana: signAllTransactions of a v0 SetAuthority (token accounts' owner) and a sweep",
    ),
    Sample(
        "drainer-click",
        "pepe-airdrop.test",
        label="crypto-drainer",
        note="waits for Connect Wallet -> wallet picker -> Claim; increaseAllowance max WETH",
    ),
    Sample(
        "drainer-remote-logic",
        "zk-airdrop.test",
        label="crypto-drainer",
        note="logic and receiver loaded from drainer-cdn.test; approves unlimited DAI",
    ),
    Sample(
        "drainer-eip6963",
        "blast-gold.test",
        label="crypto-drainer",
        note="finds the wallet only through EIP-6963; transfers the whole USDT balance",
    ),
    Sample(
        "dapp-swap",
        "fluxswap.test",
        label="benign",
        hard_negative=True,
        note="DEX: exact 250 USDC approval to the Uniswap V2 router, then the swap",
    ),
    Sample(
        "dapp-siwe",
        "guildhub.test",
        label="benign",
        hard_negative=True,
        note="connect + Sign-In with Ethereum message",
    ),
]

_PAGES = {
    "arb-airdrop.test": ("drainer-airdrop.html", CLOUDFLARE),
    "usdc-rewards.test": ("drainer-permit.html", CLOUDFLARE),
    "uniswap-rewards.test": ("drainer-permit2.html", NGINX),
    "otherside-mint.test": ("drainer-mint.html", CLOUDFLARE),
    "wallet-verify.test": ("drainer-sweep.html", NGINX),
    "opensea-earnings.test": ("drainer-seaport.html", CLOUDFLARE),
    "revoke-approvals.test": ("drainer-ethsign.html", NGINX),
    "jup-rewards.test": ("drainer-solana.html", CLOUDFLARE),
    "pump-rewards.test": ("drainer-solana-spl.html", CLOUDFLARE),
    "pepe-airdrop.test": ("drainer-click.html", CLOUDFLARE),
    "zk-airdrop.test": ("drainer-remote.html", CLOUDFLARE),
    "blast-gold.test": ("drainer-eip6963.html", NGINX),
    "fluxswap.test": ("drainer-dex.html", NGINX),
    "guildhub.test": ("drainer-siwe.html", NGINX),
}


def _landing(template: str, headers: dict[str, str]):
    async def handler(request: web.Request) -> web.Response:
        return page(request, template, headers=headers)

    return handler


for _host, (_template, _headers) in _PAGES.items():
    routes.route(_host, "/")(_landing(_template, _headers))


async def _ok(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"ok": True}, headers=NGINX)


for _host, _path in [
    ("usdc-rewards.test", "/api/stake"),
    ("revoke-approvals.test", "/r/batch"),
    ("guildhub.test", "/api/auth/verify"),
]:
    routes.route(_host, _path)(_ok)


@routes.route("uniswap-rewards.test", "/static/js/rewards.0f3a9c.js")
async def permit2_script(request: web.Request) -> web.Response:
    return static("drainer-permit2.js", JS, headers=NGINX)


@routes.route("jup-rewards.test", "/rpc")
async def solana_rpc(request: web.Request) -> web.Response:
    """The kit's own RPC proxy (drainers hide their RPC key behind one)."""
    call = await request.json()
    return web.json_response(
        {
            "jsonrpc": "2.0",
            "id": call.get("id"),
            "result": {"context": {"slot": 301_554_120}, "value": SOLANA_BALANCE_LAMPORTS},
        }
    )


@routes.route("pump-rewards.test", "/api/rpc")
async def spl_rpc(request: web.Request) -> web.Response:
    call = await request.json()
    context = {"slot": 301_554_121}
    if call.get("method") == "getTokenAccountsByOwner":
        value: object = [
            {"pubkey": account, "account": {"data": {"parsed": {"info": {"mint": mint}}}}}
            for account, mint in SPL_TOKEN_ACCOUNTS.items()
        ]
    else:
        value = SOLANA_BALANCE_LAMPORTS
    return web.json_response(
        {"jsonrpc": "2.0", "id": call.get("id"), "result": {"context": context, "value": value}}
    )


_CDN = "drainer-cdn.test"
_CORS = {"Access-Control-Allow-Origin": "*", **CLOUDFLARE}


@routes.route(_CDN, "/npm/@web3modal/standalone@2.4.3/dist/index.min.js")
async def remote_logic(request: web.Request) -> web.Response:
    return static("drainer-remote.js", JS, headers=_CORS)


@routes.route(_CDN, "/v2/settings")
async def remote_settings(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "receiver": ATTACKERS["remote"],
            "tokens": ["0x6B175474E89094C44Da98b954EedeAC495271d0F"],  # DAI
            "minUsd": 50,
        },
        headers=_CORS,
    )


@routes.route(_CDN, "/v2/log")
async def remote_log(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=204, headers=_CORS)
