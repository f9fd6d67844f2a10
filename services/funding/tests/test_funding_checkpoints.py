"""Checkpoints: the journal sealed and signed, GET /ledger/verify starting from the newest checkpoint, a
transfer's inclusion proof checked offline, full re-verification runs with their progress, and tampering found
before and after a checkpoint."""

import asyncio
import json
import subprocess
import sys

import pytest

from funding.config import FundingSettings
from funding.main import create_app
from funding_factories import create_account, create_budget, create_treasury
from funding_testkit import ROOT, admin, drop_guards, execute_sql, fresh_database, post_transfer, verify_ledger
from servicekit.testing import committing_app, rolled_back_app

PROOF_CHECK = ROOT / "services" / "funding" / "funding" / "proof_check.py"


async def _ledger(api, transfers: int, prefix: str = "c") -> tuple[int, int]:
    budget = await create_budget(api, await create_treasury(api), 10**9)
    grantee = await create_account(api, kind="commitment")
    for n in range(transfers):
        assert (await post_transfer(api, f"{prefix}{n}", budget, grantee, 100 + n)).status_code == 201
    return budget, grantee


async def _seal(api) -> dict:
    response = await api.post("/ledger/checkpoints", headers=admin())
    assert response.status_code == 200, response.text
    return response.json()


async def test_verification_starts_from_the_newest_checkpoint(client):
    budget, grantee = await _ledger(client, 4)
    before = await verify_ledger(client)
    assert before["ok"] and before["checkpoint_seq"] is None and before["rows_rehashed"] == before["journal_length"]

    sealed = await _seal(client)
    head = sealed["sealed"][-1]["statement"]
    assert head["seq"] == before["journal_length"] and head["head_hash"] == before["head_hash"]
    assert sealed["unsealed"] == 0 and sealed["problems"] == []

    for n in range(3):
        assert (await post_transfer(client, f"after{n}", budget, grantee, 7)).status_code == 201
    after = await verify_ledger(client)
    assert after["ok"], after["problems"]
    assert after["checkpoint_seq"] == head["seq"] and after["rows_rehashed"] == 3
    assert (await _seal(client))["sealed"][0]["statement"]["previous_seq"] == head["seq"]


async def test_a_checkpoint_holds_at_most_the_configured_rows(database_url):
    app = create_app(FundingSettings(database_url=database_url, checkpoint_max_rows=3, checkpoint_interval_seconds=0,
                                     single_statement_transfers=False, event_relay=False))
    async with rolled_back_app(app, database_url) as api:
        await _ledger(api, 5)
        sealed = (await _seal(api))["sealed"]
        sizes = [c["statement"]["segment_size"] for c in sealed]
        assert all(size <= 3 for size in sizes) and sum(sizes) == (await verify_ledger(api))["journal_length"] >= 6
        assert [c["statement"]["previous_seq"] for c in sealed[1:]] == [c["statement"]["seq"] for c in sealed[:-1]]
        one = await api.get(f"/ledger/checkpoints/{sealed[0]['statement']['seq']}", headers=admin())
        assert one.status_code == 200 and one.json()["counters"]
        listed = (await api.get("/ledger/checkpoints", headers=admin())).json()
        assert [c["statement"]["seq"] for c in listed][:len(sealed)] == [c["statement"]["seq"] for c in sealed][::-1]
        missing = await api.get("/ledger/checkpoints/999999999", headers=admin())
        assert missing.json()["code"] == "checkpoint_not_found"


