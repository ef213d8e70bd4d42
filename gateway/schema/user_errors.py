"""`userErrors`: expected mutation failures with a stable code and the input field at fault."""

from __future__ import annotations

import strawberry

from gateway.errors import MutationRefused, UserErrorCode

strawberry.enum(UserErrorCode)


@strawberry.type
class UserError:
    code: UserErrorCode
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "attachments", "0"].'
    )
    message: str


def user_errors(refused: MutationRefused) -> list[UserError]:
    return [
        UserError(
            code=problem.code,
            field=None if problem.field is None else list(problem.field),
            message=problem.message,
        )
        for problem in refused.problems
    ]
