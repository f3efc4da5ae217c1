/*
 * Crypto-drainer kit artefacts. Spyglass's own rules (Apache-2.0, see SOURCE).
 */

rule drainer_named_kit
{
    meta:
        description = "carries the name or panel strings of a known crypto-drainer kit (Inferno, Angel, Pink, MS, Venom, Ace...)"
        category = "crypto-drainer"
        score = 90
    strings:
        $n1 = /inferno[ _-]?drainer/ nocase
        $n2 = /angel[ _-]?drainer/ nocase
        $n3 = /pink[ _-]?drainer/ nocase
        $n4 = /\bms[ _-]?drainer/ nocase
        $n5 = /venom[ _-]?drainer/ nocase
        $n6 = /ace[ _-]?drainer/ nocase
        $n7 = /monkey[ _-]?drainer/ nocase
        $n8 = /chick[ _-]?drainer/ nocase
        $n9 = /nova[ _-]?drainer/ nocase
        $wallet = /eth_requestAccounts|window\.ethereum|solana\.connect|walletconnect/ nocase
    condition:
        any of ($n*) and $wallet
}

rule drainer_approval_sweep
{
    meta:
        description = "asks a connected wallet for unlimited token approvals, NFT operator rights (setApprovalForAll) and Permit/Seaport signatures in one script, the sequence drainer kits run"
        category = "crypto-drainer"
        score = 85
    strings:
        $connect = "eth_requestAccounts"
        $nft = "setApprovalForAll"
        $seaport1 = "seaport" nocase
        $seaport2 = "OrderComponents"
        $permit1 = /["']Permit["']|PermitSingle|PermitBatch|PermitTransferFrom/
        $permit2 = "eth_signTypedData_v4"
        $max1 = /0x[fF]{64}/
        $max2 = "MaxUint256"
        $max3 = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        $assets1 = "ankr_getAccountBalance"
        $assets2 = "alchemy_getTokenBalances"
        $assets3 = /api\.opensea\.io|api\.reservoir\.tools|debank\.com|api\.covalenthq\.com|deep-index\.moralis\.io/
        $sweep = /eth_getBalance[\s\S]{0,2000}eth_sendTransaction/
    condition:
        $connect and $nft and (any of ($seaport*) or any of ($permit*))
        and (any of ($max*) or any of ($assets*) or $sweep)
}
