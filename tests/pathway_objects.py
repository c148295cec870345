"""Hand-built referral mechanisms for the tests, in the `world` of tests/conftest.py."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from strom.accounts.roles import Role
from strom.directory.models import NeedTerm, Service
from strom.directory.taxonomy import sync_need_terms
from strom.pathways import actions
from strom.pathways.models import Agreement, Audience, Pathway, PathwayVersion, Step


@dataclass
class Chain:
    pathway: Pathway
    version: PathwayVersion
    shelter_step: Step
    agreement: Agreement


def published_chain(world) -> Chain:
    """The adults' template in the home municipality, with phones, published once, and an agreement
    between the NGO and the social service that covers every step."""
    sync_need_terms(NeedTerm)
    coordinator = world[Role.COORDINATOR]
    pathway = actions.do_create_pathway(
        actor=coordinator, municipality=world.municipal.municipality, audience=Audience.ADULTS
    )
    steps = list(Step.objects.filter(stage__pathway=pathway))
    for number, step in enumerate(steps):
        step.contact_phone = f"+371 6000 9{number:03d}"
        step.contact_reachable_24_7 = True
        step.save()
    shelter_step = next(s for s in steps if s.requires_24_7 and s.needs.filter(code="accommodation").exists())
    agreement = Agreement.objects.create(
        municipality=world.municipal.municipality,
        title="Test memorandum",
        status=Agreement.Status.ACTIVE,
        valid_until=timezone.localdate() + timedelta(days=400),
    )
    agreement.parties.set([world.ngo, world.social, world.municipal])
    agreement.steps.set(steps)
    shelter = Service.objects.create(
        organisation=world.ngo,
        municipality=world.ngo.municipality,
        name="Test shelter",
        independent_of_cooperation=True,
        open_to_presumed_victims=True,
    )
    shelter.needs.set(NeedTerm.objects.filter(code="accommodation"))
    version = actions.do_publish_pathway(actor=coordinator, pathway=pathway, note="first")
    return Chain(pathway, version, shelter_step, agreement)
