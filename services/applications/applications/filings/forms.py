"""An application's form data checked against its form's JSON Schema (draft 2020-12) with `jsonschema`, every
problem reported with its field path and a message in Chinese and English that names the field's title."""

import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from applications.errors import FormInvalid

_REQUIRED = re.compile(r"^'(?P<name>.+)' is a required property$")
# keyword → (zh, en) message templates; {title} is the field's title in that language, {limit} the schema's value.
_MESSAGES = {
    "required": ("请填写「{title}」", "{title} is required"),
    "type": ("「{title}」的类型不正确", "{title} has the wrong type"),
    "minLength": ("「{title}」至少 {limit} 个字", "{title} needs at least {limit} characters"),
    "maxLength": ("「{title}」最多 {limit} 个字", "{title} takes at most {limit} characters"),
    "pattern": ("「{title}」格式不正确", "{title} is not in the right format"),
    "minimum": ("「{title}」不能小于 {limit}", "{title} may not be below {limit}"),
    "maximum": ("「{title}」不能大于 {limit}", "{title} may not be above {limit}"),
    "minItems": ("「{title}」至少填写 {limit} 项", "{title} needs at least {limit} entries"),
    "maxItems": ("「{title}」最多填写 {limit} 项", "{title} takes at most {limit} entries"),
    "oneOf": ("「{title}」请从选项中选择", "choose {title} from the options"),
    "enum": ("「{title}」请从选项中选择", "choose {title} from the options"),
    "const": ("「{title}」须确认", "{title} must be confirmed"),
    "additionalProperties": ("申报书中没有这个字段", "the form has no such field"),
}
_FALLBACK = ("「{title}」填写有误", "{title} is not valid")


def _titles(schema: dict[str, Any], name: str | None = None) -> tuple[str, str]:
    target = schema.get("properties", {}).get(name, {}) if name else schema
    zh = target.get("title") or name or "字段"
    return zh, target.get("x-title-en") or zh


def _problem(error: ValidationError) -> tuple[str, str, str, str]:
    path = [str(part) for part in error.absolute_path]
    name = None
    if error.validator == "required":
        match = _REQUIRED.match(error.message)
        name = match["name"] if match else None
        path.append(name or "")
    title_zh, title_en = _titles(error.schema if isinstance(error.schema, dict) else {}, name)
    zh, en = _MESSAGES.get(str(error.validator), _FALLBACK)
    limit = error.validator_value if not isinstance(error.validator_value, dict | list) else ""
    field = ".".join(["body", "form_data", *path])
    return field, zh.format(title=title_zh, limit=limit), en.format(title=title_en, limit=limit), str(error.validator)


def check_form(schema: dict[str, Any], data: dict[str, Any], *, draft: bool) -> None:
    """FormInvalid listing every problem; a draft may leave required fields empty."""
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [_problem(e) for e in errors if not (draft and e.validator == "required")]
    if problems:
        raise FormInvalid(problems)
