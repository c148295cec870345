"""Cooperation agreements: the signed PDF, who may open it, and reminders before they end."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from strom.accounts.roles import Role
from strom.core.models import AuditEvent
from strom.pathways.models import Agreement, AgreementReminder
from strom.pathways.tasks import send_agreement_reminders
from tests.factories import make_member
from tests.pathway_objects import published_chain

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STROM_PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.STROM_PRIVATE_FILES_DIR


@pytest.fixture
def chain(world):
    return published_chain(world)


def _form(world, **changes):
    data = {
        "title": "Shelter cooperation",
        "parties": [str(world.ngo.pk), str(world.social.pk)],
        "needs": ["accommodation"],
        "status": "active",
        "signed_on": "2026-11-01",
        "valid_from": "2026-11-01",
        "valid_until": "2027-10-31",
    }
    data.update(changes)
    return data


def _new(world):
    return reverse("pathways:agreement_new") + f"?municipality={world.municipal.municipality_id}"


def test_it_records_an_agreement_with_its_signed_pdf_outside_the_web_root(world, signed_in, private_files):
    client = signed_in(world[Role.COORDINATOR])
    upload = SimpleUploadedFile("signed memorandum.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = client.post(_new(world), {**_form(world), "document": upload})
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert set(agreement.parties.all()) == {world.ngo, world.social}
    stored = private_files / agreement.document.name
    assert stored.read_bytes() == MINIMAL_PDF
    assert agreement.document_name == "signed_memorandum.pdf"
    assert AuditEvent.objects.filter(action="pathways.agreement.created").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agreement.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "not a PDF"),
        ("agreement.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_it_rejects_a_file_that_is_not_a_small_pdf_and_saves_nothing(
    world, signed_in, settings, private_files, name, content, message
):
    settings.STROM_MAX_UPLOAD_MB = 1
    client = signed_in(world[Role.COORDINATOR])
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(_new(world), {**_form(world), "document": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["document"])
    assert not Agreement.objects.exists()
    assert not private_files.exists() or not any(private_files.rglob("*.pdf"))


def test_it_needs_two_parties_and_an_end_after_the_start(world, signed_in):
    client = signed_in(world[Role.COORDINATOR])
    response = client.post(
        _new(world),
        _form(world, parties=[str(world.ngo.pk)], valid_from="2027-01-01", valid_until="2026-01-01"),
    )
    assert response.status_code == 200
    assert "parties" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_it_serves_the_signed_pdf_only_to_parties_and_coordinators(world, signed_in, chain):
    chain.agreement.parties.set([world.ngo, world.municipal])
    chain.agreement.document.save("test.pdf", SimpleUploadedFile("x.pdf", MINIMAL_PDF))
    url = reverse("pathways:agreement_document", args=[chain.agreement.pk])
    for person in [Role.COORDINATOR, Role.SERVICE_PROVIDER]:
        response = signed_in(world[person]).get(url)
        assert response.status_code == 200, person
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == MINIMAL_PDF
    # The caseworker's social service is not a party: the agreement is visible, its document is not.
    caseworker = signed_in(world[Role.CASEWORKER])
    assert caseworker.get(reverse("pathways:agreement_detail", args=[chain.agreement.pk])).status_code == 200
    assert caseworker.get(url).status_code == 404
    assert signed_in(world["outsider"]).get(url).status_code == 404
    reads = AuditEvent.objects.filter(action="pathways.agreement.document_read")
    assert sorted(e.organisation.name for e in reads) == sorted([world.municipal.name, world.ngo.name])


def test_it_lets_only_coordinators_edit_agreements(world, signed_in, chain):
    url = reverse("pathways:agreement_edit", args=[chain.agreement.pk])
    assert signed_in(world[Role.SERVICE_PROVIDER]).post(url, _form(world, title="Changed")).status_code == 404
    response = signed_in(world[Role.COORDINATOR]).post(
        url, _form(world, title="Changed", status="terminated")
    )
    assert response.status_code == 302
    chain.agreement.refresh_from_db()
    assert (chain.agreement.title, chain.agreement.status) == ("Changed", "terminated")


def test_it_reminds_once_per_threshold_even_when_the_job_runs_twice(
    world, chain, mailoutbox, django_capture_on_commit_callbacks
):
    make_member(world.ngo, Role.SERVICE_PROVIDER, email="second.provider@example.invalid")
    today = timezone.localdate()
    Agreement.objects.filter(pk=chain.agreement.pk).update(valid_until=today + timedelta(days=70))

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return send_agreement_reminders.call_local()

    assert run() == 0  # 70 days left: nothing yet
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        first = run()
        assert run() == 0
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert first == len(recipients) and "second.provider@example.invalid" in recipients
    assert world[Role.COORDINATOR].email in recipients
    assert world[Role.CASEWORKER].email not in recipients  # caseworkers do not manage agreements
    assert "Test memorandum" in mailoutbox[0].body and "60 days" in mailoutbox[0].body
    with time_machine.travel(timezone.now() + timedelta(days=57)):
        assert run() == first
        assert run() == 0
    assert "13 days" in mailoutbox[-1].body
    assert list(AgreementReminder.objects.order_by("-days_before").values_list("days_before", flat=True)) == [
        60,
        14,
    ]
    assert (
        AuditEvent.objects.filter(
            action="pathways.agreement.reminder_sent", organisation=world.municipal
        ).count()
        == 2
    )


def test_it_sends_one_reminder_for_an_agreement_recorded_close_to_its_end(
    world, chain, mailoutbox, django_capture_on_commit_callbacks
):
    Agreement.objects.filter(pk=chain.agreement.pk).update(
        valid_until=timezone.localdate() + timedelta(days=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_agreement_reminders.call_local()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_agreement_reminders.call_local() == 0
    assert len(mailoutbox) == sent > 0
    assert AgreementReminder.objects.count() == 2  # both thresholds are claimed by the one reminder


def test_it_reminds_again_when_an_agreement_is_renewed(
    world, chain, mailoutbox, django_capture_on_commit_callbacks
):
    ends = timezone.localdate() + timedelta(days=10)
    Agreement.objects.filter(pk=chain.agreement.pk).update(valid_until=ends)
    with django_capture_on_commit_callbacks(execute=True):
        send_agreement_reminders.call_local()
    Agreement.objects.filter(pk=chain.agreement.pk).update(valid_until=ends + timedelta(days=365))
    with (
        time_machine.travel(timezone.now() + timedelta(days=320)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_agreement_reminders.call_local() > 0
    assert AuditEvent.objects.filter(action="pathways.agreement.reminder_sent").count() == 2


def test_it_treats_an_active_agreement_past_its_end_as_expired(chain):
    chain.agreement.valid_until = timezone.localdate() - timedelta(days=1)
    assert chain.agreement.effective_status() == Agreement.Status.EXPIRED
    assert not chain.agreement.is_in_force()


def test_it_removes_the_old_signed_pdf_once_a_new_one_replaces_it(
    world, signed_in, private_files, django_capture_on_commit_callbacks
):
    client = signed_in(world[Role.COORDINATOR])
    first = SimpleUploadedFile("first.pdf", MINIMAL_PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_new(world), {**_form(world), "document": first})
    agreement = Agreement.objects.get()
    old = private_files / agreement.document.name
    second = SimpleUploadedFile("second.pdf", MINIMAL_PDF + b"%second\n", content_type="application/pdf")
    url = reverse("pathways:agreement_edit", args=[agreement.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**_form(world), "document": second}).status_code == 302
    agreement.refresh_from_db()
    assert not old.exists()
    assert (private_files / agreement.document.name).read_bytes().endswith(b"%second\n")
    assert agreement.document_name == "second.pdf"
