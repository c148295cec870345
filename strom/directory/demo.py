"""Fictional services for the demo municipalities: national shelters and helplines that serve their whole
country, services that serve a few municipalities, several confidential shelters, a service that could be
offered if asked, and one whose provider has not answered the questions on conditions yet."""

from decimal import Decimal

from strom.directory.models import Location, NeedTerm, Service, ServiceArea, ServiceLanguage

# (organisation, municipality, service name, needs, languages, options, location or None)
# A location is (name, street, postal code, city, latitude, longitude, confidential).
# Options are Service fields, plus "areas": where the service works besides its own municipality
# (a country code for the whole country, or municipality names). A national service is one listing
# with its areas, never a copy per municipality.
SERVED_EVERYWHERE = {"independent_of_cooperation": True, "open_to_presumed_victims": True, "is_free": True}

SERVICES = [
    (
        "Biedrība „Bākas gaisma”",
        "Kalnupe",
        "„Bākas gaismas” krīzes patversme",
        [
            "accommodation",
            "material_assistance",
            "psychological_assistance",
            "safety_protection",
            "interpretation",
            "travel_accompaniment",
        ],
        ["lv", "ru", "en", "uk"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["LV"],
            "available_24_7": True,
            "capacity_total": 8,
            "capacity_free": 2,
            "emergency_response_hours": 2,
            "serves_men": False,
            "special_needs": ["pregnancy", "mental_health"],
            "exploitation_experience": ["sexual", "labour", "forced_marriage"],
            "funding": ["state_programme", "donors"],
            "referral_contact": "Dežurējošais vadītājs, +371 2000 0101",
            "phone": "+371 2000 0101",
        },
        ("„Bākas” māja", "Priežu iela 4", "LV-0000", "Kalnupe", "56.951000", "24.604000", True),
    ),
    (
        # Men exploited for their labour are many of the victims met in Latvia: the shelter's second house.
        "Biedrība „Bākas gaisma”",
        "Kalnupe",
        "„Bākas gaismas” krīzes dzīvoklis vīriešiem",
        ["accommodation", "material_assistance", "safety_protection", "vocational_employment"],
        ["lv", "ru", "en", "uk"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["LV"],
            "available_24_7": True,
            "capacity_total": 4,
            "capacity_free": 1,
            "emergency_response_hours": 2,
            "serves_women": False,
            "exploitation_experience": ["labour", "criminal_activities"],
            "funding": ["state_programme", "donors"],
            "referral_contact": "Dežurējošais vadītājs, +371 2000 0101",
            "phone": "+371 2000 0101",
        },
        ("„Bākas” otrā māja", "Priežu iela 6", "LV-0000", "Kalnupe", "56.951300", "24.604600", True),
    ),
    (
        "Biedrība „Bākas gaisma”",
        "Kalnupe",
        "„Bākas gaismas” konsultācijas un gadījuma vadība",
        [
            "counselling_information",
            "psychological_assistance",
            "legal_assistance",
            "return_reintegration",
            "residence_status",
            "identity_documents",
            "compensation",
        ],
        ["lv", "ru", "en"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["Kalnupe", "Ezermala", "Priedkalne"],
            "hours": "P.-Pk. 9-17",
            "phone": "+371 2000 0102",
            "emergency_response_hours": 24,
            "exploitation_experience": ["sexual", "labour", "criminal_activities", "forced_marriage"],
            "funding": ["state_programme", "project"],
            "referral_contact": "Konsultāciju dienests, +371 2000 0102",
        },
        ("„Bākas gaismas” birojs", "Upes iela 12", "LV-0001", "Kalnupe", "56.948200", "24.611500", False),
    ),
    (
        "Biedrība „Bākas gaisma”",
        "Kalnupe",
        "Cilvēku tirdzniecības uzticības tālrunis (demo)",
        ["counselling_information", "safety_protection"],
        ["lv", "ru", "en", "uk", "pl"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["LV"],
            "available_24_7": True,
            "is_helpline": True,
            "phone": "+371 8000 0000",
            "emergency_response_hours": 1,
            "funding": ["state_programme"],
        },
        None,
    ),
    (
        "Kalnupes sociālais dienests",
        "Kalnupe",
        "Sociālā palīdzība un pabalsti",
        ["financial_assistance", "material_assistance", "family_support", "counselling_information"],
        ["lv", "ru"],
        {
            "independent_of_cooperation": True,
            "open_to_presumed_victims": True,
            "conditions": ["declared_residence"],
            "is_free": True,
            "serves_families": True,
            "funding": ["municipality"],
            "hours": "P.-C. 8-17, Pk. 8-15",
            "phone": "+371 6000 0201",
            "emergency_response_hours": 48,
        },
        ("Sociālā dienesta centrs", "Skolas iela 3", "LV-0001", "Kalnupe", "56.949900", "24.598700", False),
    ),
    (
        "Kalnupes sociālais dienests",
        "Kalnupe",
        "Ārkārtas mājoklis ģimenēm",
        ["accommodation", "material_assistance", "family_support"],
        ["lv"],
        {
            "independent_of_cooperation": True,
            "open_to_presumed_victims": True,
            "conditions": ["declared_residence"],
            "is_free": True,
            "serves_families": True,
            "funding": ["municipality"],
            "capacity_total": 4,
            "capacity_free": 0,
            "serves_children": True,
            "emergency_response_hours": 12,
            "phone": "+371 6000 0202",
        },
        ("Ģimeņu māja", "Bērzu iela 9", "LV-0002", "Kalnupe", "56.955500", "24.590100", True),
    ),
    (
        "Kalnupes ģimenes veselības centrs",
        "Kalnupe",
        "Ģimenes ārsts un neatliekamā palīdzība",
        ["emergency_medical", "medical_care"],
        ["lv", "ru", "en"],
        {
            "independent_of_cooperation": True,
            "open_to_presumed_victims": True,
            "conditions": ["health_insurance"],
            "conditions_note": (
                "Neatliekamo palīdzību sniedz ikvienam; citai aprūpei vajadzīga veselības apdrošināšana."
            ),
            "special_needs": ["pregnancy", "disability"],
            "funding": ["state_programme"],
            "hours": "P.-Pk. 8-20",
            "phone": "+371 6000 0301",
            "emergency_response_hours": 4,
            "serves_children": True,
            "serves_families": True,
        },
        ("Veselības centrs", "Liepu iela 7", "LV-0001", "Kalnupe", "56.946700", "24.607300", False),
    ),
    (
        # Not offered yet: the centre could run it if asked, which is what a coordinator needs to know.
        "Kalnupes ģimenes veselības centrs",
        "Kalnupe",
        "Atkarību konsultācijas (pēc pieprasījuma)",
        ["addiction_treatment", "psychological_assistance"],
        ["lv", "ru"],
        {
            "availability": "potential",
            "special_needs": ["addiction"],
            "phone": "+371 6000 0302",
        },
        None,
    ),
    (
        "Ezermalas bērnu tiesību aizsardzības nodaļa",
        "Ezermala",
        "Bērnu tiesību aizsardzība",
        ["child_protection", "education_children", "safety_protection"],
        ["lv", "ru"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["Kalnupe"],
            "serves_adults": False,
            "serves_children": True,
            "serves_unaccompanied_children": True,
            "available_24_7": True,
            "funding": ["municipality"],
            "phone": "+371 6000 0401",
            "emergency_response_hours": 2,
        },
        (
            "Bērnu tiesību aizsardzības nodaļa",
            "Ezera iela 5",
            "LV-0101",
            "Ezermala",
            "57.301200",
            "25.302000",
            False,
        ),
    ),
    (
        "Ezermalas sociālais dienests",
        "Ezermala",
        "Ezermalas krīzes dzīvoklis",
        ["accommodation", "material_assistance"],
        ["lv"],
        {
            "capacity_total": 2,
            "capacity_free": 1,
            "independent_of_cooperation": False,
            "phone": "+371 6000 0501",
            "emergency_response_hours": 24,
        },
        ("Krīzes dzīvoklis", "Krasta iela 21", "LV-0102", "Ezermala", "57.298000", "25.310000", True),
    ),
    (
        "MTÜ Sadamatuli",
        "Rannaküla",
        "Sadamatule turvakodu",
        ["accommodation", "psychological_assistance", "interpretation", "vocational_employment"],
        ["et", "ru", "en"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["EE"],
            "available_24_7": True,
            "capacity_total": 6,
            "capacity_free": 3,
            "phone": "+372 5000 0101",
            "emergency_response_hours": 3,
            "exploitation_experience": ["labour", "sexual"],
            "funding": ["state_programme"],
        },
        ("Sadamatule maja", "Männi tee 3", "00000", "Rannaküla", "59.350000", "24.200000", True),
    ),
    (
        "MTÜ Sadamatuli",
        "Rannaküla",
        "Sadamatule abitelefon",
        ["counselling_information", "safety_protection"],
        ["et", "ru", "en"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["EE"],
            "available_24_7": True,
            "is_helpline": True,
            "phone": "+372 800 0000",
            "emergency_response_hours": 1,
            "funding": ["state_programme"],
        },
        None,
    ),
    (
        "Töötukassa Rannaküla büroo",
        "Rannaküla",
        "Karjäärinõustamine ja tööalane koolitus",
        ["vocational_employment", "counselling_information"],
        ["et", "ru", "en"],
        {
            "independent_of_cooperation": True,
            "conditions": ["legal_stay"],
            "is_free": True,
            "funding": ["state_programme"],
            "hours": "E-R 9-16",
            "phone": "+372 5000 0201",
        },
        ("Töötukassa büroo", "Sadama 2", "00001", "Rannaküla", "59.352300", "24.210400", False),
    ),
    (
        # The provider has not answered the questions on conditions yet: the pages say so.
        "Metsavälja valla sotsiaalosakond",
        "Metsavälja",
        "Sotsiaalnõustamine",
        ["counselling_information", "financial_assistance", "family_support", "debt_counselling"],
        ["et", "ru"],
        {"hours": "E-N 8-16", "phone": "+372 5000 0301"},
        ("Metsavälja vallamaja", "Keskväljak 1", "00002", "Metsavälja", "58.380100", "26.720300", False),
    ),
    (
        "Asociacija „Kryžkelių šviesa“",
        "Pamiškė",
        "„Kryžkelių šviesos“ prieglauda",
        ["accommodation", "psychological_assistance", "legal_assistance", "safety_protection"],
        ["lt", "ru", "en"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["LT"],
            "available_24_7": True,
            "capacity_total": 5,
            "capacity_free": 1,
            "serves_men": True,
            "serves_women": False,
            "emergency_response_hours": 4,
            "exploitation_experience": ["labour", "criminal_activities", "begging"],
            "funding": ["state_programme", "project"],
            "phone": "+370 600 00101",
        },
        ("„Kryžkelių šviesos“ namai", "Beržų g. 8", "LT-00000", "Pamiškė", "55.350000", "23.950000", True),
    ),
    (
        "Asociacija „Kryžkelių šviesa“",
        "Pamiškė",
        "„Kryžkelių šviesos“ pagalbos linija",
        ["counselling_information", "safety_protection", "return_reintegration"],
        ["lt", "ru", "en", "pl"],
        {
            **SERVED_EVERYWHERE,
            "areas": ["LT"],
            "available_24_7": True,
            "is_helpline": True,
            "phone": "+370 800 00000",
            "emergency_response_hours": 1,
            "funding": ["state_programme"],
        },
        None,
    ),
    (
        "Pamiškės vaikų dienos centras",
        "Pamiškė",
        "Vaikų dienos centras",
        ["education_children", "psychological_assistance", "child_protection"],
        ["lt", "ru"],
        {
            **SERVED_EVERYWHERE,
            "serves_adults": False,
            "serves_children": True,
            "serves_families": True,
            "special_needs": ["disability"],
            "funding": ["municipality", "project"],
            "hours": "I-V 8-18",
            "phone": "+370 600 00201",
            "emergency_response_hours": 24,
        },
        ("Dienos centras", "Mokyklos g. 3", "LT-00001", "Pamiškė", "55.352100", "23.957300", False),
    ),
    (
        "Pamiškės socialinių paslaugų centras",
        "Pamiškė",
        "Socialinė parama",
        ["financial_assistance", "material_assistance", "counselling_information", "family_support"],
        ["lt", "ru"],
        {
            "independent_of_cooperation": True,
            "open_to_presumed_victims": True,
            "conditions": ["declared_residence"],
            "is_free": True,
            "funding": ["municipality"],
            "hours": "I-IV 8-17, V 8-15:45",
            "phone": "+370 600 00301",
            "emergency_response_hours": 48,
        },
        (
            "Socialinių paslaugų centras",
            "Vilties g. 12",
            "LT-00001",
            "Pamiškė",
            "55.351000",
            "23.952000",
            False,
        ),
    ),
]


