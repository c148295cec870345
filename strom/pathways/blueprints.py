"""Templates to start a municipality's pathway from: one for adults, one for children.

Built on the phases of the referral mechanisms (TRM-EU guidelines, ICMPD 2010; OSCE/ODIHR NRM
handbook, 2nd ed. 2022) and the duties of the Council of Europe Convention on Action against
Trafficking in Human Beings (CETS 197): Art. 10 (identification), Art. 12 (assistance) and Art. 13
(recovery and reflection period), with EU Directive 2011/36/EU Art. 11. The texts are translated like
the rest of the interface and copied into the pathway in the language of the person who creates it;
from then on they are the municipality's own, to adapt. Organisations are named by kind and matched
to the municipality's organisations; a step with no match is left for the coordinator to assign.
"""

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Organisation
from strom.pathways.country_rules import CONVENTION, GUIDANCE, Citation, coe, eu, guidance
from strom.pathways.models import Audience, Decision, Handover, Phase

BLUEPRINT_VERSION = "2026.2"
Kind = Organisation.Kind
# Stands for the kind of authority that identifies victims in the pathway's country (its rules say
# which; police where they do not).
IDENTIFYING = "identifying_authority"
IDENTIFYING_DEFAULT = Kind.POLICE


@dataclass(frozen=True)
class StepBlueprint:
    title: str
    description: str
    responsible: str  # an Organisation.Kind
    backup: str | None
    contact_function: str
    max_response_hours: int | None
    needs: tuple[str, ...] = ()
    legal_basis: tuple[Citation, ...] = ()
    requires_24_7: bool = False
    handover: str = Handover.NONE
    for_nationals: bool = True
    for_foreign_nationals: bool = True
    decision: str = Decision.NONE


@dataclass(frozen=True)
class Note:
    text: str
    instrument: str = GUIDANCE  # a note that cites an instrument is left out where it does not apply


@dataclass(frozen=True)
class Blueprint:
    audience: str
    title: str
    notes: dict[str, tuple[Note, ...]] = field(default_factory=dict)
    steps: dict[str, tuple[StepBlueprint, ...]] = field(default_factory=dict)


REFLECTION_NOTE = Note(
    _(
        "A person with reasonable grounds to be a victim gets a recovery and reflection period of at least "
        "30 days, with no expulsion during it (CoE Convention Art. 13). Assistance never depends on "
        "cooperating with the police (Art. 12(6))."
    ),
    CONVENTION,
)
SOCIAL_DUTY_DESK = _("Social services duty desk")
NGO_HOTLINE = _("Support line of the service provider")

EMERGENCY_MEDICAL = StepBlueprint(
    _("Emergency medical treatment"),
    _("Examination and treatment at once, whatever the person's residence status."),
    Kind.HEALTH,
    Kind.MUNICIPAL_SOCIAL_SERVICES,
    _("Emergency department"),
    4,
    ("emergency_medical",),
    (coe("Art. 12(1)(b)"),),
    requires_24_7=True,
)
REFLECTION_PERIOD = StepBlueprint(
    _("Grant the recovery and reflection period"),
    _("For foreign nationals: at least 30 days of authorised stay, and no expulsion."),
    Kind.MIGRATION,
    Kind.MUNICIPAL_ADMINISTRATION,
    _("Migration service duty officer"),
    72,
    ("safety_protection", "residence_status"),
    (coe("Art. 13(1), 14"),),
    for_nationals=False,
)

