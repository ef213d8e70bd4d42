"""Sessions that reach Manage My Account only (a REGISTERING person, or one who must enrol a second factor
first): any other root field is refused whole, before anything runs, on every transport."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gateway import access
from gateway.context import GatewayContext
from gateway.errors import Forbidden
from gateway.partners.operations import root_fields


class AccountOnlySessions(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, GatewayContext)
            and context.principal.account_only
            and execution.graphql_document is not None
        ):
            found = root_fields(execution.graphql_document, execution.operation_name)
            fields = [] if found is None else found[1]
            refused = [field for field in fields if not access.may_use_root_field(context.principal, field)]
            if refused:
                what = (
                    "enrol a second factor in Manage My Account › Security"
                    if context.principal.mfa_enrolment_due
                    else "finish setting up your account in Manage My Account"
                )
                raise Forbidden(
                    f"First {what}: until then only Manage My Account is open to you.", fields=refused
                )
        yield
