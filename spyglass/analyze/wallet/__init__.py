"""The decoy wallets' side of a scan: what a page asked the wallets to sign or send.

``decode`` builds ``report.wallet`` from the recorded calls; ``evm`` (transactions, calldata,
messages), ``typed_data`` (EIP-712: Permit, Permit2, Seaport) and ``solana`` (serialized
transactions) decode them. Token names and known spenders come from ``refdata.tokens``.
"""
