"""The one exception type handlers turn into `{code, detail}` responses."""

from __future__ import annotations

from sync.protocol import ERR_FORBIDDEN, ERR_INVALID, ERR_UNAUTHENTICATED


class ApiError(Exception):
    """An error whose code and detail are fit to send to the client as they are."""

    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None,
        wipe: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
        self.wipe = wipe  # device_revoked under the wipe policy (ErrorBody.wipe)


def unauthenticated(detail: str) -> ApiError:
    return ApiError(401, ERR_UNAUTHENTICATED, detail, {"WWW-Authenticate": "Bearer"})


def forbidden(detail: str) -> ApiError:
    return ApiError(403, ERR_FORBIDDEN, detail)


def invalid(detail: str) -> ApiError:
    return ApiError(422, ERR_INVALID, detail)