ADULTS = Blueprint(
    audience=Audience.ADULTS,
    title=_("Chain of assistance for adults"),
    notes={Phase.FIRST_ASSISTANCE: (REFLECTION_NOTE,)},
    steps={
        Phase.IDENTIFICATION: (
            StepBlueprint(
                _("Notice the signs and talk with the person in a safe place"),
                _("The first to meet the person listens, explains what help exists and calls the duty desk."),
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                Kind.NGO,
                SOCIAL_DUTY_DESK,
                24,
                ("counselling_information", "interpretation"),
                (coe("Art. 10(1)"),),
            ),
            StepBlueprint(
                _("Screen with the operational indicators and decide on reasonable grounds"),
                _("Use the ILO/EC operational indicators. Reasonable grounds are enough to start helping."),
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                Kind.NGO,
                SOCIAL_DUTY_DESK,
                72,
                ("counselling_information",),
                (
                    coe("Art. 10(2)"),
                    eu("Art. 11(2)"),
                ),
            ),
            StepBlueprint(
                _("Refer the presumed victim to the national referral mechanism"),
                _("The coordinator informs the national focal point, with the person's informed consent."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                _("Anti-trafficking coordinator"),
                24,
                (),
                (eu("Art. 11(4)"),),
                handover=Handover.NATIONAL,
            ),
        ),
        Phase.FIRST_ASSISTANCE: (
            StepBlueprint(
                _("A safe place to stay tonight"),
                _("Secure accommodation, food and clothing, without conditions."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                NGO_HOTLINE,
                4,
                ("accommodation", "safety_protection", "material_assistance", "travel_accompaniment"),
                (coe("Art. 12(1)(a), 12(2)"),),
                requires_24_7=True,
            ),
            EMERGENCY_MEDICAL,
            StepBlueprint(
                _("Interpretation and information on rights"),
                _("In a language the person understands: rights, services, the reflection period."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                NGO_HOTLINE,
                24,
                ("interpretation", "counselling_information"),
                (coe("Art. 12(1)(c)-(d)"),),
            ),
            REFLECTION_PERIOD,
            StepBlueprint(
                _("Assess the risks and agree a safety plan"),
                _("With the person, and never as a condition for assistance."),
                Kind.POLICE,
                Kind.NGO,
                _("Police duty officer"),
                24,
                ("safety_protection",),
                (coe("Art. 12(2)"),),
            ),
        ),
        Phase.LONG_TERM: (
            StepBlueprint(
                _("Agree an individual assistance plan"),
                _("Based on the person's own needs: income, health, housing, family."),
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                Kind.NGO,
                _("Case manager of the social services"),
                168,
                (
                    "material_assistance",
                    "financial_assistance",
                    "medical_care",
                    "debt_counselling",
                    "addiction_treatment",
                    "education_children",
                ),
                (
                    coe("Art. 12(1), 12(3)"),
                    eu("Art. 11(5)"),
                ),
            ),
            StepBlueprint(
                _("Psychological and social counselling"),
                _("Regular sessions for as long as the plan foresees."),
                Kind.NGO,
                Kind.HEALTH,
                NGO_HOTLINE,
                168,
                ("psychological_assistance", "family_support"),
                (coe("Art. 12(1)(a)"),),
            ),
            StepBlueprint(
                _("Vocational training and help finding work"),
                _("Courses, recognition of skills and job placement."),
                Kind.EMPLOYMENT_SERVICE,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                _("Employment counsellor"),
                336,
                ("vocational_employment",),
                (coe("Art. 12(4)"),),
            ),
        ),
        Phase.RETURN: (
            StepBlueprint(
                _("Safe return and reintegration, if the person wishes"),
                _("A risk assessment first; the receiving country's referral mechanism is informed."),
                Kind.MIGRATION,
                Kind.NGO,
                _("Return and reintegration officer"),
                336,
                ("return_reintegration", "travel_accompaniment"),
                (guidance("TRM-EU guidelines, phase 4 (ICMPD 2010)"),),
                handover=Handover.TRANSNATIONAL,
                for_nationals=False,
            ),
        ),
        Phase.PROCEEDINGS: (
            StepBlueprint(
                _("Legal counselling and representation"),
                _("Before, during and after criminal or civil proceedings, including compensation."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                _("Legal counsellor"),
                72,
                ("legal_assistance", "compensation", "identity_documents"),
                (
                    coe("Art. 12(1)(e), 15, 16"),
                    eu("Art. 11(1), 17"),
                ),
            ),
            StepBlueprint(
                _("Report the crime, only if the person agrees"),
                _("Assistance goes on whether or not the person cooperates with the police."),
                Kind.POLICE,
                Kind.LABOUR_INSPECTORATE,
                _("Police duty officer"),
                24,
                ("safety_protection",),
                (
                    coe("Art. 12(6)"),
                    eu("Art. 11(3)"),
                ),
            ),
        ),
    },
)

CHILD_DUTY = _("Child protection duty officer")

CHILDREN = Blueprint(
    audience=Audience.CHILDREN,
    title=_("Chain of assistance for children"),
    notes={
        Phase.IDENTIFICATION: (
            Note(
                _(
                    "When age is uncertain and there are reasons to believe the person is a child, treat "
                    "them as a child until their age is established (CoE Convention Art. 10(3))."
                ),
                CONVENTION,
            ),
        ),
        Phase.FIRST_ASSISTANCE: (REFLECTION_NOTE,),
    },
    steps={
        Phase.IDENTIFICATION: (
            StepBlueprint(
                _("Notice the signs and call child protection at once"),
                _("A child does not have to show force or deception to be a victim."),
                Kind.CHILD_PROTECTION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                CHILD_DUTY,
                4,
                ("child_protection", "counselling_information"),
                (coe("Art. 10(1), 10(3)"),),
                requires_24_7=True,
            ),
            StepBlueprint(
                _("Appoint a guardian for an unaccompanied child"),
                _("The guardian acts in the child's best interests from the first day."),
                Kind.CHILD_PROTECTION,
                Kind.MUNICIPAL_ADMINISTRATION,
                CHILD_DUTY,
                24,
                ("child_protection",),
                (coe("Art. 10(4)"),),
            ),
            StepBlueprint(
                _("Refer the child to the national referral mechanism"),
                _("The coordinator informs the national focal point."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.CHILD_PROTECTION,
                _("Anti-trafficking coordinator"),
                24,
                (),
                (eu("Art. 11(4)"),),
                handover=Handover.NATIONAL,
            ),
        ),
        Phase.FIRST_ASSISTANCE: (
            StepBlueprint(
                _("A safe place suited to children"),
                _("Specialised accommodation, never a detention facility."),
                Kind.CHILD_PROTECTION,
                Kind.NGO,
                CHILD_DUTY,
                4,
                ("accommodation", "safety_protection", "material_assistance"),
                (coe("Art. 12(1)(a), 12(2)"),),
                requires_24_7=True,
            ),
            replace(EMERGENCY_MEDICAL, backup=Kind.CHILD_PROTECTION),
            StepBlueprint(
                _("Interpretation and information a child can understand"),
                _("Explained in the child's language, with the guardian present."),
                Kind.NGO,
                Kind.CHILD_PROTECTION,
                NGO_HOTLINE,
                24,
                ("interpretation", "counselling_information"),
                (coe("Art. 12(1)(c)-(d), 12(7)"),),
            ),
            replace(REFLECTION_PERIOD, backup=Kind.CHILD_PROTECTION),
        ),
        Phase.LONG_TERM: (
            StepBlueprint(
                _("Agree an individual plan in the child's best interests"),
                _("With the guardian and the child: care, health, income of the family."),
                Kind.CHILD_PROTECTION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                _("Case manager of child protection"),
                168,
                ("material_assistance", "financial_assistance", "medical_care"),
                (coe("Art. 12(1), 12(7)"),),
            ),
            StepBlueprint(
                _("Access to school or other education"),
                _("Enrolment without delay, with support to keep attending."),
                Kind.EDUCATION,
                Kind.CHILD_PROTECTION,
                _("School social pedagogue"),
                168,
                ("education_children",),
                (coe("Art. 12(1)(f)"),),
            ),
            StepBlueprint(
                _("Psychological support for the child and the family"),
                _("Therapy suited to the child's age, and support for the family where it is safe."),
                Kind.NGO,
                Kind.HEALTH,
                NGO_HOTLINE,
                168,
                ("psychological_assistance", "family_support"),
                (coe("Art. 12(1)(a)"),),
            ),
        ),
        Phase.RETURN: (
            StepBlueprint(
                _("Family tracing and return, only in the child's best interests"),
                _("After a risk and family assessment; child protection in the other country is informed."),
                Kind.MIGRATION,
                Kind.CHILD_PROTECTION,
                _("Return and reintegration officer"),
                336,
                ("return_reintegration",),
                (
                    coe("Art. 10(4)"),
                    guidance("TRM-EU guidelines, phase 4 (ICMPD 2010)"),
                ),
                handover=Handover.TRANSNATIONAL,
                for_nationals=False,
            ),
        ),
        Phase.PROCEEDINGS: (
            StepBlueprint(
                _("Legal representation for the child"),
                _("Free legal counsel, and compensation claims on the child's behalf."),
                Kind.NGO,
                Kind.CHILD_PROTECTION,
                _("Legal counsellor"),
                72,
                ("legal_assistance",),
                (
                    coe("Art. 12(1)(e)"),
                    eu("Art. 11(1)"),
                ),
            ),
            StepBlueprint(
                _("A child-friendly interview, with the guardian present"),
                _("Once, in a suitable room, by trained staff; assistance never depends on it."),
                Kind.POLICE,
                Kind.CHILD_PROTECTION,
                _("Police duty officer"),
                72,
                ("safety_protection",),
                (
                    coe("Art. 12(6)"),
                    eu("Art. 11(3)"),
                ),
            ),
        ),
    },
)

BLUEPRINTS = {ADULTS.audience: ADULTS, CHILDREN.audience: CHILDREN}
