"""The Merkle tree hash of RFC 9162 (Certificate Transparency v2) over a checkpoint's journal hashes: a leaf
is SHA-256(0x00 ‖ journal hash), a node SHA-256(0x01 ‖ left ‖ right). One transfer's place in a checkpoint is
then proven by about log2(n) hashes instead of the whole stretch of the journal."""

import hashlib


def leaf_hash(journal_hash: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(journal_hash)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


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
        paired = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
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


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root that `leaf` at `index` of a tree of `size` leaves and its path lead to (None
    when the path cannot belong to such a tree)."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None
