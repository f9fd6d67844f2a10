"""Demo applications for `manage.py start --demo`: a call of 博士后研究人员生活补贴 (reviewed by 省人力资源社会保障厅,
nominated by the cities), open now, with the demo applicants' applications in every state of the workflow, so
each role finds something on its pages at once. Made through the gateway's public API with the demo accounts;
every creating call carries an Idempotency-Key and a state already reached is left alone, so each start adds
only what is missing.

A public notice lasts 5 working days: the application put on notice at the first start becomes "ready for
decision" at the first start after its notice ends (the demo concludes ended notices each time)."""

from datetime import date, timedelta
from typing import Any

import httpx

from servicekit import clock
from servicekit.clock import CHINA_TIME

PROGRAM = "t05-postdoc-living-subsidy"
REVIEWING = "prov-hrss-dept"
CITY = "city-shenyang"
EXPERT_USERNAME = "demo-expert"
# (state, owner) of the demo's applications, in the order they are made.
STATES = [("draft", "demo-applicant"), ("submitted", "demo-applicant-2"), ("nominated", "demo-applicant"),
          ("formal_review", "demo-applicant-2"), ("returned", "demo-applicant"), ("expert_review", "demo-applicant-2"),
          ("recommended", "demo-applicant"), ("public_notice", "demo-applicant-2"), ("on_hold", "demo-applicant"),
          ("ready_for_decision", "demo-applicant-2"), ("withdrawn", "demo-applicant"), ("rejected", "demo-applicant-2")]
STEPS = ["submit", "nominate", "start_formal_review", "pass_formal_review", "experts", "recommend", "notice"]
PATHS = {"draft": [], "submitted": STEPS[:1], "nominated": STEPS[:2], "formal_review": STEPS[:3],
         "returned": [*STEPS[:3], "return_for_revision"], "expert_review": STEPS[:4], "recommended": STEPS[:6],
         "public_notice": STEPS, "on_hold": [*STEPS, "objection"], "ready_for_decision": STEPS,
         "withdrawn": ["withdraw"], "rejected": ["submit", "decline"]}
ACTOR_OF = {"submit": "applicant", "withdraw": "applicant", "nominate": "city", "decline": "city"}


def _resident_id(born: date, serial: int) -> str:
    body = f"210102{born:%Y%m%d}{serial:02d}{1 + 2 * (serial % 4)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _application(call_id: int, serial: int, state: str) -> dict[str, Any]:
    return {
        "call_id": call_id, "nominating_agency": CITY,
        "form_data": {"applicant_name": f"演示博士后{serial:02d}", "unit": "演示大学（虚构）", "position": "博士后研究人员",
                      "discipline": "engineering", "highest_degree": "doctorate", "research_field": "智能制造",
                      "full_time_in_province": True, "declaration": True,
                      "achievements": f"（演示数据，状态：{state}）在站期间主持省级课题一项，发表论文多篇，成果在省内企业应用。"},
        "personal": {"id_type": "resident_id", "id_number": _resident_id(date(1995, 1, 1) + timedelta(days=serial),
                                                                          serial),
                     "phone": f"1390000{serial:04d}", "email": f"demo-postdoc-{serial:02d}@example.com"},
    }


class DemoApi:
    def __init__(self, api: httpx.Client, headers: dict[str, dict[str, str]]) -> None:
        self.api = api
        self.headers = headers

    def call(self, method: str, path: str, who: str, key: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers[who], **({"Idempotency-Key": key} if key else {})}
        return self.api.request(method, f"/applications{path}", headers=headers, **kwargs)

    def ok(self, method: str, path: str, who: str, key: str | None = None, **kwargs: Any) -> Any:
        response = self.call(method, path, who, key, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} as {who}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None


