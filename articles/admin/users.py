"""People in the admin. Superusers keep Django's whole user admin; managing editors manage
people as a newsroom does: invite them (they choose their own password from an e-mailed link),
give them roles, deactivate them. Superuser status, staff flags, single permissions, groups
beyond the newsroom's roles and other people's passwords stay out of their reach."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles import notifications
from articles.roles import ROLES


def role_groups():
    return Group.objects.filter(name__in=ROLES)


class PersonForm(forms.ModelForm):
    """A colleague's name, address, roles and whether they may still sign in."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"].queryset = role_groups()
            self.fields["groups"].label = "Roles"
            self.fields["groups"].help_text = ""

    def clean_groups(self):
        roles = self.cleaned_data["groups"]
        if self.instance.pk is None:
            return roles
        # Groups a superuser gave beyond the roles are not this form's to take away.
        kept = self.instance.groups.exclude(name__in=ROLES)
        return roles | kept


class InvitationForm(PersonForm):
    """A new colleague: staff with the roles chosen and no password until they set one."""

    class Meta(PersonForm.Meta):
        fields = ["username", "first_name", "last_name", "email", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "The link to choose a password is sent here."
        self.fields["groups"].required = True

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_staff = True  # the admin is where every role works
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class NewsroomUserAdmin(UserAdmin):
    people_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        ("Roles and access", {"fields": ["groups", "is_active", "last_login", "date_joined"]}),
    ]
    invitation_fieldsets = [
        (
            None,
            {
                "description": "They are e-mailed a link to choose their own password.",
                "fields": ["username", "first_name", "last_name", "email", "groups"],
            },
        )
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.invitation_fieldsets if obj is None else self.people_fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = InvitationForm if obj is None else PersonForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        # A superuser's account is only a superuser's to change.
        return allowed and (obj is None or request.user.is_superuser or not obj.is_superuser)

    def user_change_password(self, request, id, form_url=""):
        # Others choose their own password from a reset link; one's own is changed with the
        # old one ("Change password" at the top of the admin), which this form never asks for.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not obj.has_usable_password() and obj.email:
            transaction.on_commit(lambda: notifications.invite(obj, by=request.user))


admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
