"""Who is calling: the gateway authenticates people and API keys, then forwards the caller to a service as
a short-lived internal token (an Ed25519-signed JWT in the X-Internal-Token header). Only the gateway holds
the private key that signs callers; a service that calls another signs with its own service key, and only
a service key may claim the role `service`. Requests without a token are anonymous (`public`)."""

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request
from pydantic import BaseModel, Field

from servicekit.problems import Forbidden, Unauthorized

INTERNAL_TOKEN_HEADER = "X-Internal-Token"
ISSUER = "tpp-gateway"
AUDIENCE = "tpp-services"
ALGORITHM = "EdDSA"
_F = TypeVar("_F", bound=Callable[..., Any])
GATEWAY_KEY_ID = "gateway"
DEFAULT_TTL = timedelta(seconds=60)

Role = Literal["public", "applicant", "reviewer", "agency", "admin", "expert", "service"]


class Principal(BaseModel):
    subject: str = Field(description="User id, `key:<id>` for an API key, or the calling service's name.")
    role: Role
    agency: str | None = Field(default=None, description="Agency code a reviewer or API key is bound to.")
    scopes: frozenset[str] = frozenset()
    name: str | None = None

    @classmethod
    def anonymous(cls) -> "Principal":
        return cls(subject="anonymous", role="public")

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"{self.role}:{self.subject}"

    def acts_for_agency(self, agency_code: str) -> bool:
        return self.role in ("reviewer", "agency") and self.agency == agency_code


class InvalidToken(Unauthorized):
    code = "invalid_internal_token"
    message_zh = "内部身份令牌无效或已过期。"
    message_en = "The internal identity token is invalid or expired."


class LoginRequired(Unauthorized):
    code = "login_required"
    message_zh = "请先登录或提供有效的 API 密钥。"
    message_en = "Sign in or present a valid API key first."


class RoleNotAllowed(Forbidden):
    code = "role_not_allowed"
    message_zh = "当前身份无权执行此操作。"
    message_en = "Your role may not do this."


class ScopeMissing(Forbidden):
    code = "scope_missing"
    message_zh = "API 密钥缺少所需的权限范围。"
    message_en = "The API key lacks the scope this needs."


def generate_private_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_pem(private_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def ensure_key_pair(private_path: Path) -> None:
    """Create `<name>.pem` and `<name>.pub` once (embedded default); production mounts its own."""
    public_path = private_path.with_suffix(".pub")
    if private_path.exists() and public_path.exists():
        return
    private_path.parent.mkdir(parents=True, exist_ok=True)
    private_pem = generate_private_key_pem()
    # Created 0600: the key is never readable by others, not even for the moment before a chmod.
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private_pem)
    private_path.chmod(0o600)
    public_path.write_bytes(public_key_pem(private_pem))


class TokenSigner:
    def __init__(self, private_pem: bytes, key_id: str = GATEWAY_KEY_ID) -> None:
        self.key = serialization.load_pem_private_key(private_pem, password=None)
        self.key_id = key_id

    def sign(self, principal: Principal, ttl: timedelta = DEFAULT_TTL) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + ttl,
            "sub": principal.subject, "role": principal.role, "agency": principal.agency,
            "scopes": sorted(principal.scopes), "name": principal.name,
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.key_id})


class TokenVerifier:
    """`keys` maps a key id (`gateway`, `service:<name>`) to its public key PEM."""

    # Verified tokens, by their exact text, until they expire: a caller (a service, an API client, a retrying
    # worker) sends one token many times, and checking its signature costs more than the rest of a small request.
    MAX_REMEMBERED = 4096

    def __init__(self, keys: dict[str, bytes]) -> None:
        self.keys = {kid: serialization.load_pem_public_key(pem) for kid, pem in keys.items()}
        self._verified: dict[str, tuple[Principal, float]] = {}

    def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            if time.time() < remembered[1]:
                return remembered[0]
            del self._verified[token]
        principal, expires = self._verify(token)
        if len(self._verified) >= self.MAX_REMEMBERED:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            key_id = jwt.get_unverified_header(token).get("kid")
            key = self.keys.get(key_id)
            if key is None:
                raise InvalidToken()
            # The algorithm list is fixed: a token saying alg "none" or "HS256" is refused here.
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                                options={"require": ["exp", "iat", "sub", "iss", "aud"]})
            principal = Principal(subject=claims["sub"], role=claims["role"], agency=claims.get("agency"),
                                  scopes=frozenset(claims.get("scopes") or ()), name=claims.get("name"))
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise InvalidToken() from exc
        is_service_key = key_id.startswith("service:")
        if (principal.role == "service") != is_service_key or (is_service_key and key_id != f"service:{principal.subject}"):
            raise InvalidToken()
        return principal, float(claims["exp"])


def load_verifier(gateway_public_key: Path, service_public_keys: dict[str, Path]) -> TokenVerifier | None:
    keys = {}
    if gateway_public_key.is_file():
        keys[GATEWAY_KEY_ID] = gateway_public_key.read_bytes()
    for name, path in service_public_keys.items():
        if path.is_file():
            keys[f"service:{name}"] = path.read_bytes()
    return TokenVerifier(keys) if keys else None


ROLES: tuple[Role, ...] = get_args(Role)
# Set on a dependency: the roles it lets through (and the API-key scope), read by servicekit.openapi to write each
# operation's `security`. A rule that lets "public" through makes signing in optional.
ACCESS_ATTRIBUTE = "documented_access"


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    scope: str | None = None


def documents_access(*roles: Role, scope: str | None = None) -> Callable[[_F], _F]:
    def mark(dependency: _F) -> _F:
        setattr(dependency, ACCESS_ATTRIBUTE, Access(frozenset(roles), scope))
        return dependency

    return mark


@documents_access(*ROLES)
async def current_principal(request: Request) -> Principal:
    token = request.headers.get(INTERNAL_TOKEN_HEADER)
    if not token:
        return Principal.anonymous()
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise InvalidToken("本服务未配置身份验证公钥。", "This service has no identity key configured.")
    return verifier.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_role(*roles: Role, scope: str | None = None) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller must have one of `roles` (and, for an API key, `scope`)."""

    @documents_access(*roles, scope=scope)
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role == "public":
            raise LoginRequired()
        if principal.role not in roles:
            raise RoleNotAllowed()
        if scope and principal.role == "agency" and scope not in principal.scopes:
            raise ScopeMissing(extra={"required_scope": scope})
        return principal

    return dependency


def service_signer(service_name: str) -> "TokenSigner | None":
    """The signer of this service's calls to other services, from its own key (None when it has none)."""
    from servicekit.settings import own_key_file

    key = own_key_file(service_name)
    return TokenSigner(key.read_bytes(), key_id=f"service:{service_name}") if key.is_file() else None
