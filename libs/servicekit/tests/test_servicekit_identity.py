"""The services' token verifier remembers a verified token until it expires, and never a refused one."""

import time
from datetime import timedelta

import pytest

from servicekit.identity import (
    GATEWAY_KEY_ID,
    InvalidToken,
    Principal,
    TokenSigner,
    TokenVerifier,
    generate_private_key_pem,
    public_key_pem,
)


@pytest.fixture
def keys():
    gateway, other = generate_private_key_pem(), generate_private_key_pem()
    return TokenSigner(gateway), TokenSigner(other), TokenVerifier({GATEWAY_KEY_ID: public_key_pem(gateway)})


def test_a_remembered_token_still_expires(keys):
    signer, _, verifier = keys
    reviewer = Principal(subject="u1", role="reviewer", agency="prov-hrss-dept")
    token = signer.sign(reviewer, ttl=timedelta(seconds=2))
    assert verifier.verify(token) == reviewer
    assert verifier.verify(token) == reviewer  # remembered
    time.sleep(2.1)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_refused_tokens_are_refused_every_time(keys):
    _, stranger, verifier = keys
    forged = stranger.sign(Principal(subject="root", role="admin"))
    expired = keys[0].sign(Principal(subject="u1", role="admin"), ttl=timedelta(seconds=-1))
    for token in (forged, expired, forged + "x", "garbage"):
        for _ in range(2):
            with pytest.raises(InvalidToken):
                verifier.verify(token)


def test_the_memory_is_bounded(keys, monkeypatch):
    signer, _, verifier = keys
    monkeypatch.setattr(TokenVerifier, "MAX_REMEMBERED", 5)
    tokens = [signer.sign(Principal(subject=f"u{i}", role="applicant")) for i in range(12)]
    for token in tokens:
        verifier.verify(token)
    assert len(verifier._verified) <= 5
    assert [verifier.verify(t).subject for t in tokens] == [f"u{i}" for i in range(12)]
