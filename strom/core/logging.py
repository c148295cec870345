import logging
import re

from strom.core.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


REDACTED = "[redacted]"
# The two addresses that carry a single-use secret in the link's first request (the views move it into
# the session at once), a query string after any path, and anything shaped like an e-mail address.
_REDACTIONS = [
    (re.compile(r"(/accounts/invitations/)(?!accept/)[^/\s?\"']+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(/accounts/password/reset/)[^/\s?\"']+/[^/\s?\"']+"), rf"\g<1>{REDACTED}/{REDACTED}"),
    (re.compile(r"((?:^|[\s\"'(])/[^\s?\"']*)\?[^\s\"']*"), r"\g<1>"),
    (re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Keeps secrets and personal data out of log lines (security.md 22): the development server's
    request lines, Django's error lines with their path, and tracebacks (a refused SMTP recipient
    names the address)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
