"""Therapists publish techniques in the browser: the loader's problems beside the text, every version kept."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from tests.practice_data import make_therapist, technique_text, with_error

from softspot.practice import catalogue
from softspot.practice.models import PublishedTechnique, Therapist

LAN = {"LAN": True, "LOCAL_OWNER": False}
NEW = "/practice/techniques/new/"


@pytest.fixture
def jo(db: None) -> Therapist:
    return make_therapist("jo", "Jo Reyes")


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, text: str, action: str = "publish", url: str = NEW) -> object:
    return client.post(url, {"text": text, "action": action})


@override_settings(**LAN)
def test_a_file_with_one_error_is_shown_with_its_problem_beside_the_line_and_nothing_is_published(
    jo: Therapist,
) -> None:
    response = send(as_user(jo.user), with_error(technique_text()))
    html = response.content.decode()
    assert response.status_code == 400
    assert "1 problem: nothing was published" in html
    assert 'href="#L222" data-line="222" data-column="' in html
    assert "technique.yaml:222:" in html
    assert "without a unit" in html or "unit" in html
    assert '<li id="L222" class="problem">' in html
    assert "grow_by: 1</textarea>" not in html  # the text is given back in the textarea, whole
    assert "grow_by: 1\n" in html
    assert PublishedTechnique.objects.count() == 0


@override_settings(**LAN)
def test_checking_a_good_file_says_what_it_would_publish_and_publishes_nothing(jo: Therapist) -> None:
    response = send(as_user(jo.user), technique_text(), action="check")
    assert response.status_code == 200
    assert "Ready to publish as <code>evening-hamstring@jo</code>, version 1.0" in response.content.decode()
    assert PublishedTechnique.objects.count() == 0


@override_settings(**LAN)
def test_a_fixed_file_is_published_under_the_therapists_own_id(jo: Therapist) -> None:
    client = as_user(jo.user)
    response = send(client, technique_text().replace("\n", "\r\n"))  # as a browser's textarea sends it
    assert response.status_code == 302
    assert response["Location"] == "/practice/techniques/evening-hamstring@jo/v/1.0/"
    row = PublishedTechnique.objects.get()
    assert (row.technique_id, row.file_id, row.version, row.therapist) == (
        "evening-hamstring@jo",
        "evening-hamstring",
        "1.0",
        jo,
    )
    assert "\r" not in row.text
    page = Client().get("/t/evening-hamstring@jo/")  # published: its page is public, as a built-in's is
    assert page.status_code == 200
    assert client.get(response["Location"]).status_code == 200


@override_settings(**LAN)
def test_an_uploaded_file_is_checked_like_the_text(jo: Therapist) -> None:
    client = as_user(jo.user)
    bad = SimpleUploadedFile("mine.yaml", with_error(technique_text()).encode())
    response = client.post(NEW, {"file": bad, "action": "publish"})
    assert response.status_code == 400
    assert "mine.yaml:222:" in response.content.decode()
    good = SimpleUploadedFile("mine.yaml", technique_text().encode())
    assert client.post(NEW, {"file": good, "action": "publish"}).status_code == 302
    assert PublishedTechnique.objects.count() == 1


@override_settings(**LAN)
def test_bytes_that_are_not_utf8_and_files_that_are_too_big_are_refused_by_name(jo: Therapist) -> None:
    client = as_user(jo.user)
    latin = SimpleUploadedFile("latin.yaml", technique_text().encode().replace(b"Hands-free", b"H\xe4nds-free", 1))
    response = client.post(NEW, {"file": latin, "action": "publish"})
    assert response.status_code == 400
    assert "latin.yaml:" in response.content.decode()
    huge = SimpleUploadedFile("huge.yaml", b"# " + b"x" * 300_000)
    response = client.post(NEW, {"file": huge, "action": "publish"})
    assert response.status_code == 400
    assert "The file is over 256 KB" in response.content.decode()
    empty = client.post(NEW, {"text": "  ", "action": "publish"})
    assert "Paste the technique file here" in empty.content.decode()
    assert PublishedTechnique.objects.count() == 0


@override_settings(**LAN)
def test_every_version_is_kept_and_a_version_number_is_never_used_twice(jo: Therapist) -> None:
    client = as_user(jo.user)
    assert send(client, technique_text("1.0")).status_code == 302
    again = send(client, technique_text("1.0", grow_by="2 min"), url="/practice/techniques/evening-hamstring@jo/new/")
    assert again.status_code == 400
    assert "version: 1.0 of &#x27;evening-hamstring&#x27; is already published" in again.content.decode()
    assert send(client, technique_text("1.1", grow_by="2 min")).status_code == 302
    rows = {r.version: r for r in PublishedTechnique.objects.all()}
    assert sorted(rows) == ["1.0", "1.1"]
    assert "grow_by: 1 min" in rows["1.0"].text  # the old version is as it was
    assert catalogue.technique("evening-hamstring@jo").dose.grow_by == 120
    assert catalogue.technique("evening-hamstring@jo", "1.0").dose.grow_by == 60
    with pytest.raises(Exception, match="never changed"):
        rows["1.0"].save()


@override_settings(**LAN)
def test_ids_never_collide_with_a_built_in_or_another_therapists(jo: Therapist) -> None:
    kim = make_therapist("kim", "Kim Lee")
    same = technique_text(technique_id="hands-free-hamstring")
    assert send(as_user(jo.user), same).status_code == 302
    assert send(as_user(kim.user), same).status_code == 302
    assert sorted(PublishedTechnique.objects.values_list("technique_id", flat=True)) == [
        "hands-free-hamstring@jo",
        "hands-free-hamstring@kim",
    ]
    assert catalogue.technique("hands-free-hamstring").version == "1.1"  # the built-in one, untouched
    assert catalogue.technique("hands-free-hamstring@kim").id == "hands-free-hamstring@kim"


@override_settings(**LAN)
def test_an_id_too_long_to_carry_the_handle_is_refused_at_its_line(jo: Therapist) -> None:
    long_id = "a" * 58
    response = send(as_user(jo.user), technique_text(technique_id=long_id))
    assert response.status_code == 400
    assert ">technique.yaml:11:1</a>: id:" in response.content.decode()
    assert "may be at most 57 characters" in response.content.decode()


@override_settings(**LAN)
def test_a_therapist_cannot_edit_another_therapists_technique(jo: Therapist) -> None:
    kim = make_therapist("kim", "Kim Lee")
    send(as_user(jo.user), technique_text())
    kims = as_user(kim.user)
    assert kims.get("/practice/techniques/evening-hamstring@jo/new/").status_code == 404
    assert send(kims, technique_text("2.0"), url="/practice/techniques/evening-hamstring@jo/new/").status_code == 404
    assert kims.get("/practice/techniques/evening-hamstring@jo/v/1.0/").status_code == 404
    assert PublishedTechnique.objects.count() == 1


@override_settings(**LAN)
def test_a_household_is_not_a_therapist(alice: User) -> None:
    client = as_user(alice)
    assert client.get(NEW).status_code == 404
    assert send(client, technique_text()).status_code == 404
    assert Client().get(NEW)["Location"].startswith("/signin/?next=")
    assert PublishedTechnique.objects.count() == 0
