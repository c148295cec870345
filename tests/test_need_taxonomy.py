"""The need taxonomy's versions: each published version stays readable, every need carries its name,
definition and legal basis, and a new version migrates services, steps and agreements without losing
a need (tested on SQLite and PostgreSQL alike)."""

from itertools import pairwise

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from strom.accounts.roles import Role
from strom.directory import demo
from strom.directory.models import NeedTerm, Service, need_mask
from strom.directory.taxonomy import (
    CURRENT_VERSION,
    LANGUAGES,
    MAX_POSITION,
    VERSIONS,
    refresh_need_masks,
    sync_need_terms,
    taxonomy,
)
from strom.pathways.blueprints import ADULTS
from strom.pathways.models import Audience, Pathway

BEFORE = ("directory", "0005_encrypt_location_address_and_position")
AFTER = ("directory", "0006_need_taxonomy_2026_2")
NEW_IN_2026_2 = {
    "residence_status": 16,
    "identity_documents": 17,
    "compensation": 18,
    "travel_accompaniment": 19,
    "debt_counselling": 20,
    "addiction_treatment": 21,
}


# --- The files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_every_term_of_every_version_is_named_and_defined_in_five_languages_on_a_listed_source(version):
    data = taxonomy(version)
    assert data["version"] == version
    sources = {source["key"] for source in data["sources"]}
    for text in (data["name"], data["description"]):
        assert all(text[lang].strip() for lang in LANGUAGES)
    for term in data["terms"]:
        for lang in LANGUAGES:
            assert term["name"][lang].strip() and term["definition"][lang].strip(), (term["code"], lang)
        for basis in term["basis"]:
            assert basis["source"] in sources, (term["code"], basis)
            assert basis["article"].strip()
            assert basis.get("confidence", "R") == "R"  # only "recalled, not verified" is marked


def test_from_2026_2_on_every_term_has_a_legal_basis_and_2026_1_stays_as_it_was_published():
    for version in VERSIONS[VERSIONS.index("2026.2") :]:
        assert all(term["basis"] for term in taxonomy(version)["terms"]), version
    published = taxonomy("2026.1")
    assert len(published["terms"]) == 15
    without_basis = {term["code"] for term in published["terms"] if not term["basis"]}
    assert without_basis == {"family_support", "return_reintegration"}


def test_a_later_version_keeps_the_code_and_position_of_every_earlier_term():
    for earlier, later in pairwise(VERSIONS):
        kept = {term["code"]: term["position"] for term in taxonomy(later)["terms"]}
        for term in taxonomy(earlier)["terms"]:
            assert kept.get(term["code"]) == term["position"], (earlier, later, term["code"])
    for version in VERSIONS:
        positions = [term["position"] for term in taxonomy(version)["terms"]]
        assert len(set(positions)) == len(positions) and max(positions) <= MAX_POSITION


def test_version_2026_2_adds_six_needs_and_says_what_changed():
    current = taxonomy()
    assert current is taxonomy(CURRENT_VERSION) and CURRENT_VERSION == "2026.2"
    assert current["previous_version"] == "2026.1" and current["changes"]
    positions = {term["code"]: term["position"] for term in current["terms"]}
    assert {code: positions.get(code) for code in NEW_IN_2026_2} == NEW_IN_2026_2
    education = next(term for term in current["terms"] if term["code"] == "education_children")
    assert {"source": "eu-2011-36", "article": "14(1)"} in education["basis"]
    assert "adult victim" in education["definition"]["en"]


def test_it_refuses_a_version_that_was_never_published():
    with pytest.raises(ValueError, match="unknown need taxonomy version"):
        taxonomy("2025.9")


# --- The database -------------------------------------------------------------------------------


def test_sync_loads_the_version_asked_for_and_then_the_current_one(db):
    NeedTerm.objects.all().delete()
    assert sync_need_terms(NeedTerm, "2026.1") == 15
    assert set(NeedTerm.objects.values_list("taxonomy_version", flat=True)) == {"2026.1"}
    assert sync_need_terms(NeedTerm) == 21  # six new, fifteen with new texts or bases
    assert sync_need_terms(NeedTerm) == 0
    assert set(NeedTerm.objects.values_list("taxonomy_version", flat=True)) == {"2026.2"}
    family = NeedTerm.objects.get(code="family_support")
    assert family.basis and family.basis[0]["article"] == "14(3)"


def test_refresh_need_masks_puts_right_a_mask_that_no_longer_matches_the_needs(world):
    sync_need_terms(NeedTerm)
    service = Service.objects.create(organisation=world.ngo, municipality=world.ngo.municipality, name="S")
    service.needs.set(NeedTerm.objects.filter(code__in=["accommodation", "addiction_treatment"]))
    Service.objects.filter(pk=service.pk).update(need_mask=1 << 3)
    assert refresh_need_masks(Service) == 1
    assert Service.objects.get(pk=service.pk).need_mask == (1 << 1) | (1 << 21)
    assert refresh_need_masks(Service) == 0


def test_the_new_needs_appear_in_the_directory_filter_the_service_form_and_the_gap_analysis(world, signed_in):
    sync_need_terms(NeedTerm)
    client = signed_in(world[Role.COORDINATOR])
    pages = [
        client.get(reverse("directory:service_list")),
        client.get(reverse("directory:service_new")),
        client.get(reverse("directory:gap_analysis")),
    ]
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        html = response.content.decode()
        assert "Addiction treatment" in html and "Residence status and permits" in html
    with translation.override("lv"):
        assert ("debt_counselling", "Parādu un finanšu konsultācijas") in [
            (need.code, need.name) for need in NeedTerm.objects.all()
        ]


