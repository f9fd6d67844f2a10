"""The journal body in pieces (for the single-statement posting) joins into exactly the canonical JSON that
`journal_hash` hashes, whatever the transfer's text holds."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from funding.ledger.chain import canonical_json, journal_body_parts, journal_hash, transfer_fields

text = st.text(max_size=30)  # any Unicode: quotes, backslashes, control characters, 中文
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC))
ids = st.integers(min_value=1, max_value=2**62)


@settings(max_examples=300, deadline=None)
@given(key=text, code=text, actor=text, award=st.none() | text, created=moments, later=st.timedeltas(
    min_value=timedelta(0), max_value=timedelta(days=3)), seq=ids, transfer_id=ids, amount=ids,
    debit=ids, credit=ids, request_hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_the_pieces_join_into_the_canonical_body(key, code, actor, award, created, later, seq, transfer_id, amount,
                                                 debit, credit, request_hash):
    header = dict(key=key, request_hash=request_hash, kind="single", code=code, debit_account_id=debit,
                  credit_account_id=credit, amount=amount, pending_id=None, reverses_id=None, once_key=None,
                  expires_at=None, award_id=award, actor=actor, created_at=created)
    entries = [(debit, "debit", "posted", amount), (credit, "credit", "posted", amount)]
    recorded = created + later
    fields = transfer_fields(id=0, **header)
    del fields["id"]
    parts = journal_body_parts(outcome="posted", amount=amount, reason=None, account_id=None, headroom=None,
                               transfer=fields, entries=entries)
    stamp = recorded.isoformat(timespec="microseconds")
    joined = parts[0] + stamp + parts[1] + str(seq) + parts[2] + str(transfer_id) + parts[3]
    body = {"seq": seq, "recorded_at": stamp, "outcome": "posted", "amount": amount, "reason": None,
            "account_id": None, "headroom": None, "transfer": transfer_fields(id=transfer_id, **header),
            "entries": sorted([list(e) for e in entries])}
    assert joined == canonical_json(body)
    assert journal_hash(prev_hash="0" * 64, seq=seq, recorded_at=recorded, outcome="posted", amount=amount,
                        reason=None, account_id=None, headroom=None, transfer=transfer_fields(id=transfer_id, **header),
                        entries=entries) == __import__("hashlib").sha256(("0" * 64 + joined).encode()).hexdigest()
