"""Templates to start a municipality's pathway from: one for adults, one for children.

Built on the phases of the referral mechanisms (TRM-EU guidelines, ICMPD 2010; OSCE/ODIHR NRM
handbook, 2nd ed. 2022), the Council of Europe Convention on Action against Trafficking in Human Beings
(CETS 197) and Directive 2011/36/EU as amended by Directive (EU) 2024/1712, and the CBSS Guidelines for
Municipalities (STROM I and II).

Who does what follows the law: the municipality detects, screens, assists, notifies and requests; a
competent authority of the state decides on reasonable grounds and formally identifies (CoE Art.
10(1)-(2), Directive Art. 11(2)), and the migration authority grants a stay (CoE Art. 13-14). Such a
step carries its `decision` and never goes to a municipal organisation. `IDENTIFYING` stands for the
kind of authority that identifies in the pathway's country. First assistance starts as soon as there
are reasonable grounds, alongside identification. The return phase goes both ways: foreign nationals
going home, and the country's own nationals coming home from abroad (most victims assisted in the
Baltic states). The long-term phase is the municipality's own role after the state programme ends.

Each step cites the instruments it rests on; only those that bind the country are copied into a
pathway. The texts are translated like the rest of the interface and copied in the language the
coordinator chooses; from then on they are the municipality's own, to adapt. Organisations are named
by kind and matched to the municipality's organisations; a step with no match is left for the
coordinator to assign. Titles stay short (about 60 characters) because they print on the card and the
diagram.
"""

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from strom.accounts.models import Organisation
from strom.pathways.country_rules import CONVENTION, DIRECTIVE, GUIDANCE, Citation, coe, eu, guidance
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

    def all_steps(self) -> list[StepBlueprint]:
        return [step for phase in Phase for step in self.steps.get(phase, ())]


TRM_RETURN = guidance(_("TRM-EU guidelines, phase 4 (ICMPD 2010)"))
CBSS_MUNICIPALITIES = guidance(_("CBSS Guidelines for Municipalities (2015)"))

REFLECTION_NOTE = Note(
    _(
        "A person with reasonable grounds to be a victim gets a recovery and reflection period of at least "
        "30 days, with no expulsion during it (CoE Convention Art. 13). Assistance never depends on "
        "cooperating with the police (Art. 12(6))."
    ),
    CONVENTION,
)
AS_SOON_AS_NOTE = Note(
    _(
        "First-assistance steps start as soon as there are reasonable grounds, at the same time as "
        "identification and not after it (Directive 2011/36/EU Art. 11(2))."
    ),
    DIRECTIVE,
)
SOCIAL_DUTY_DESK = _("Social services duty desk")
NGO_HOTLINE = _("Support line of the service provider")
COORDINATOR = _("Anti-trafficking coordinator")
AUTHORITY_DUTY = _("Duty officer of the competent authority")
SOCIAL_CASE_MANAGER = _("Case manager of the social services")
LEGAL_COUNSELLOR = _("Legal counsellor")
POLICE_DUTY = _("Police duty officer")
CHILD_DUTY = _("Child protection duty officer")
CHILD_CASE_MANAGER = _("Case manager of child protection")

# --- Identification: the municipality detects and notifies; a competent authority decides. ---------

PRELIMINARY_SCREENING = StepBlueprint(
    _("Preliminary screening with the operational indicators"),
    _("A first check with the ILO/EC indicators that decides nothing: any sign is enough to notify."),
    Kind.MUNICIPAL_SOCIAL_SERVICES,
    Kind.NGO,
    SOCIAL_DUTY_DESK,
    24,
    ("counselling_information",),
    (
        coe("Art. 10(1)"),
        eu("Art. 11(4)"),
        guidance(_("ILO/EC operational indicators of trafficking (2009)")),
    ),
)
REASONABLE_GROUNDS = StepBlueprint(
    _("Decision on reasonable grounds by the competent authority"),
    _("The municipality hands over what it found; the authority decides and informs the national mechanism."),
    IDENTIFYING,
    Kind.PROSECUTION,
    AUTHORITY_DUTY,
    72,
    (),
    (
        coe("Art. 10(1)-(2)"),
        eu("Art. 11(2)"),
    ),
    handover=Handover.NATIONAL,
    decision=Decision.REASONABLE_GROUNDS,
)
FORMAL_IDENTIFICATION = StepBlueprint(
    _("Formal identification by the competent authority"),
    _("The authority identifies the person as a victim, while assistance goes on without conditions."),
    IDENTIFYING,
    Kind.PROSECUTION,
    AUTHORITY_DUTY,
    168,
    (),
    (
        coe("Art. 10(1)-(2)"),
        eu("Art. 11(4)"),
        guidance(_("TRM-EU guidelines, phase 1 (ICMPD 2010)")),
    ),
    decision=Decision.IDENTIFICATION,
)

