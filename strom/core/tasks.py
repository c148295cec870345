"""Background work shared by every app. Tasks are idempotent or harmless to repeat."""

from django.core.mail import send_mail
from huey.contrib.djhuey import task


@task(retries=5, retry_delay=60)
def send_email(to: str, subject: str, body: str) -> None:
    """Send one e-mail; if the mail server is down the task is retried, and the work that asked for it
    has already been saved (security.md 30)."""
    send_mail(subject, body, None, [to], fail_silently=False)
