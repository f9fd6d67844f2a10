"""Personal data of an applicant: checked (a resident ID's date and check digit), encrypted as one ciphertext,
and masked for expert reviewers. Never part of a public response."""

import json
from datetime import date
from typing import Any

from applications.crypto import PersonalDataCipher
from applications.errors import PersonalDataInvalid
from applications.filings.schemas import PersonalDataIn, PersonalDataRead

# GB 11643-1999: weights of the first 17 digits, and the check character for each remainder mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def resident_id_facts(number: str) -> tuple[date, str]:
    """Birth date and gender from a valid 18-character resident ID number; PersonalDataInvalid otherwise."""
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise PersonalDataInvalid("id_number", "居民身份证号码应为 18 位（末位可为 X）。",
                                  "A resident ID number has 18 characters (the last may be X).")
    if _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11] != number[17]:
        raise PersonalDataInvalid("id_number", "居民身份证号码校验位不正确。", "The ID number's check digit is wrong.")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise PersonalDataInvalid("id_number", "居民身份证号码中的出生日期无效。",
                                  "The ID number holds no valid birth date.") from exc
    return born, "male" if int(number[16]) % 2 else "female"


def normalised(personal: PersonalDataIn) -> dict[str, Any]:
    """The personal data as stored (birth date and gender taken from a resident ID, and checked against it)."""
    data = personal.model_dump(mode="json")
    if personal.id_number is not None:
        data["id_number"] = personal.id_number.upper()
    if personal.id_type == "resident_id" and personal.id_number is not None:
        born, gender = resident_id_facts(data["id_number"])
        if personal.birth_date not in (None, born):
            raise PersonalDataInvalid("birth_date", "出生日期与身份证号码不一致。",
                                      "The birth date differs from the ID number's.")
        if personal.gender not in (None, gender):
            raise PersonalDataInvalid("gender", "性别与身份证号码不一致。", "The gender differs from the ID number's.")
        data["birth_date"], data["gender"] = born.isoformat(), gender
    return data


def require_complete(data: dict[str, Any] | None, applicant_type: str) -> dict[str, Any]:
    """At submission: contact details always; for a person or team leader, the ID number, birth date, gender."""
    if data is None:
        raise PersonalDataInvalid("phone", "请填写联系电话、电子邮箱等个人信息。",
                                  "Give your personal details (phone, e-mail and so on).")
    if applicant_type != "institution":
        for field, zh, en in (("id_number", "证件号码", "ID number"), ("birth_date", "出生日期", "birth date"),
                              ("gender", "性别", "gender")):
            if not data.get(field):
                raise PersonalDataInvalid(field, f"请填写{zh}。", f"Give the {en}.")
    return data


def seal(cipher: PersonalDataCipher, data: dict[str, Any]) -> tuple[str, str | None]:
    """(ciphertext, digest of the ID number for finding the same person)."""
    digest = cipher.identity_digest(data["id_type"], data["id_number"]) if data.get("id_number") else None
    return cipher.encrypt(json.dumps(data, ensure_ascii=False, sort_keys=True)), digest


def unseal(cipher: PersonalDataCipher, ciphertext: str | None) -> dict[str, Any] | None:
    return None if ciphertext is None else json.loads(cipher.decrypt(ciphertext))


def _mask(value: str | None, keep_start: int, keep_end: int) -> str | None:
    if not value:
        return value
    hidden = max(len(value) - keep_start - keep_end, 1)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end:] if len(value) > keep_start + keep_end \
        else "*" * len(value)


def personal_read(data: dict[str, Any] | None, *, masked: bool) -> PersonalDataRead | None:
    if data is None:
        return None
    if not masked:
        return PersonalDataRead(masked=False, **data)
    local, _, domain = (data.get("email") or "").partition("@")
    return PersonalDataRead(masked=True, id_type=data["id_type"], id_number=_mask(data.get("id_number"), 0, 4),
                            phone=_mask(data.get("phone"), 3, 2), email=f"{local[:1]}***@{domain}" if domain else None,
                            gender=data.get("gender"), birth_date=None)
