"""`python -m gateway.bootstrap [--demo]`: the first admin (its generated password printed once), and with
--demo clearly fictional users of every role plus an agency API key, so the SPA can be tried at once.
Demo credentials are kept in <data dir>/demo-credentials.txt (readable only by you) and printed each start."""

import argparse
import asyncio
import json
import os
from pathlib import Path

from gateway.identity import service as identity
from gateway.keys import service as keys
from gateway.config import get_settings
from servicekit.database import standalone_session
from servicekit.settings import data_dir

BOOTSTRAP_ACTOR = "system:bootstrap"
# Fictional people (演示) bound to real agencies of the Liaoning plan.
DEMO_USERS = [
    {"username": "demo-applicant", "display_name": "演示申报人 张明", "role": "applicant"},
    {"username": "demo-applicant-2", "display_name": "演示申报人 李华", "role": "applicant"},
    {"username": "demo-reviewer-hrss", "display_name": "演示审核员（省人社厅）", "role": "reviewer",
     "agency_code": "prov-hrss-dept", "is_agency_admin": True},
    {"username": "demo-reviewer-shenyang", "display_name": "演示审核员（沈阳市）", "role": "reviewer",
     "agency_code": "city-shenyang"},
    # Scores applications in expert review (评审专家); the applications demo assigns this account.
    {"username": "demo-expert", "display_name": "演示评审专家", "role": "expert"},
    {"username": "demo-admin", "display_name": "演示管理员", "role": "admin"},
]
DEMO_KEY = {"agency_code": "prov-hrss-dept", "name": "演示对接密钥 demo integration key",
            "scopes": ["reports:write", "applications:review", "applications:read"]}


def credentials_file() -> Path:
    return data_dir() / "demo-credentials.txt"


async def bootstrap(demo: bool, database_url: str | None = None) -> list[str]:
    """Returns the lines to print."""
    lines: list[str] = []
    async with standalone_session(database_url or get_settings().resolved_database_url(), write=True) as session:
        if not await identity.any_admin_exists(session):
            _, password = await identity.create_user(session, actor=BOOTSTRAP_ACTOR, username="admin",
                                                    display_name="系统管理员", role="admin", password=None)
            lines += ["首个管理员已创建（密码仅显示这一次，请立即保存）/ First admin created (password shown once):",
                      f"    username: admin    password: {password}"]
        if demo:
            path = credentials_file()
            saved = json.loads(path.read_text()) if path.exists() else {"users": [], "api_key": None}
            added = False
            # Each demo account once: one added in a later version (the expert) appears at the next start.
            for spec in DEMO_USERS:
                if await identity.find_user(session, spec["username"]) is not None:
                    continue
                _, password = await identity.create_user(session, actor=BOOTSTRAP_ACTOR, password=None,
                                                         is_demo=True, **spec)
                saved["users"] = [u for u in saved["users"] if u["username"] != spec["username"]]
                saved["users"].append({"username": spec["username"], "role": spec["role"],
                                       "agency": spec.get("agency_code"), "password": password})
                added = True
            if saved["api_key"] is None:
                _, secret = await keys.create_api_key(session, BOOTSTRAP_ACTOR, **DEMO_KEY)
                saved["api_key"] = {"agency": DEMO_KEY["agency_code"], "key": secret}
                added = True
            if added:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(saved, ensure_ascii=False, indent=2))
                os.chmod(path, 0o600)
    if demo and credentials_file().exists():
        saved = json.loads(credentials_file().read_text())
        lines.append("演示账号（虚构人物）/ Demo accounts (fictional people):")
        for user in saved["users"]:
            agency = f"  agency: {user['agency']}" if user["agency"] else ""
            lines.append(f"    {user['role']:<10} {user['username']:<24} password: {user['password']}{agency}")
        lines.append(f"    API key for {saved['api_key']['agency']}: {saved['api_key']['key']}")
    return lines


async def create_admin(database_url: str, username: str, actor: str = BOOTSTRAP_ACTOR) -> str:
    """Another admin, made the way the first start makes one; returns its generated password."""
    async with standalone_session(database_url, write=True) as session:
        _, password = await identity.create_user(session, actor=actor, username=username, display_name="管理员",
                                                 role="admin", password=None)
    return password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="create demo users and an API key")
    args = parser.parse_args()
    for line in asyncio.run(bootstrap(args.demo)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
