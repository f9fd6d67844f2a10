"""Path, query and body field types of the gateway, built on servicekit.validation."""

from typing import Annotated, Literal

from fastapi import Query
from pydantic import Field, StringConstraints

from servicekit.validation import Slug, StorableText, id_path

# Roles a person can hold (an agency's API key is not a person; `public` is nobody signed in).
UserRole = Literal["applicant", "reviewer", "expert", "admin"]
# reports:write — post progress reports; reports:review — accept or return them (lead agencies);
# applications:read / applications:review — read and review applications; funding:read — the agency's awards,
# budgets and funding reports.
Scope = Literal["reports:write", "reports:review", "applications:review", "applications:read", "funding:read"]
KNOWN_SCOPES: tuple[str, ...] = Scope.__args__

# --- in the path -----------------------------------------------------------------------------------------

UserId = id_path("The user's id.")
ApiKeyId = id_path("The API key's id.")

# --- in the query string ---------------------------------------------------------------------------------

RoleFilter = Annotated[UserRole | None, Query(description="Only users of this role.")]
AgencyFilter = Annotated[Slug | None, Query(description="Only this agency's keys (its code).")]

# --- in a body -------------------------------------------------------------------------------------------

Username = Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Password = Annotated[StorableText, Field(min_length=10, max_length=128, description="At least 10 characters.")]
DisplayName = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
KeyName = Annotated[StorableText, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
AgencyCode = Annotated[Slug, Field(max_length=64, description="The agency's code, e.g. prov-hrss-dept.")]
