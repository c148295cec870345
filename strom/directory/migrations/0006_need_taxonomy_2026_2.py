"""Load version 2026.2 of the need taxonomy (strom/directory/data/need_taxonomy-2026.2.json): six new
needs appended at positions 16 to 21, a legal basis for every need, education widened to the children of
adult victims. Codes and positions of the 2026.1 needs stay, so no service, step or agreement loses a
need and no need_mask changes; should a position have moved, every mask is recomputed.

Going back restores 2026.1: its texts, and the six new needs removed, with their links to services,
steps and agreements (the masks of the services that had them are recomputed)."""

from django.db import migrations

FROM_VERSION, TO_VERSION = "2026.1", "2026.2"


def positions(need_term_model) -> dict:
    return dict(need_term_model.objects.values_list("code", "position"))


def forward(apps, schema_editor):
    from strom.directory.taxonomy import refresh_need_masks, sync_need_terms

    NeedTerm = apps.get_model("directory", "NeedTerm")
    before = positions(NeedTerm)
    sync_need_terms(NeedTerm, TO_VERSION)
    after = positions(NeedTerm)
    if any(after[code] != position for code, position in before.items() if code in after):
        refresh_need_masks(apps.get_model("directory", "Service"))


def backward(apps, schema_editor):
    from strom.directory.taxonomy import refresh_need_masks, sync_need_terms, taxonomy

    NeedTerm = apps.get_model("directory", "NeedTerm")
    kept = {term["code"] for term in taxonomy(FROM_VERSION)["terms"]}
    NeedTerm.objects.exclude(code__in=kept).delete()
    sync_need_terms(NeedTerm, FROM_VERSION)
    refresh_need_masks(apps.get_model("directory", "Service"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_encrypt_location_address_and_position")]

    operations = [migrations.RunPython(forward, backward)]