# --- First assistance ---------------------------------------------------------------------------

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
# The municipality requests the period and informs the person; the state's migration authority
# grants it (never a municipal body). Nationals need no permission to stay.
REFLECTION_PERIOD = StepBlueprint(
    _("Request the reflection period from the migration authority"),
    _("The municipality asks; the migration authority grants the stay the law provides, with no expulsion."),
    Kind.MIGRATION,
    Kind.BORDER_GUARD,
    _("Migration service duty officer"),
    72,
    ("residence_status",),
    (coe("Art. 13(1), 14"),),
    for_nationals=False,
    decision=Decision.STAY,
)

# --- Long-term assistance: the municipality's own role (STROM II's main recommendation) ----------

LONG_TERM_HOUSING = StepBlueprint(
    _("Long-term or social housing"),
    _("The municipality offers social or supported housing before the shelter stay ends."),
    Kind.MUNICIPAL_SOCIAL_SERVICES,
    Kind.MUNICIPAL_ADMINISTRATION,
    _("Municipal housing officer"),
    336,
    ("accommodation",),
    (coe("Art. 12(1)(a)"), CBSS_MUNICIPALITIES),
)
TAKE_OVER = StepBlueprint(
    _("Take over when the state programme ends"),
    _("The municipality goes on with the support, without a gap, when the state programme's time runs out."),
    Kind.MUNICIPAL_SOCIAL_SERVICES,
    Kind.MUNICIPAL_ADMINISTRATION,
    SOCIAL_CASE_MANAGER,
    168,
    ("material_assistance", "financial_assistance"),
    (eu("Art. 11(1)"), CBSS_MUNICIPALITIES),
)
DEBT_COUNSELLING = StepBlueprint(
    _("Debt and financial counselling"),
    _("Help with debts the traffickers imposed or took out in the person's name, and with managing money."),
    Kind.MUNICIPAL_SOCIAL_SERVICES,
    Kind.NGO,
    _("Debt counsellor"),
    168,
    ("debt_counselling",),
    (
        coe("Art. 12(1)(d)"),
        eu("Art. 11(5)"),
    ),
)
FOLLOW_UP = StepBlueprint(
    _("Follow-up visits and a planned closure"),
    _("Visits after the plan ends, and a closure agreed with the person, who knows where to turn again."),
    Kind.MUNICIPAL_SOCIAL_SERVICES,
    Kind.NGO,
    SOCIAL_CASE_MANAGER,
    336,
    ("counselling_information", "psychological_assistance"),
    (guidance(_("TRM-EU guidelines, phase 3 (ICMPD 2010)")), CBSS_MUNICIPALITIES),
)

# --- Proceedings ---------------------------------------------------------------------------------

NON_PUNISHMENT = StepBlueprint(
    _("Non-punishment for offences committed under compulsion"),
    _("The legal counsellor asks that acts the traffickers compelled the person to commit go unpunished."),
    Kind.PROSECUTION,
    Kind.NGO,
    _("Duty prosecutor"),
    168,
    ("legal_assistance",),
    (
        coe("Art. 26"),
        eu("Art. 8"),
    ),
)

