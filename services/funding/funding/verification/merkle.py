"""The Merkle tree hash of RFC 9162 (Certificate Transparency v2) over a checkpoint's journal hashes: a leaf
is SHA-256(0x00 ‖ journal hash), a node SHA-256(0x01 ‖ left ‖ right). One transfer's place in a checkpoint is
then proven by about log2(n) hashes instead of the whole stretch of the journal."""

import hashlib

# The offline check (the self-contained script an auditor runs) and the service hash nodes the same way.
from funding.proof_check import node


def leaf_hash(journal_hash: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(journal_hash)).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = leaves
    # Bottom-up with RFC 9162's shape: pairing left to right and carrying an odd last node up unchanged gives
    # the same root as the recursive definition.
    while len(level) > 1:
        paired = [node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1: the audit path of leaf `index`."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return inclusion_path(index, leaves[:k]) + [tree_root(leaves[k:])]
    return inclusion_path(index - k, leaves[k:]) + [tree_root(leaves[:k])]
