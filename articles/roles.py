"""The newsroom's roles as Django groups. Data migrations call `sync_roles` so that a site admin
only assigns people to groups, and changing a role here plus a migration keeps them in step."""

STORY_BASICS = ["add_article", "change_article", "view_article"]
LIBRARY = ["view_section", "view_author", "view_photo", "add_photo", "change_photo", "view_tag"]
EDITORIAL = [
    "delete_article",
    "edit_any_article",
    "approve_article",
    "publish_article",
    "withdraw_article",
    "correct_article",
    "add_author",
    "change_author",
    "delete_photo",
    "add_tag",
    "change_tag",
    "view_auditentry",
    "view_correction",
    *(
        f"{action}_{model}"
        for model in ("front", "layout", "area", "slot")
        for action in ("add", "change", "delete", "view")
    ),
    # The breaking news line on every page.
    "add_alert",
    "change_alert",
    "delete_alert",
    "view_alert",
]
MANAGING = [
    "restore_article",
    "add_section",
    "change_section",
    "delete_section",
    "delete_author",
    "delete_tag",
    "add_user",
    "change_user",
    "view_user",
    "view_group",
    "add_redirect",
    "change_redirect",
    "delete_redirect",
    "view_redirect",
    # Partners taking our stories by API, their keys and contracts.
    "add_partner",
    "change_partner",
    "view_partner",
]

# Live coverage: writers post entries, held for an editor's approval.
LIVE_DESK = ["add_liveentry", "view_liveentry"]
EDITORIAL += ["change_liveentry", "delete_liveentry", "approve_liveentry", "view_livechange"]

ROLES = {
    "Writer": STORY_BASICS + LIBRARY + LIVE_DESK,
    "Editor": STORY_BASICS + LIBRARY + LIVE_DESK + EDITORIAL,
    "Managing editor": STORY_BASICS + LIBRARY + LIVE_DESK + EDITORIAL + MANAGING,
}


def sync_roles(apps, schema_editor=None):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # An early migration runs with today's roles: a permission on a model that migration
    # history has not made yet ("add_alert" before 0022) waits for the migration making it,
    # which calls this again. Codenames end with their model's name.
    made = {model._meta.model_name for model in apps.get_models()}
    for name, codenames in ROLES.items():
        codenames = [codename for codename in codenames if codename.rsplit("_", 1)[1] in made]
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            codename__in=codenames,
            content_type__app_label__in=["articles", "taggit", "auth", "redirects"],
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Role {name} names unknown permissions: {sorted(missing)}")
        group.permissions.set(permissions)
