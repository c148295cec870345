"""Reading ids that come from outside (URLs, API bodies, audit rows): a value that is not a UUID is
no id of ours, so it matches nothing instead of raising in the database."""

import uuid


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def uuids_among(values) -> set[str]:
    """The values that are UUIDs, in canonical form, for one `pk__in` query."""
    return {str(uuid.UUID(str(value))) for value in values if is_uuid(value)}
