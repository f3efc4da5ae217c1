"""What a serialized Solana transaction would do: its account keys and the System Program and
SPL Token instructions that move lamports or tokens or hand over authority.

Wire format (legacy and v0): compact-u16 signature count and 64-byte signatures; the message:
[0x80|version for v0] header (3 bytes), compact-u16 account keys (32 bytes each), recent
blockhash (32), compact-u16 instructions (program index u8, compact-u16 account indices,
compact-u16 data), then for v0 the address-table lookups (whose accounts we cannot resolve
offline: they show as ``lookup:N``). Parsed by hand: there is no Solana library to lean on.
"""

from __future__ import annotations

import base64
import binascii
import struct
from typing import Any

import base58

from spyglass.analyze.wallet.evm import Decoded

SYSTEM_PROGRAM = "11111111111111111111111111111111"
TOKEN_PROGRAMS = {
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA": "SPL Token",
    "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb": "SPL Token-2022",
}
LAMPORTS_PER_SOL = 1_000_000_000
AUTHORITY_TYPES = {0: "MintTokens", 1: "FreezeAccount", 2: "AccountOwner", 3: "CloseAccount"}


class WireError(ValueError):
    """The bytes are not a Solana transaction or message."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise WireError("truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def compact_u16(self) -> int:
        value = shift = 0
        for _ in range(3):
            byte = self.u8()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
        raise WireError("bad compact-u16")


def parse_transaction(data: bytes) -> dict:
    """``{version, signatures, header, accountKeys, instructions:[{program, accounts, data}]}``
    from a whole transaction, or from a bare message (what ``serializeMessage`` gives)."""
    try:
        return _parse(data, with_signatures=True)
    except WireError:
        return _parse(data, with_signatures=False)


def _parse(data: bytes, *, with_signatures: bool) -> dict:
    reader = _Reader(data)
    signatures = 0
    if with_signatures:
        signatures = reader.compact_u16()
        reader.take(64 * signatures)
    version: int | str = "legacy"
    if reader.data[reader.pos : reader.pos + 1] and reader.data[reader.pos] & 0x80:
        version = reader.u8() & 0x7F
    header = [reader.u8(), reader.u8(), reader.u8()]
    keys = [base58.b58encode(reader.take(32)).decode() for _ in range(reader.compact_u16())]
    if not keys or header[0] == 0 or header[0] > len(keys):
        raise WireError("bad header")
    if with_signatures and signatures != header[0]:
        raise WireError("signature count does not match the header")
    reader.take(32)  # recent blockhash
    raw_instructions = []
    for _ in range(reader.compact_u16()):
        program = reader.u8()
        accounts = [reader.u8() for _ in range(reader.compact_u16())]
        raw_instructions.append((program, accounts, reader.take(reader.compact_u16())))
    lookups = 0
    if version != "legacy":
        for _ in range(reader.compact_u16()):
            reader.take(32)  # the table's address
            lookups += len(reader.take(reader.compact_u16()))  # writable indices
            lookups += len(reader.take(reader.compact_u16()))  # read-only indices
    if reader.pos != len(reader.data):
        raise WireError("trailing bytes")

    def key(index: int) -> str:
        return keys[index] if index < len(keys) else f"lookup:{index - len(keys)}"

    return {
        "version": version,
        "signatures": signatures,
        "header": header,
        "accountKeys": keys,
        "feePayer": keys[0],
        "lookups": lookups,
        "instructions": [
            {"program": key(p), "accounts": [key(a) for a in accs], "data": d}
            for p, accs, d in raw_instructions
        ],
    }


def _u64(data: bytes, at: int) -> int:
    value: int = struct.unpack_from("<Q", data, at)[0]
    return value


def decode_instruction(ix: dict) -> dict | None:
    """One System / SPL Token instruction that moves value or authority, else None."""
    program, accounts, data = ix["program"], ix["accounts"], ix["data"]
    try:
        if program == SYSTEM_PROGRAM and len(data) >= 4:
            index = struct.unpack_from("<I", data)[0]
            if index == 2 and len(accounts) >= 2:  # Transfer
                lamports = _u64(data, 4)
                return {
                    "type": "sol-transfer",
                    "from": accounts[0],
                    "to": accounts[1],
                    "lamports": lamports,
                    "sol": _sol(lamports),
                    "beneficiary": accounts[1],
                    "owner": accounts[0],
                }
            if index == 11 and len(accounts) >= 3:  # TransferWithSeed
                lamports = _u64(data, 4)
                return {
                    "type": "sol-transfer",
                    "from": accounts[0],
                    "to": accounts[2],
                    "lamports": lamports,
                    "sol": _sol(lamports),
                    "beneficiary": accounts[2],
                    "owner": accounts[1],
                }
            if index == 8 and len(accounts) >= 1 and len(data) >= 36:  # Assign
                new_owner = base58.b58encode(data[4:36]).decode()
                return {
                    "type": "assign",
                    "account": accounts[0],
                    "newOwner": new_owner,
                    "beneficiary": new_owner,
                    "owner": accounts[0],
                }
            return None
        if program in TOKEN_PROGRAMS and data:
            return _token_instruction(data, accounts)
    except struct.error:
        return None
    return None


def _token_instruction(data: bytes, accounts: list[str]) -> dict | None:
    op = data[0]
    if op == 3 and len(accounts) >= 3:  # Transfer: source, destination, owner
        return {
            "type": "token-transfer",
            "source": accounts[0],
            "to": accounts[1],
            "amount": str(_u64(data, 1)),
            "owner": accounts[2],
            "beneficiary": accounts[1],
        }
    if op == 12 and len(accounts) >= 4:  # TransferChecked: source, mint, destination, owner
        return {
            "type": "token-transfer",
            "source": accounts[0],
            "mint": accounts[1],
            "to": accounts[2],
            "amount": str(_u64(data, 1)),
            "decimals": data[9],
            "owner": accounts[3],
            "beneficiary": accounts[2],
        }
    if op == 4 and len(accounts) >= 3:  # Approve: source, delegate, owner
        return {
            "type": "token-approve",
            "source": accounts[0],
            "delegate": accounts[1],
            "amount": str(_u64(data, 1)),
            "owner": accounts[2],
            "beneficiary": accounts[1],
        }
    if op == 13 and len(accounts) >= 4:  # ApproveChecked: source, mint, delegate, owner
        return {
            "type": "token-approve",
            "source": accounts[0],
            "mint": accounts[1],
            "delegate": accounts[2],
            "amount": str(_u64(data, 1)),
            "owner": accounts[3],
            "beneficiary": accounts[2],
        }
    if op == 6 and len(accounts) >= 2 and len(data) >= 3:  # SetAuthority
        new = base58.b58encode(data[3:35]).decode() if data[2] and len(data) >= 35 else None
        return {
            "type": "token-set-authority",
            "account": accounts[0],
            "authorityType": AUTHORITY_TYPES.get(data[1], str(data[1])),
            "newAuthority": new,
            "owner": accounts[1],
            "beneficiary": new,
        }
    if op == 9 and len(accounts) >= 3:  # CloseAccount: account, destination, owner
        return {
            "type": "token-close",
            "account": accounts[0],
            "to": accounts[1],
            "owner": accounts[2],
            "beneficiary": accounts[1],
        }
    return None


def _sol(lamports: int) -> str:
    whole, frac = divmod(lamports, LAMPORTS_PER_SOL)
    return f"{whole}.{frac:09d}".rstrip("0").rstrip(".")


def _describe(action: dict) -> str:
    kind = action["type"]
    if kind == "sol-transfer":
        return f"send {action['sol']} SOL to {action['to']}"
    if kind == "token-transfer":
        return f"transfer {action['amount']} token units to {action['to']}"
    if kind == "token-approve":
        return f"let {action['delegate']} spend {action['amount']} token units"
    if kind == "token-set-authority":
        return (
            f"hand {action['authorityType']} authority of {action['account']} "
            f"to {action['newAuthority']}"
        )
    if kind == "token-close":
        return f"close token account {action['account']} paying its rent to {action['to']}"
    return f"reassign {action['account']} to program {action['newOwner']}"


def transaction_bytes(value: Any) -> bytes | None:
    """A serialized transaction as the decoy recorded it: base64 (or base58) text, or a list
    of byte values."""
    if isinstance(value, list) and value and all(isinstance(b, int) for b in value):
        return bytes(b & 0xFF for b in value)
    if isinstance(value, dict):
        for key in ("transaction", "serialized", "message", "data", "base64", "bytes"):
            if key in value:
                return transaction_bytes(value[key])
        return None
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return base58.b58decode(value)
    except ValueError:
        return None


def decode_solana_transaction(value: Any, method: str, account: str | None) -> Decoded | None:
    raw = transaction_bytes(value)
    if raw is None:
        return None
    try:
        tx = parse_transaction(raw)
    except WireError:
        return None
    actions = [a for a in (decode_instruction(ix) for ix in tx["instructions"]) if a]
    beneficiaries = [
        a["beneficiary"] for a in actions if a.get("beneficiary") and a["beneficiary"] != account
    ]
    programs = list(dict.fromkeys(ix["program"] for ix in tx["instructions"]))
    summary = "; ".join(_describe(a) for a in actions) or (
        f"sign a transaction calling {len(programs)} program(s)"
    )
    return Decoded(
        {
            "kind": "solana-transaction",
            "method": method,
            "summary": summary,
            "version": tx["version"],
            "feePayer": tx["feePayer"],
            "accountKeys": tx["accountKeys"],
            "programs": programs,
            "actions": actions,
        },
        list(dict.fromkeys(beneficiaries)),
    )


def solana_message(params: Any) -> tuple[str | None, bytes]:
    """``signMessage``'s message, recorded as text, hex or a byte list -> (text, bytes)."""
    value = params
    if isinstance(params, list) and params and not isinstance(params[0], int):
        value = params[0]
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return None, bytes.fromhex(value[2:])  # the decoy writes non-UTF-8 bytes as hex
        except ValueError:
            return value, value.encode()
    if isinstance(value, dict):
        params = value
        value = params.get("message", params.get("text", params.get("hex")))
        if isinstance(value, str) and params.get("encoding") == "hex":
            value = bytes.fromhex(value.removeprefix("0x"))
    if isinstance(value, list) and all(isinstance(b, int) for b in value):
        value = bytes(b & 0xFF for b in value)
    if isinstance(value, str):
        return value, value.encode()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8"), value
        except UnicodeDecodeError:
            return None, value
    return None, b""