def _login(api: httpx.Client, username: str, password: str) -> dict[str, str]:
    response = api.post("/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _expert(api: httpx.Client, users: dict[str, dict[str, str]]) -> tuple[str, dict[str, str]] | None:
    """The demo expert the gateway's `--demo` bootstrap made (demo-expert), signed in: (subject, headers);
    None when there is none."""
    headers = users.get(EXPERT_USERNAME)
    if headers is None:
        return None
    me = api.get("/auth/me", headers=headers)
    me.raise_for_status()
    return f"user:{me.json()['id']}", headers


def _call(demo: DemoApi) -> dict[str, Any]:
    today = clock.now().astimezone(CHINA_TIME).date()
    existing = demo.ok("GET", "/calls", "admin", params={"program": PROGRAM, "status": "open"})["items"]
    if existing:
        return existing[0]
    opens, closes = today - timedelta(days=20), today + timedelta(days=60)
    return demo.ok("POST", "/calls", "admin", f"demo-call-{today.year}", json={
        "program_code": PROGRAM, "year": today.year, "title": f"{today.year}年度博士后研究人员生活补贴申报（演示）",
        "opens_at": f"{opens.isoformat()}T09:00:00", "closes_at": f"{closes.isoformat()}T17:00:00",
        "quota_total": 20, "allocations": [{"agency_code": CITY, "size": 10}, {"agency_code": "city-dalian",
                                                                               "size": 4}]})


def _drive(demo: DemoApi, call: dict[str, Any], application: dict[str, Any], state: str, owner: str,
           expert: tuple[str, dict[str, str]] | None) -> bool:
    """Take the application along its state's path from where it stands; False when a step needs the expert."""
    app_id = application["id"]
    done = [e["action"] for e in application["timeline"]]
    for step in PATHS[state]:
        # The timeline names an objection "file_objection"; experts leave no entry of their own.
        if step in done or (step == "experts" and "recommend" in done) or (step == "objection"
                                                                           and "file_objection" in done):
            continue
        if step == "experts":
            if expert is None:
                return False
            subject, _ = expert
            assignment = demo.ok("POST", f"/applications/{app_id}/experts", "reviewer", f"demo-expert-{app_id}",
                                 json={"expert": subject, "expert_name": "演示评审专家"})
            demo.ok("POST", f"/reviews/assignments/{assignment['id']}/declaration", "expert",
                    json={"declaration": "no_conflict", "note": ""})
            demo.ok("PUT", f"/reviews/assignments/{assignment['id']}/score-sheet", "expert", json={
                "scores": {"achievements": 34, "potential": 25, "contribution": 16, "integrity": 9},
                "comment": "（演示）科研能力突出，建议给予生活补贴。"})
        elif step == "notice":
            demo.ok("POST", f"/calls/{call['id']}/notices", "reviewer", f"demo-notice-{app_id}",
                    json={"application_ids": [app_id]})
        elif step == "objection":
            notice = demo.ok("GET", "/notices", "admin", params={"call_id": call["id"]})[0]
            demo.ok("POST", f"/notices/{notice['id']}/objections", "anonymous", f"demo-objection-{app_id}", json={
                "application_id": app_id, "filer_name": "演示异议人", "filer_contact": "demo-objector@example.com",
                "reason": "（演示）反映其在站期间的科研成果署名存在争议，请核查。"})
        else:
            who = {"applicant": owner, "city": "city"}.get(ACTOR_OF.get(step, ""), "reviewer")
            comment = "（演示）请补充在站期间成果的证明材料。" if step == "return_for_revision" else "（演示）"
            demo.ok("POST", f"/applications/{app_id}/transitions", who, f"demo-{step}-{app_id}",
                    json={"action": step, "comment": comment})
    return True


def create_demo_applications(api: httpx.Client, users: dict[str, dict[str, str]]) -> list[str]:
    """`users`: the demo accounts' `Authorization` headers by username (admin, reviewers, applicants, expert)."""
    expert = _expert(api, users)
    headers = {"admin": users["demo-admin"], "reviewer": users["demo-reviewer-hrss"],
               "city": users["demo-reviewer-shenyang"], "anonymous": {},
               "demo-applicant": users["demo-applicant"], "demo-applicant-2": users["demo-applicant-2"],
               **({"expert": expert[1]} if expert else {})}
    demo = DemoApi(api, headers)
    call = _call(demo)
    reached = []
    for serial, (state, owner) in enumerate(STATES, start=1):
        application = demo.ok("POST", "/applications", owner, f"demo-application-{call['id']}-{serial}",
                              json=_application(call["id"], serial, state))
        application = demo.ok("GET", f"/applications/{application['id']}", owner)
        if _drive(demo, call, application, state, owner, expert):
            reached.append(state)
    today = clock.now().astimezone(CHINA_TIME).date()
    for notice in demo.ok("GET", "/notices", "admin", params={"call_id": call["id"], "status": "ended"}):
        if date.fromisoformat(notice["ends_on"]) < today:
            demo.ok("POST", f"/notices/{notice['id']}/conclude", "reviewer")
    decided = _decide(demo, call)
    states = sorted({a["state"] for a in demo.ok("GET", "/applications", "admin", params={
        "call_id": call["id"], "size": 100})["items"]})
    lines = [f"· demo: call {call['id']} ({PROGRAM}) with applications in {len(states)} states: {', '.join(states)}"]
    if decided:
        lines.append(f"  decisions: {', '.join(decided)}")
    if expert is None:
        lines.append("  (no demo expert signed in: applications stop before expert review)")
    return lines


def _decide(demo: DemoApi, call: dict[str, Any]) -> list[str]:
    """The demo's decision: the call's year gets a budget at funding (the plan's own years get theirs from the
    plan import), and the administrator approves what is ready for decision, so the funding figures and the
    derived deliverable move. The outcome of each is listed."""
    ready = demo.ok("GET", "/applications", "admin", params={"call_id": call["id"], "state": "ready_for_decision",
                                                            "size": 100})["items"]
    if not ready:
        return []
    program = demo.ok("GET", f"/programs/{PROGRAM}", "anonymous")
    budget = demo.api.put(f"/funding/budgets/{program['rule_code']}/{call['year']}", headers=demo.headers["admin"],
                          json={"amount_fen": 20 * 100_000 * 100, "reason": "演示预算 / demo budget",
                                "id": f"demo-budget-{program['rule_code']}-{call['year']}"})
    if budget.status_code >= 400:
        raise RuntimeError(f"demo budget: {budget.status_code} {budget.text[:300]}")
    outcomes = demo.ok("POST", "/decisions", "admin", json={
        "decision": "approve", "application_ids": [a["id"] for a in ready], "comment": "（演示）经研究同意资助。"})
    return [f"{o['application_id']} {o['outcome']}" for o in outcomes]