async def test_a_transfers_proof_checks_offline_and_a_forged_one_does_not(client, tmp_path):
    await _ledger(client, 6, prefix="proof")
    unsealed = await client.get("/transfers/proof3/proof", headers=admin())
    assert unsealed.status_code == 409 and unsealed.json()["code"] == "not_sealed_yet"
    assert unsealed.headers["retry-after"]
    await _seal(client)
    proof = (await client.get("/transfers/proof3/proof", headers=admin())).json()
    key = (await client.get("/ledger/signing-key", headers=admin())).json()
    assert proof["checkpoint"]["key_id"] == key["key_id"]
    (tmp_path / "key.pem").write_text(key["public_key_pem"])

    def offline(document: dict) -> subprocess.CompletedProcess:
        (tmp_path / "proof.json").write_text(json.dumps(document, ensure_ascii=False))
        # Run from an empty folder with only the standard library and cryptography: no platform code.
        return subprocess.run([sys.executable, "-I", str(PROOF_CHECK), "proof.json", "key.pem"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)

    good = offline(proof)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "proof3" in good.stdout and "103 fen" in good.stdout

    forged = json.loads(json.dumps(proof))
    body = json.loads(forged["journal"]["body"])
    body["amount"] = 1_000_000
    forged["journal"]["body"] = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "does not hash" in offline(forged).stdout
    moved = json.loads(json.dumps(proof))
    moved["leaf_index"] = (proof["leaf_index"] + 1) % proof["checkpoint"]["statement"]["segment_size"]
    assert offline(moved).returncode == 1
    resigned = json.loads(json.dumps(proof))
    resigned["checkpoint"]["statement"]["head_hash"] = "0" * 64
    assert "signature does not verify" in offline(resigned).stdout
    assert (await client.get("/transfers/nope/proof", headers=admin())).status_code == 404


# --- committed databases: tampering, full runs, the background sealer ------------------------------------------


async def _full_run(api) -> dict:
    started = await api.post("/ledger/verifications", headers=admin())
    assert started.status_code in (200, 202), started.text
    for _ in range(300):
        run = (await api.get(f"/ledger/verifications/{started.json()['id']}", headers=admin())).json()
        if run["status"] != "running":
            assert (await api.get("/ledger/verifications/latest", headers=admin())).json()["id"] == run["id"]
            return run
        await asyncio.sleep(0.1)
    raise AssertionError("the full verification did not finish")


def _app(url: str):  # noqa: ANN202 - a FastAPI app
    return create_app(FundingSettings(database_url=url, checkpoint_interval_seconds=0))


@pytest.fixture
async def ledger_url():
    """A committed ledger of its own: 6 transfers sealed in a checkpoint, then 3 more."""
    with fresh_database("funding_checkpoints") as url:
        async with committing_app(_app(url)) as api:
            budget, grantee = await _ledger(api, 6, prefix="old")
            assert len((await _seal(api))["sealed"]) == 1
            for n in range(3):
                assert (await post_transfer(api, f"new{n}", budget, grantee, 5)).status_code == 201
        yield url


async def test_a_full_run_passes_then_tampering_before_the_checkpoint_is_found_by_it(ledger_url):
    async with committing_app(_app(ledger_url)) as api:
        clean = await _full_run(api)
        assert clean["status"] == "passed", clean["problems"]
        assert clean["checkpoints_checked"] == 1 and clean["checked"] == clean["journal_length"]

    await execute_sql(ledger_url, *drop_guards(ledger_url, "transfers"),
                      "UPDATE transfers SET amount = 99 WHERE key = 'old2'")
    async with committing_app(_app(ledger_url)) as api:
        # The fast check trusts what is sealed (its rows are not re-read) ...
        assert (await verify_ledger(api))["ok"]
        # ... the full run re-reads everything and finds it.
        run = await _full_run(api)
    assert run["status"] == "failed"
    assert {"chain"} <= {p["check"] for p in run["problems"]}


async def test_tampering_after_the_checkpoint_is_found_by_the_fast_check(ledger_url):
    await execute_sql(ledger_url, *drop_guards(ledger_url, "entries"),
                      "UPDATE entries SET amount = amount + 1 WHERE layer = 'posted' AND side = 'credit' "
                      "AND transfer_id = (SELECT id FROM transfers WHERE key = 'new1')")
    async with committing_app(_app(ledger_url)) as api:
        report = await verify_ledger(api)
        assert report["ok"] is False and report["rows_rehashed"] == 3
        assert {"counters", "chain", "balanced"} <= {p["check"] for p in report["problems"]}
        sealed = await _seal(api)
    assert sealed["sealed"] == [] and sealed["problems"], "rows that do not verify are never sealed"


async def test_the_newest_journal_row_deleted_after_the_checkpoint_is_found(ledger_url):
    await execute_sql(ledger_url, *drop_guards(ledger_url, "journal"),
                      "DELETE FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)")
    async with committing_app(_app(ledger_url)) as api:
        report = await verify_ledger(api)
    assert report["ok"] is False and {"journal"} <= {p["check"] for p in report["problems"]}


async def test_a_forged_checkpoint_is_refused(ledger_url):
    await execute_sql(ledger_url, *drop_guards(ledger_url, "ledger_checkpoints"),
                      "UPDATE ledger_checkpoints SET counters_digest = '" + "ab" * 32 + "'")
    async with committing_app(_app(ledger_url)) as api:
        report = await verify_ledger(api)
        assert report["ok"] is False
        assert "signature" in " ".join(p["message"] for p in report["problems"] if p["check"] == "checkpoint")
        run = await _full_run(api)
    assert run["status"] == "failed" and {"checkpoint"} <= {p["check"] for p in run["problems"]}


async def test_the_cli_runs_a_full_verification_and_keeps_it(ledger_url):
    done = subprocess.run([sys.executable, "-m", "funding.verify_cli", "--database-url", ledger_url], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK:") and "1 checkpoints" in done.stdout
    async with committing_app(_app(ledger_url)) as api:
        latest = (await api.get("/ledger/verifications/latest", headers=admin())).json()
    assert latest["requested_by"] == "cli:verify" and latest["status"] == "passed"


async def test_the_background_sealer_seals_what_is_due():
    with fresh_database("funding_sealer") as url:
        settings = FundingSettings(database_url=url, checkpoint_interval_seconds=0.05, checkpoint_min_rows=4)
        async with committing_app(create_app(settings)) as api:
            await _ledger(api, 5, prefix="bg")
            for _ in range(200):
                checkpoints = (await api.get("/ledger/checkpoints", headers=admin())).json()
                if checkpoints:
                    break
                await asyncio.sleep(0.05)
            assert checkpoints, "nothing sealed"
            assert (await verify_ledger(api))["checkpoint_seq"] == checkpoints[0]["statement"]["seq"]


def test_the_merkle_tree_is_rfc_9162s_and_every_path_leads_to_its_root():
    import hashlib

    from funding.proof_check import root_from_path
    from funding.verification.merkle import inclusion_path, leaf_hash, tree_root

    def recursive(leaves: list[bytes]) -> bytes:  # RFC 9162 §2.1.1, as written
        if len(leaves) == 1:
            return leaves[0]
        k = 1 << ((len(leaves) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + recursive(leaves[:k]) + recursive(leaves[k:])).digest()

    for size in range(1, 40):
        leaves = [leaf_hash(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(size)]
        root = tree_root(leaves)
        assert root == recursive(leaves)
        for index in range(size):
            assert root_from_path(index, size, leaves[index], inclusion_path(index, leaves)) == root
            if size > 1:
                assert root_from_path(index, size, leaves[index - 1], inclusion_path(index, leaves)) != root
