"""The current request's id, for the audit trail and the logs, without passing the request around."""

import contextvars

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("strom_request_id", default="")
