"""Check a transfer's inclusion proof offline, with nothing but Python and the `cryptography` package:

    python proof_check.py proof.json signing-key.pem

proof.json is GET /api/funding/transfers/{id}/proof saved as is; signing-key.pem is `public_key_pem` of
GET /api/funding/ledger/signing-key (keep it from a trusted moment: whoever could swap it could forge both).
Checks that (1) the journal row hashes to its hash, (2) the audit path leads from that hash to the
checkpoint's Merkle root (RFC 9162), (3) the checkpoint statement is signed by the key. Prints what the row
records and exits 0, or says which check failed and exits 1. Self-contained on purpose: an auditor runs it on
their own machine without the platform's code."""

import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key


def canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check(proof: dict, public_key_pem: bytes) -> list[str]:
    """The checks that failed (none: the proof holds)."""
    failed = []
    row, checkpoint = proof["journal"], proof["checkpoint"]
    statement = checkpoint["statement"]
    if hashlib.sha256((row["prev_hash"] + row["body"]).encode()).hexdigest() != row["hash"]:
        failed.append("the journal row does not hash to its hash")
    leaf = hashlib.sha256(b"\x00" + bytes.fromhex(row["hash"])).digest()
    root = root_from_path(proof["leaf_index"], statement["segment_size"], leaf,
                          [bytes.fromhex(h) for h in proof["audit_path"]])
    if root is None or root.hex() != statement["segment_root"]:
        failed.append("the audit path does not lead to the checkpoint's Merkle root")
    if row["seq"] != statement["previous_seq"] + proof["leaf_index"] + 1:
        failed.append("the row's position is not its place in the checkpoint")
    try:
        load_pem_public_key(public_key_pem).verify(base64.b64decode(checkpoint["signature"]), canonical(statement))
    except (InvalidSignature, ValueError):
        failed.append("the checkpoint's signature does not verify with this key")
    return failed


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as proof_file, open(argv[1], "rb") as key_file:
        proof, key = json.load(proof_file), key_file.read()
    failed = check(proof, key)
    for reason in failed:
        print(f"✗ {reason}")
    if failed:
        return 1
    body, statement = json.loads(proof["journal"]["body"]), proof["checkpoint"]["statement"]
    transfer = body["transfer"]
    print(f"✓ transfer {transfer['key']} ({body['outcome']}, {body['amount']} fen, "
          f"account {transfer['debit_account_id']}"
          f" → {transfer['credit_account_id']}) is journal row {body['seq']}, sealed in checkpoint {statement['seq']} "
          f"of {statement['sealed_at']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
