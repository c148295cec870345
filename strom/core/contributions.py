"""What core adds: the demo outbox page, the health check, and the labels of the platform's own audit
events (the audit chain, key rotation, rate limits, demo loading)."""

from django.utils.translation import gettext_lazy as _

from strom.core.registry import AppContributions, UrlMount

contributions = AppContributions(
    urls=(UrlMount("", "strom.core.urls"),),
    public_pages=frozenset(
        {
            "healthz",
            # Demo only (404 unless STROM_DEMO_ENABLED): its visitors open links while signed out.
            "core:demo_outbox",
        }
    ),
    audit_labels={
        "access.refused": _("Refused access to something outside the user's reach"),
        "audit.chain.broken": _("The audit trail's hash chain is broken"),
        "core.field_keys.rotated": _("Encrypted fields re-encrypted under the newest key"),
        "platform.demo_loaded": _("Demo data loaded"),
        "security.rate_limited": _("Requests refused for a while: over a rate limit"),
    },
)