def load_directory_demo(organisations: dict, municipalities: dict) -> bool:
    changed = False
    needs = {term.code: term for term in NeedTerm.objects.all()}
    for org_name, muni_name, name, need_codes, languages, options, location in SERVICES:
        organisation, municipality = organisations[org_name], municipalities[muni_name]
        fields = {key: value for key, value in options.items() if key != "areas"}
        service, created = Service.objects.get_or_create(
            organisation=organisation, name=name, defaults={"municipality": municipality, **fields}
        )
        changed |= created
        if created:
            service.needs.set([needs[code] for code in need_codes if code in needs])
            ServiceLanguage.objects.bulk_create([ServiceLanguage(service=service, code=c) for c in languages])
            service.refresh_codes()
            _add_areas(service, options.get("areas", ()), municipalities)
        if location and created:
            loc_name, street, postal, city, lat, lon, confidential = location
            place, _ = Location.objects.get_or_create(
                organisation=organisation,
                name=loc_name,
                defaults={
                    "municipality": municipality,
                    "address_1": street,
                    "postal_code": postal,
                    "city": city,
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lon),
                    "is_confidential": confidential,
                },
            )
            service.locations.add(place)
    return changed


def _add_areas(service: Service, areas, municipalities: dict) -> None:
    """A two-letter code is a whole country; any other name is a municipality of the demo."""
    rows = []
    for area in areas:
        if len(area) == 2 and area.isupper():
            rows.append(ServiceArea(service=service, country_id=area))
        elif municipalities[area] != service.municipality:
            rows.append(ServiceArea(service=service, municipality=municipalities[area]))
    ServiceArea.objects.bulk_create(rows)
