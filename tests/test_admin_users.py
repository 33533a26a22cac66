import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

USERS = "/admin/auth/user/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def as_shown(client, user):
    """The user's change form as the page shows it, ready to post back."""
    form = client.get(f"{USERS}{user.pk}/change/").context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(field, "widget") and getattr(field.widget, "widgets", None):
            rendered = form[name].field.widget.decompress(value)
            for i, part in enumerate(rendered):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        else:
            data[name] = "" if value is None else str(value)
    return data


@pytest.fixture
def site_admins():
    """A group beyond the newsroom's roles, with powers no managing editor should grant."""
    group = Group.objects.create(name="Site admins")
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    return group


def test_a_managing_editor_cannot_make_anyone_a_superuser_or_grant_permissions(
    managing_editor, writer, site_admins
):
    client = client_for(managing_editor)
    permission = Permission.objects.get(codename="publish_article")
    for target in (managing_editor, writer):
        data = as_shown(client, target) | {
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": [str(permission.pk)],
            "groups": [str(site_admins.pk)],
        }
        client.post(f"{USERS}{target.pk}/change/", data)
        target = User.objects.get(pk=target.pk)
        assert not target.is_superuser
        assert not target.user_permissions.exists()
        assert not target.groups.filter(name="Site admins").exists()


def test_a_managing_editor_sets_roles_and_deactivates(managing_editor, writer):
    client = client_for(managing_editor)
    editor_role = Group.objects.get(name="Editor")
    data = as_shown(client, writer) | {"groups": [str(editor_role.pk)]}
    data.pop("is_active", None)
    response = client.post(f"{USERS}{writer.pk}/change/", data)
    assert response.status_code == 302
    writer = User.objects.get(pk=writer.pk)
    assert [g.name for g in writer.groups.all()] == ["Editor"]
    assert not writer.is_active


def test_groups_beyond_the_roles_survive_a_managing_editors_save(
    managing_editor, writer, site_admins
):
    writer.groups.add(site_admins)
    client = client_for(managing_editor)
    page = client.get(f"{USERS}{writer.pk}/change/")
    offered = page.context["adminform"].form.fields["groups"].queryset
    assert "Site admins" not in [g.name for g in offered]
    client.post(f"{USERS}{writer.pk}/change/", as_shown(client, writer))
    assert writer.groups.filter(name="Site admins").exists()


def test_a_managing_editor_cannot_set_passwords(managing_editor, writer):
    client = client_for(managing_editor)
    for target in (writer, managing_editor):
        url = f"{USERS}{target.pk}/password/"
        assert client.get(url).status_code == 403
        data = {"password1": "Taken-over-123", "password2": "Taken-over-123"}
        response = client.post(url, data | {"set_usable_password": "true"})
        assert response.status_code == 403
        assert not User.objects.get(pk=target.pk).check_password("Taken-over-123")


def test_a_managing_editor_cannot_edit_a_superuser(managing_editor, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-123-boss")
    client = client_for(managing_editor)
    data = {"username": "boss", "email": "me@example.com", "is_active": ""}
    assert client.post(f"{USERS}{boss.pk}/change/", data).status_code == 403
    boss = User.objects.get(pk=boss.pk)
    assert boss.is_active and boss.email == "boss@example.com"


def test_a_managing_editor_invites_a_new_writer(
    managing_editor, mailoutbox, client, django_capture_on_commit_callbacks
):
    writer_role = Group.objects.get(name="Writer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(managing_editor).post(
            f"{USERS}add/",
            {
                "username": "newbie",
                "first_name": "New",
                "last_name": "Writer",
                "email": "newbie@example.com",
                "groups": [str(writer_role.pk)],
                "password1": "Chosen-by-boss-1",
                "password2": "Chosen-by-boss-1",
                "is_superuser": "on",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.is_staff and not user.is_superuser and user.is_active
    assert not user.has_usable_password()  # they choose it themselves
    assert [g.name for g in user.groups.all()] == ["Writer"]

    (mail,) = mailoutbox
    assert mail.to == ["newbie@example.com"]
    link = re.search(r"https?://\S+(/admin/set-password/\S+/)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(set_url, {"new_password1": "My-own-secret-42", "new_password2": "My-own-secret-42"})
    assert User.objects.get(pk=user.pk).check_password("My-own-secret-42")


def test_superusers_keep_the_full_user_admin(django_user_model, writer):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-123-boss")
    client = client_for(boss)
    fields = client.get(f"{USERS}{writer.pk}/change/").context["adminform"].form.fields
    assert {"is_superuser", "user_permissions", "password"} <= set(fields)
    assert client.get(f"{USERS}{writer.pk}/password/").status_code == 200