def test_an_adults_pathway_is_told_about_education_and_the_new_needs(world):
    from strom.pathways import queries

    sync_need_terms(NeedTerm)
    pathway = Pathway.objects.create(
        municipality=world.municipal.municipality, audience=Audience.ADULTS, title="Adults"
    )
    codes = {code for code, _name in queries.health_context(pathway).taxonomy}
    assert {"education_children", *NEW_IN_2026_2} <= codes
    assert "child_protection" not in codes


# --- The migration ------------------------------------------------------------------------------


def migrate(target) -> object:
    """Migrate the test database to target (a list of nodes); return the historical models as they
    stand afterwards, every app at its applied migrations."""
    MigrationExecutor(connection).migrate(target)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def links(apps) -> dict:
    Service = apps.get_model("directory", "Service")
    Step = apps.get_model("pathways", "Step")
    Agreement = apps.get_model("pathways", "Agreement")
    return {
        "services": sorted(Service.needs.through.objects.values_list("service__name", "needterm_id")),
        "steps": sorted(Step.needs.through.objects.values_list("step__title", "needterm_id")),
        "agreements": sorted(Agreement.needs.through.objects.values_list("agreement__title", "needterm_id")),
        "masks": sorted(Service.objects.values_list("name", "need_mask")),
    }


def expected_masks(apps) -> list:
    Service = apps.get_model("directory", "Service")
    positions = {}
    for name, position in Service.needs.through.objects.values_list("service__name", "needterm__position"):
        positions.setdefault(name, []).append(position)
    return sorted(
        (name, need_mask(positions.get(name, []))) for name in Service.objects.values_list("name", flat=True)
    )


def demo_directory(apps) -> None:
    """The demo's services with their needs, and a pathway whose steps and agreement cover needs (the
    adults' template), built with the models as they were at 2026.1."""
    Country = apps.get_model("accounts", "Country")
    Municipality = apps.get_model("accounts", "Municipality")
    Organisation = apps.get_model("accounts", "Organisation")
    NeedTermThen = apps.get_model("directory", "NeedTerm")
    ServiceThen = apps.get_model("directory", "Service")
    country, _ = Country.objects.get_or_create(code="LV", defaults={"name": "Latvia"})
    municipality = Municipality.objects.create(country=country, name="Testupe (2026.1)")
    organisation = Organisation.objects.create(
        name="Test Shelter Association", kind="ngo", country=country, municipality=municipality
    )
    positions = dict(NeedTermThen.objects.values_list("code", "position"))
    for _org, _municipality, name, codes, *_rest in demo.SERVICES:
        codes = [code for code in codes if code in positions]  # today's demo also uses needs of 2026.2
        service = ServiceThen.objects.create(organisation=organisation, municipality=municipality, name=name)
        service.needs.set(codes)
        ServiceThen.objects.filter(pk=service.pk).update(need_mask=need_mask(positions[c] for c in codes))
    pathway = apps.get_model("pathways", "Pathway").objects.create(
        municipality=municipality, audience="adults", title="Adults"
    )
    Stage = apps.get_model("pathways", "Stage")
    Step = apps.get_model("pathways", "Step")
    covered = set()
    for phase, steps in ADULTS.steps.items():
        stage = Stage.objects.create(pathway=pathway, phase=phase)
        for number, blueprint in enumerate(steps):
            step = Step.objects.create(
                stage=stage, position=number, title=f"{phase} {number}", responsible=organisation
            )
            known = [code for code in blueprint.needs if code in positions]
            step.needs.set(known)
            covered |= set(known)
    agreement = apps.get_model("pathways", "Agreement").objects.create(municipality=municipality, title="MoU")
    agreement.needs.set(covered)


@pytest.mark.django_db(transaction=True)
def test_the_new_taxonomy_version_migrates_the_demo_without_losing_a_need():
    try:
        apps = migrate([BEFORE])
        then = apps.get_model("directory", "NeedTerm").objects
        assert then.count() == 15 and set(then.values_list("taxonomy_version", flat=True)) == {"2026.1"}
        demo_directory(apps)
        before = links(apps)
        assert before["services"] and before["steps"] and before["agreements"]
        assert before["masks"] == expected_masks(apps)

        apps = migrate([AFTER])
        assert links(apps) == before  # every need still attached, every mask as it was
        assert expected_masks(apps) == before["masks"]
        now = apps.get_model("directory", "NeedTerm").objects
        assert set(now.values_list("taxonomy_version", flat=True)) == {"2026.2"}
        assert dict(now.filter(code__in=NEW_IN_2026_2).values_list("code", "position")) == NEW_IN_2026_2
        for term in taxonomy("2026.2")["terms"]:
            row = now.get(code=term["code"])
            assert (row.position, row.names, row.basis) == (term["position"], term["name"], term["basis"])

        # Going back restores 2026.1: a new need goes, with its links, and the mask follows.
        Service = apps.get_model("directory", "Service")
        service = Service.objects.get(name=demo.SERVICES[0][2])
        service.needs.add("addiction_treatment")
        Service.objects.filter(pk=service.pk).update(need_mask=service.need_mask | 1 << 21)
        apps = migrate([BEFORE])
        assert links(apps) == before
        assert apps.get_model("directory", "NeedTerm").objects.count() == 15
    finally:
        migrate_to_latest()
    assert NeedTerm.objects.count() == 21
