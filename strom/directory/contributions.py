"""What the service directory adds to the rest of Strom: its pages and the public help page, its
place in the navigation and on the home page, its demo services, and the labels of its audit events."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from strom.accounts.roles import Perm
from strom.core.registry import AppContributions, NavEntry, Task, TaskEntry, UrlMount, audit_objects_from


def _directory_tasks(access, organisation_id: str) -> list[Task]:
    perms = access.perms_in(organisation_id)
    if Perm.MANAGE_MUNICIPAL_DIRECTORY in perms:
        return [
            Task(
                _("Map the services of your municipality"),
                _("Who offers what, where, in which languages, and with how many free places."),
                reverse("directory:service_list"),
            ),
            Task(
                _("See the gaps"),
                _("Needs with no provider, a single provider, or none for children or in a language."),
                reverse("directory:gap_analysis"),
            ),
        ]
    if Perm.EDIT_DIRECTORY in perms:
        return [
            Task(
                _("Keep your services up to date"),
                _("Your listing and your free places, so that others can refer people to you."),
                reverse("directory:service_list") + f"?organisation={organisation_id}",
            )
        ]
    if Perm.READ_CASES in perms:
        return [
            Task(
                _("Find a service"),
                _("Filter by need, language, age group and free places."),
                reverse("directory:service_list"),
            )
        ]
    return []


def _public_address_panel(request, _obj) -> str | None:
    """The public help page of each municipality the person works in, to copy or print as a poster."""
    from django.template.loader import render_to_string

    from strom.directory import queries
    from strom.directory.public_address import address_of

    addresses = [address_of(m) for m in queries.municipalities_to_share(request.access)]
    if not addresses:
        return None
    context = {"public_addresses": addresses}
    return render_to_string("directory/_public_address.html", context, request=request)


def _load_demo(demo: dict) -> bool:
    from strom.directory.demo import load_directory_demo

    return load_directory_demo(demo["organisations"], demo["municipalities"])


def _url_walk_objects(world, canary: str) -> dict:
    """A service with a confidential location (whose address is the canary) and a checked import, in
    the test world's home municipality (tests/test_url_walk.py)."""
    from strom.accounts.roles import Role
    from strom.directory.models import DirectoryImport, Location, Service

    shelter = Service.objects.create(
        organisation=world.ngo, municipality=world.ngo.municipality, name="Shelter"
    )
    house = Location.objects.create(
        organisation=world.ngo,
        municipality=world.ngo.municipality,
        name="Shelter house",
        address_1=canary,
        is_confidential=True,
    )
    shelter.locations.add(house)
    upload = DirectoryImport.objects.create(
        municipality=world.municipal.municipality,
        created_by=world[Role.COORDINATOR],
        file_name="directory.json",
        kind="json",
        payload=b"{}",
        status=DirectoryImport.Status.CHECKED,
    )
    return {
        "service_id": shelter.pk,
        "location_id": house.pk,
        "import_id": upload.pk,
        "organization_id": world.municipal.pk,  # the HSDS API's spelling
    }


contributions = AppContributions(
    urls=(
        UrlMount("directory/", "strom.directory.urls"),
        UrlMount("help/", "strom.directory.urls", attribute="public_urlpatterns", namespace="help"),
    ),
    navigation=(NavEntry(10, _("Services"), "directory:service_list", lambda access: bool(access.seats)),),
    tasks=(TaskEntry(10, _directory_tasks),),
    demo=_load_demo,
    # The municipality's help page for people looking for help themselves: no sign-in. Its first
    # address (by id) only redirects; its poster is public too, since anyone may print and put it up.
    public_pages=frozenset({"help:public_help", "help:public_help_by_id", "help:public_poster"}),
    panels={"site.home": _public_address_panel},
    url_walk_objects=_url_walk_objects,
    audit_objects=audit_objects_from(
        "strom.directory.audit_objects", ("directory.service", "directory.location")
    ),
    audit_labels={
        "directory.capacity.updated": _("Free places updated"),
        "directory.service.confirmed": _("Service listing confirmed as up to date"),
        "directory.service.created": _("Service added to the directory"),
        "directory.service.updated": _("Service changed"),
        "directory.service.reminder_sent": _("Reminder to confirm a listing sent"),
        "directory.import.applied": _("Directory imported from an HSDS file"),
        "directory.location.confidential_read": _("Confidential address read"),
        "directory.location.created": _("Location added"),
        "directory.location.updated": _("Location changed"),
    },
)
