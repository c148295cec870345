"""Fictional services for the demo municipalities, with several confidential shelters among them."""

from decimal import Decimal

from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage

# (organisation, municipality, service name, needs, languages, options, location or None)
# A location is (name, street, postal code, city, latitude, longitude, confidential).
SERVICES = [
    (
        "Lighthouse Support Centre",
        "Kalnupe",
        "Lighthouse crisis shelter",
        [
            "accommodation",
            "material_assistance",
            "psychological_assistance",
            "safety_protection",
            "interpretation",
        ],
        ["lv", "ru", "en", "uk"],
        {
            "available_24_7": True,
            "capacity_total": 8,
            "capacity_free": 2,
            "emergency_response_hours": 2,
            "serves_men": False,
            "referral_contact": "Duty manager, +371 2000 0101",
            "phone": "+371 2000 0101",
        },
        ("Lighthouse house", "Priežu iela 4", "LV-0000", "Kalnupe", "56.951000", "24.604000", True),
    ),
    (
        "Lighthouse Support Centre",
        "Kalnupe",
        "Lighthouse counselling and case support",
        ["counselling_information", "psychological_assistance", "legal_assistance", "return_reintegration"],
        ["lv", "ru", "en"],
        {
            "hours": "Mon-Fri 9-17",
            "phone": "+371 2000 0102",
            "emergency_response_hours": 24,
            "referral_contact": "Counselling desk, +371 2000 0102",
        },
        ("Lighthouse office", "Upes iela 12", "LV-0001", "Kalnupe", "56.948200", "24.611500", False),
    ),
    (
        "Lighthouse Support Centre",
        "Kalnupe",
        "Trafficking helpline (demo)",
        ["counselling_information", "safety_protection"],
        ["lv", "ru", "en", "uk", "pl"],
        {
            "available_24_7": True,
            "is_helpline": True,
            "phone": "+371 8000 0000",
            "emergency_response_hours": 1,
        },
        None,
    ),
    (
        "Kalnupe Social Service",
        "Kalnupe",
        "Social assistance and benefits",
        ["financial_assistance", "material_assistance", "family_support", "counselling_information"],
        ["lv", "ru"],
        {"hours": "Mon-Thu 8-17, Fri 8-15", "phone": "+371 6000 0201", "emergency_response_hours": 48},
        ("Social service centre", "Skolas iela 3", "LV-0001", "Kalnupe", "56.949900", "24.598700", False),
    ),
    (
        "Kalnupe Social Service",
        "Kalnupe",
        "Emergency housing for families",
        ["accommodation", "material_assistance", "family_support"],
        ["lv"],
        {
            "capacity_total": 4,
            "capacity_free": 0,
            "serves_children": True,
            "emergency_response_hours": 12,
            "phone": "+371 6000 0202",
        },
        ("Family house", "Bērzu iela 9", "LV-0002", "Kalnupe", "56.955500", "24.590100", True),
    ),
    (
        "Kalnupe Family Health Centre",
        "Kalnupe",
        "Family doctor and emergency care",
        ["emergency_medical", "medical_care"],
        ["lv", "ru", "en"],
        {
            "hours": "Mon-Fri 8-20",
            "phone": "+371 6000 0301",
            "emergency_response_hours": 4,
            "serves_children": True,
        },
        ("Health centre", "Liepu iela 7", "LV-0001", "Kalnupe", "56.946700", "24.607300", False),
    ),
    (
        "Ezermala Child Protection Unit",
        "Ezermala",
        "Child protection and guardianship",
        ["child_protection", "education_children", "safety_protection"],
        ["lv", "ru"],
        {
            "serves_adults": False,
            "serves_children": True,
            "serves_unaccompanied_children": True,
            "available_24_7": True,
            "phone": "+371 6000 0401",
            "emergency_response_hours": 2,
        },
        ("Child protection office", "Ezera iela 5", "LV-0101", "Ezermala", "57.301200", "25.302000", False),
    ),
    (
        "Ezermala Social Service",
        "Ezermala",
        "Ezermala crisis flat",
        ["accommodation", "material_assistance"],
        ["lv"],
        {
            "capacity_total": 2,
            "capacity_free": 1,
            "independent_of_cooperation": False,
            "phone": "+371 6000 0501",
            "emergency_response_hours": 24,
        },
        ("Crisis flat", "Krasta iela 21", "LV-0102", "Ezermala", "57.298000", "25.310000", True),
    ),
    (
        "Harbour Light Association",
        "Rannaküla",
        "Harbour Light shelter",
        ["accommodation", "psychological_assistance", "interpretation", "vocational_employment"],
        ["et", "ru", "en"],
        {
            "available_24_7": True,
            "capacity_total": 6,
            "capacity_free": 3,
            "phone": "+372 5000 0101",
            "emergency_response_hours": 3,
        },
        ("Harbour house", "Männi tee 3", "00000", "Rannaküla", "59.350000", "24.200000", True),
    ),
    (
        "Rannaküla Employment Office",
        "Rannaküla",
        "Job counselling and vocational training",
        ["vocational_employment", "counselling_information"],
        ["et", "ru", "en"],
        {"hours": "E-R 9-16", "phone": "+372 5000 0201", "is_free": True},
        ("Employment office", "Sadama 2", "00001", "Rannaküla", "59.352300", "24.210400", False),
    ),
    (
        "Metsavälja Social Services",
        "Metsavälja",
        "Social counselling",
        ["counselling_information", "financial_assistance", "family_support"],
        ["et", "ru"],
        {"hours": "E-N 8-16", "phone": "+372 5000 0301"},
        ("Metsavälja town hall", "Keskväljak 1", "00002", "Metsavälja", "58.380100", "26.720300", False),
    ),
]


def load_directory_demo(organisations: dict, municipalities: dict) -> bool:
    changed = False
    needs = {term.code: term for term in NeedTerm.objects.all()}
    for org_name, muni_name, name, need_codes, languages, options, location in SERVICES:
        organisation, municipality = organisations[org_name], municipalities[muni_name]
        service, created = Service.objects.get_or_create(
            organisation=organisation, name=name, defaults={"municipality": municipality, **options}
        )
        changed |= created
        if created:
            service.needs.set([needs[code] for code in need_codes if code in needs])
            ServiceLanguage.objects.bulk_create([ServiceLanguage(service=service, code=c) for c in languages])
            service.refresh_codes()
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
