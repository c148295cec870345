"""Factories for fictional test data. Names are plainly made up; nothing here looks like a real person."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from strom.accounts import otp
from strom.accounts.models import Country, Membership, Municipality, Organisation, User

TEST_PASSWORD = "correct-horse-battery-staple-test"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "LV"
    name = "Latvia"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Testtown {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    kind = Organisation.Kind.NGO
    municipality = factory.SubFactory(MunicipalityFactory)
    country = factory.LazyAttribute(lambda o: o.municipality.country if o.municipality else CountryFactory())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"tester{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.Sequence(lambda n: f"tester{n}@example.invalid")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "caseworker"


def give_second_factor(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name=otp.TOTP_DEVICE_NAME, confirmed=True)
    otp.replace_backup_codes(user)
    return device


def make_member(organisation, role, **user_fields) -> User:
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    give_second_factor(user)
    return user