ADULTS = Blueprint(
    audience=Audience.ADULTS,
    title=_("Chain of assistance for adults"),
    notes={Phase.FIRST_ASSISTANCE: (AS_SOON_AS_NOTE, REFLECTION_NOTE)},
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
            PRELIMINARY_SCREENING,
            StepBlueprint(
                _("Refer the presumed victim to the national referral mechanism"),
                _("The coordinator informs the national focal point, with the person's informed consent."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                COORDINATOR,
                24,
                (),
                (eu("Art. 11(4)"),),
                handover=Handover.NATIONAL,
            ),
            REASONABLE_GROUNDS,
            FORMAL_IDENTIFICATION,
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
                _("Led by the support organisation with the person; police join only if the person agrees."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                NGO_HOTLINE,
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
                SOCIAL_CASE_MANAGER,
                168,
                (
                    "material_assistance",
                    "financial_assistance",
                    "medical_care",
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
            LONG_TERM_HOUSING,
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
            DEBT_COUNSELLING,
            TAKE_OVER,
            FOLLOW_UP,
        ),
        Phase.RETURN: (
            # A foreign national going home.
            StepBlueprint(
                _("Safe return and reintegration, if the person wishes"),
                _("A risk assessment first; the receiving country's referral mechanism is informed."),
                Kind.MIGRATION,
                Kind.NGO,
                _("Return and reintegration officer"),
                336,
                ("return_reintegration", "travel_accompaniment", "identity_documents"),
                (coe("Art. 16(2)"), TRM_RETURN),
                handover=Handover.TRANSNATIONAL,
                for_nationals=False,
            ),
            # The country's own national coming home from abroad.
            StepBlueprint(
                _("Contact the embassy or the referral mechanism abroad"),
                _("The coordinator arranges it with the consulate or the other country's focal point."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.NGO,
                COORDINATOR,
                48,
                ("return_reintegration", "identity_documents"),
                (coe("Art. 16(1), 16(4)"), TRM_RETURN),
                handover=Handover.TRANSNATIONAL,
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("Meet the person on arrival"),
                _("A known contact meets the person at the airport, port or bus station and goes with them."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                NGO_HOTLINE,
                24,
                ("travel_accompaniment", "safety_protection"),
                (TRM_RETURN,),
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("A safe place to stay after the return"),
                _("Shelter or crisis accommodation from the first night, as long as the person needs it."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                NGO_HOTLINE,
                24,
                ("accommodation", "material_assistance"),
                (coe("Art. 12(1)(a)"),),
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("Replace missing identity documents"),
                _("Help to apply for a passport or an ID card when the documents were lost or taken away."),
                Kind.MIGRATION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                _("Identity documents desk"),
                168,
                ("identity_documents",),
                (TRM_RETURN,),
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("Register the place of residence"),
                _("Declaring where the person lives opens municipal benefits, health care and services."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                _("Residence registration desk"),
                72,
                (),
                (CBSS_MUNICIPALITIES,),
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("Reintegration in the home municipality"),
                _("An individual plan for income, housing, health and work, agreed with the person."),
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                Kind.NGO,
                SOCIAL_CASE_MANAGER,
                168,
                ("return_reintegration", "financial_assistance", "vocational_employment"),
                (coe("Art. 16(5)"), TRM_RETURN),
                for_foreign_nationals=False,
            ),
        ),
        Phase.PROCEEDINGS: (
            StepBlueprint(
                _("Legal counselling and representation"),
                _("Before, during and after criminal or civil proceedings, including compensation."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                LEGAL_COUNSELLOR,
                72,
                ("legal_assistance", "compensation"),
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
                POLICE_DUTY,
                24,
                ("legal_assistance",),
                (
                    coe("Art. 12(6)"),
                    eu("Art. 11(3)"),
                ),
            ),
            NON_PUNISHMENT,
            StepBlueprint(
                _("Recover unpaid wages"),
                _("Through the labour inspectorate or a trade union, whatever the residence status."),
                Kind.LABOUR_INSPECTORATE,
                Kind.TRADE_UNION,
                _("Labour inspector"),
                168,
                ("compensation",),
                (coe("Art. 15(3)"),),
            ),
            StepBlueprint(
                _("Claim compensation from the offender or the state"),
                _("Damages in the criminal proceedings, or from the state compensation scheme."),
                Kind.NGO,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                LEGAL_COUNSELLOR,
                336,
                ("compensation", "legal_assistance"),
                (
                    coe("Art. 15"),
                    eu("Art. 17"),
                ),
            ),
        ),
    },
)

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
        Phase.FIRST_ASSISTANCE: (AS_SOON_AS_NOTE, REFLECTION_NOTE),
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
                _("Appoint a guardian or representative for the child"),
                _("Whenever the parents cannot represent the child, also when they may be involved."),
                Kind.GUARDIANSHIP_AUTHORITY,
                Kind.CHILD_PROTECTION,
                _("Guardianship authority duty officer"),
                24,
                ("child_protection",),
                (
                    coe("Art. 10(4)"),
                    eu("Art. 14(2), 15(1)"),
                ),
            ),
            StepBlueprint(
                _("Age assessment, only when the age is in doubt"),
                _("Multidisciplinary and least invasive, with the benefit of the doubt going to the child."),
                Kind.CHILD_PROTECTION,
                Kind.HEALTH,
                CHILD_DUTY,
                72,
                ("child_protection",),
                (
                    coe("Art. 10(3)"),
                    eu("Art. 13(2)"),
                ),
            ),
            StepBlueprint(
                _("Refer the child to the national referral mechanism"),
                _("The coordinator informs the national focal point."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.CHILD_PROTECTION,
                COORDINATOR,
                24,
                (),
                (eu("Art. 11(4)"),),
                handover=Handover.NATIONAL,
            ),
            REASONABLE_GROUNDS,
            FORMAL_IDENTIFICATION,
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
            REFLECTION_PERIOD,
            StepBlueprint(
                _("If the child goes missing, alert the police at once"),
                _("Police and child protection search together at any hour, treating the child as at risk."),
                Kind.POLICE,
                Kind.CHILD_PROTECTION,
                POLICE_DUTY,
                1,
                ("child_protection", "safety_protection"),
                (coe("Art. 12(2)"),),
                requires_24_7=True,
            ),
        ),
        Phase.LONG_TERM: (
            StepBlueprint(
                _("Best-interests assessment and a durable solution"),
                _("Staying, a return or another country, chosen after hearing the child and the guardian."),
                Kind.CHILD_PROTECTION,
                Kind.GUARDIANSHIP_AUTHORITY,
                CHILD_CASE_MANAGER,
                168,
                ("child_protection", "family_support"),
                (eu("Art. 14(1), 16(2)"),),
            ),
            StepBlueprint(
                _("Agree an individual plan in the child's best interests"),
                _("With the guardian and the child: care, health, income of the family."),
                Kind.CHILD_PROTECTION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                CHILD_CASE_MANAGER,
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
            replace(
                FOLLOW_UP,
                responsible=Kind.CHILD_PROTECTION,
                backup=Kind.MUNICIPAL_SOCIAL_SERVICES,
                contact_function=CHILD_CASE_MANAGER,
            ),
        ),
        Phase.RETURN: (
            # A foreign child going home.
            StepBlueprint(
                _("Family tracing and return, only in the child's best interests"),
                _("After a risk and family assessment; child protection in the other country is informed."),
                Kind.MIGRATION,
                Kind.CHILD_PROTECTION,
                _("Return and reintegration officer"),
                336,
                ("return_reintegration",),
                (coe("Art. 10(4), 16(7)"), TRM_RETURN),
                handover=Handover.TRANSNATIONAL,
                for_nationals=False,
            ),
            # A child of the country coming home from abroad.
            StepBlueprint(
                _("Contact the authorities abroad about the child's return"),
                _("The coordinator works with the consulate, the focal point and child protection abroad."),
                Kind.MUNICIPAL_ADMINISTRATION,
                Kind.CHILD_PROTECTION,
                COORDINATOR,
                24,
                ("return_reintegration", "identity_documents"),
                (coe("Art. 16(1), 16(4)"), TRM_RETURN),
                handover=Handover.TRANSNATIONAL,
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("Child protection meets the child on arrival"),
                _("With the guardian, and the child goes home only after a family and risk assessment."),
                Kind.CHILD_PROTECTION,
                Kind.NGO,
                CHILD_DUTY,
                24,
                ("child_protection", "travel_accompaniment", "accommodation"),
                (TRM_RETURN,),
                for_foreign_nationals=False,
            ),
            StepBlueprint(
                _("Reintegration of the child at home or in care"),
                _("Family or alternative care, school and health care, followed up by child protection."),
                Kind.CHILD_PROTECTION,
                Kind.MUNICIPAL_SOCIAL_SERVICES,
                CHILD_CASE_MANAGER,
                168,
                ("return_reintegration", "education_children", "family_support"),
                (coe("Art. 16(5)"), eu("Art. 14(1)")),
                for_foreign_nationals=False,
            ),
        ),
        Phase.PROCEEDINGS: (
            StepBlueprint(
                _("Legal representation for the child"),
                _("Free legal counsel, and compensation claims on the child's behalf."),
                Kind.NGO,
                Kind.CHILD_PROTECTION,
                LEGAL_COUNSELLOR,
                72,
                ("legal_assistance", "compensation"),
                (
                    coe("Art. 12(1)(e), 15"),
                    eu("Art. 11(1), 15(2), 17"),
                ),
            ),
            StepBlueprint(
                _("A child-friendly interview, with the guardian present"),
                _("Once, in a suitable room, by trained staff; assistance never depends on it."),
                Kind.POLICE,
                Kind.CHILD_PROTECTION,
                POLICE_DUTY,
                72,
                ("legal_assistance",),
                (
                    coe("Art. 12(6)"),
                    eu("Art. 15(3)-(4)"),
                ),
            ),
            NON_PUNISHMENT,
        ),
    },
)

BLUEPRINTS = {ADULTS.audience: ADULTS, CHILDREN.audience: CHILDREN}
