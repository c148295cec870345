"""Second factor: TOTP apps and printed backup codes, on top of django-otp."""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are typed from paper


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device shown during enrolment; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def new_backup_code() -> str:
    return "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(10))


def format_backup_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def replace_backup_codes(user, codes: list[str] | None = None) -> list[str]:
    codes = codes or [new_backup_code() for _ in range(settings.STROM_BACKUP_CODE_COUNT)]
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


def verify_second_factor(user, code: str):
    """The device that accepts the code, or None.

    The code's shape picks the one device to try (six digits: the app; ten letters: a backup code), so
    a wrong guess counts against one throttle only. Codes are single-use: django-otp refuses a TOTP
    time step already used, and deletes a backup code on use. Failures slow further tries down.
    """
    code = normalise_code(code)
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    elif len(code) == 10 and set(code) <= set(BACKUP_ALPHABET):
        devices = StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    else:
        return None
    with transaction.atomic():
        # The row lock makes two simultaneous uses of one code give one success.
        device = devices.select_for_update().first()
        if device is not None and device.verify_token(code):
            return device
    return None
