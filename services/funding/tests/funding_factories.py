"""Test data made through the funding API: accounts, funded budgets, imported rules, appropriated program
budgets, reservations and committed awards. Each helper asserts that the API accepted what it made."""

from typing import Any

import httpx

from funding_testkit import admin, applications_service, post_transfer, unique

PLAN_RULES = "/rules/import"


async def create_account(client: httpx.AsyncClient, code: str | None = None, **fields: Any) -> int:
    """A ledger account (`kind` other, credit-normal, no limits unless given); its id."""
    response = await client.post("/accounts", json={"code": code or unique("acct"), **fields}, headers=admin())
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


async def create_treasury(client: httpx.AsyncClient) -> int:
    """An unbounded source of money (debit-normal)."""
    return await create_account(client, unique("treasury"), kind="treasury", normal_side="debit")


async def create_budget(client: httpx.AsyncClient, treasury: int, amount: int, code: str | None = None) -> int:
    """A budget account (floor 0) holding `amount` fen from `treasury`."""
    budget = await create_account(client, code or unique("budget"), kind="budget", floor=0)
    if amount:
        response = await post_transfer(client, unique("fund"), treasury, budget, amount)
        assert response.status_code == 201, response.text
    return budget


async def create_rules(client: httpx.AsyncClient) -> dict:
    """The default plan's funding rules, imported; the import's result."""
    response = await client.post(PLAN_RULES, json={}, headers=admin())
    assert response.status_code == 200, response.text
    return response.json()


async def create_program_budget(client: httpx.AsyncClient, program: str, fiscal_year: int, amount: int,
                                **fields: Any) -> dict:
    """A program's budget for a fiscal year, set to `amount` fen (the rules must be imported)."""
    response = await client.put(f"/budgets/{program}/{fiscal_year}", json={"amount_fen": amount, **fields},
                                headers={**admin(), "Idempotency-Key": unique("set")})
    assert response.status_code == 200, response.text
    return response.json()


def reservation_body(approval: str, program: str, fiscal_year: int, **fields: Any) -> dict:
    return {"approval_id": approval, "program_code": program, "fiscal_year": fiscal_year, **fields}


async def create_reservation(client: httpx.AsyncClient, approval: str, program: str, fiscal_year: int,
                             **fields: Any) -> dict:
    """A reservation made by the applications service; its answer."""
    response = await client.post("/reservations", json=reservation_body(approval, program, fiscal_year, **fields),
                                 headers=applications_service())
    assert response.status_code == 201, response.text
    return response.json()


async def create_committed_award(client: httpx.AsyncClient, approval: str, program: str, fiscal_year: int,
                                 **fields: Any) -> dict:
    """A reserved and then committed award; the award as its commitment answered it."""
    await create_reservation(client, approval, program, fiscal_year, **fields)
    response = await client.post(f"/reservations/{approval}/post", headers=applications_service())
    assert response.status_code == 201, response.text
    return response.json()["award"]
