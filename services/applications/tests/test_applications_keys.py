"""Personal-data keys rotate: data sealed with an old key stays readable, re-encryption moves it to the new key,
and a ciphertext without its key is an error, never garbage."""

import shutil
import time
from datetime import date

import httpx
import pytest

from applications.crypto import PersonalDataCipher, UndecryptableData, ensure_data_keys, new_data_key
from applications.config import SERVICE_DIR, ApplicationsSettings
from applications.keys import key_usage, reencrypt
from applications.main import create_app
from applications.plan_cli import load_plan_files
from applications_factories import draft, open_call, personal
from applications_testkit import IN_WINDOW, PLAN_FILES, PLANS, admin, applicant
from planfile import load_plan_file
from servicekit.settings import keys_dir
from servicekit.testing import committing_app, migrated_database


def test_a_ciphertext_names_its_key_and_authenticates(tmp_path):
    ensure_data_keys(tmp_path)
    cipher = PersonalDataCipher.from_folder(tmp_path)
    token = cipher.encrypt("210102198506010015")
    assert token.startswith(f"v1.{cipher.current_key_id}.") and "210102" not in token
    assert cipher.decrypt(token) == "210102198506010015"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(UndecryptableData):
        cipher.decrypt(tampered)
    with pytest.raises(UndecryptableData):
        PersonalDataCipher({"19990101T000000Z": b"0" * 32}, b"x").decrypt(token)


async def test_rotation_keeps_old_data_readable_and_reencrypts_it(funding_app, frozen_clock, tmp_path):
    for key in keys_dir().glob("applications-*.key"):
        shutil.copy(key, tmp_path / key.name)
    before = PersonalDataCipher.from_folder(tmp_path)
    with migrated_database(SERVICE_DIR, "rotation") as url:
        await load_plan_files(url, [load_plan_file(p) for p in PLAN_FILES], PLANS)
        app = create_app(ApplicationsSettings(database_url=url, plans_dir=PLANS, openapi_at_startup=False),
                         funding_transport=httpx.ASGITransport(app=funding_app))
        async with committing_app(app) as client:
            app.state.cipher = before
            frozen_clock.move_to(IN_WINDOW)
            call = await open_call(client, "t05-postdoc-living-subsidy")
            person = personal(date(1994, 4, 4), male=True, serial=94)
            application = await draft(client, call["id"], 94, person=person)
            time.sleep(1.1)  # key ids are timestamps to the second
            new_id = new_data_key(tmp_path)
            rotated = PersonalDataCipher.from_folder(tmp_path)
            assert rotated.current_key_id == new_id != before.current_key_id
            app.state.cipher = rotated
            seen = (await client.get(f"/applications/{application['id']}", headers=applicant(94))).json()
            assert seen["personal"]["id_number"] == person["id_number"]
            assert await key_usage(url) == {before.current_key_id: 1}
            assert await reencrypt(url, rotated) == 1
            assert await key_usage(url) == {new_id: 1}
            app.state.cipher = PersonalDataCipher({new_id: rotated.keys[new_id]}, rotated.lookup_key)
            again = (await client.get(f"/applications/{application['id']}", headers=admin())).json()
            assert again["personal"]["phone"] == person["phone"]
