"""Ethereum token names, symbols and decimals (``tokens.json``) from @metamask/contract-metadata;
see ``SOURCE`` and ``LICENSE`` here, and ``spyglass/refdata/tokens.py`` for their use."""
