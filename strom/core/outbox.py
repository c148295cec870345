"""The development e-mail backend: each message becomes one .eml file in STROM_OUTBOX_DIR, which the
demo outbox page lists. Nothing is printed, so no address or link reaches a console or log
(security.md 22), and the web server and the background worker share one folder."""

import itertools
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

_sequence = itertools.count()  # orders messages written within the same microsecond


class OutboxBackend(BaseEmailBackend):
    def __init__(self, *, directory=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(directory or settings.STROM_OUTBOX_DIR)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{next(_sequence):08d}-{uuid.uuid4().hex[:8]}.eml"
            partial = self.directory / f".{name}.part"
            partial.write_bytes(message.message().as_bytes(linesep="\n"))
            os.replace(partial, self.directory / name)  # the page never reads half a message
            sent += 1
        return sent


@dataclass(frozen=True)
class OutboxMessage:
    subject: str
    to: str
    sent_at: datetime | None
    body: str


def read_outbox(directory=None, *, limit: int = 50) -> list[OutboxMessage]:
    """The newest messages first (file names start with the time they were written)."""
    folder = Path(directory or settings.STROM_OUTBOX_DIR)
    if not folder.is_dir():
        return []
    names = sorted((path for path in folder.glob("*.eml") if path.is_file()), reverse=True)[:limit]
    return [_read(path) for path in names]


def _read(path: Path) -> OutboxMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body_part = message.get_body(preferencelist=("plain",))
    date = message.get("Date")
    return OutboxMessage(
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
        sent_at=parsedate_to_datetime(date) if date else None,
        body=body_part.get_content() if body_part is not None else "",
    )
