"""The gateway's own errors, each with its status and stable code."""

from servicekit.problems import Conflict, DomainError, Forbidden, NotFound, Unauthorized, Unprocessable


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    message_zh = "用户名或密码错误。"
    message_en = "Wrong username or password."


class InvalidAccessToken(Unauthorized):
    code = "invalid_access_token"
    message_zh = "访问令牌无效或已过期，请重新登录。"
    message_en = "The access token is invalid or expired; sign in again."


class TwoCredentials(Unauthorized):
    code = "two_credentials"
    message_zh = "请只提供一种凭据：访问令牌（Authorization）或 API 密钥（X-API-Key）。"
    message_en = "Send one credential: an access token (Authorization) or an API key (X-API-Key), not both."


class InvalidApiKey(Unauthorized):
    code = "invalid_api_key"
    message_zh = "API 密钥无效或已被吊销。"
    message_en = "The API key is invalid or revoked."


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"
    message_zh = "刷新令牌无效、已过期或已被吊销，请重新登录。"
    message_en = "The refresh token is invalid, expired or revoked; sign in again."


class RefreshTokenReused(InvalidRefreshToken):
    """A spent refresh token came back: its family was revoked, and that revocation must be committed."""

    commit_before_answer = True

    def __init__(self, *, user_id: int, family: str) -> None:
        super().__init__()
        self.user_id = user_id
        self.family = family


class UsernameTaken(Conflict):
    code = "username_taken"
    message_zh = "该用户名已被使用。"
    message_en = "This username is already taken."


class UserNotFound(NotFound):
    code = "user_not_found"
    message_zh = "用户不存在。"
    message_en = "No such user."


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    message_zh = "API 密钥不存在。"
    message_en = "No such API key."


class ApiKeyAlreadyRevoked(Conflict):
    code = "api_key_revoked"
    message_zh = "该 API 密钥已被吊销。"
    message_en = "This API key is already revoked."


class UnknownAgency(Unprocessable):
    code = "unknown_agency"
    message_zh = "未知的单位代码。"
    message_en = "Unknown agency code."


class AgencyRequired(Unprocessable):
    code = "agency_required"
    message_zh = "审核人员必须绑定一个单位。"
    message_en = "A reviewer must be bound to one agency."


class NotYourAgency(Forbidden):
    code = "not_your_agency"
    message_zh = "只能管理本单位的 API 密钥。"
    message_en = "You may only manage your own agency's API keys."


class AgencyCheckUnavailable(DomainError):
    status = 503
    code = "agency_check_unavailable"
    message_zh = "暂时无法核验单位代码（责任矩阵服务不可用），请稍后再试。"
    message_en = "The agency code cannot be checked now (agencies service unavailable); try again later."


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"
    message_zh = "该接口不支持此请求方法。"
    message_en = "This route does not take this method."

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(f"该接口不支持此请求方法，可用：{', '.join(allowed)}。",
                         f"This route does not take this method; it takes {', '.join(allowed)}.")
        self.allowed = allowed

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)}


class AmbiguousPath(DomainError):
    status = 400
    code = "ambiguous_path"
    message_zh = "请求路径含有点段、编码的分隔符或空段，无法确定其含义。"
    message_en = "The request path has dot segments, encoded separators or empty segments; it is ambiguous."


class UpstreamBusy(DomainError):
    status = 503
    code = "upstream_busy"
    message_zh = "该服务当前请求过多，请稍后再试。"
    message_en = "This service has too many requests in progress; try again shortly."


class UpstreamUnavailable(DomainError):
    status = 503
    code = "upstream_unavailable"
    message_zh = "该服务暂时不可用（多次失败后暂停转发），请稍后再试。"
    message_en = "This service is unavailable for now (requests paused after repeated failures); try again later."


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    message_zh = "请求过于频繁，请稍后再试。"
    message_en = "Too many requests; try again later."

    def headers(self) -> dict[str, str] | None:
        retry_after = str(self.extra["retry_after"])
        return {"Retry-After": retry_after, "RateLimit-Limit": str(self.extra["limit"]), "RateLimit-Remaining": "0",
                "RateLimit-Reset": retry_after}
