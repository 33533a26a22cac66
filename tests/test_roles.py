from django.contrib.auth.models import Group

from articles.roles import ROLES


def test_the_migration_makes_every_role_with_its_permissions(db):
    for name, codenames in ROLES.items():
        group = Group.objects.get(name=name)
        assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(codenames)


def test_roles_grow_from_writer_to_managing_editor():
    assert set(ROLES["Writer"]) < set(ROLES["Editor"]) < set(ROLES["Managing editor"])


def test_only_managing_editors_restore_and_manage_sections_and_people(
    writer, editor, managing_editor
):
    for perm in ["articles.restore_article", "articles.change_section", "auth.change_user"]:
        assert managing_editor.has_perm(perm)
        assert not editor.has_perm(perm) and not writer.has_perm(perm)
    assert not writer.has_perm("articles.publish_article")
    assert editor.has_perm("articles.publish_article")


def test_managing_editors_keep_the_site_s_hand_made_redirects(writer, editor, managing_editor):
    for action in ["add", "change", "delete", "view"]:
        assert managing_editor.has_perm(f"redirects.{action}_redirect")
        assert not editor.has_perm(f"redirects.{action}_redirect")


def test_editors_and_managing_editors_keep_the_breaking_news_banner_writers_do_not(
    writer, editor, managing_editor
):
    for action in ["add", "change", "delete", "view"]:
        assert editor.has_perm(f"articles.{action}_alert")
        assert managing_editor.has_perm(f"articles.{action}_alert")
        assert not writer.has_perm(f"articles.{action}_alert")
