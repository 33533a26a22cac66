from django.contrib import admin, messages
from django.template.response import TemplateResponse

from articles.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "key_hint", "may_pass_on_agency_photos", "requests_per_minute"]
    list_display += ["created_at", "revoked_at"]
    list_filter = ["may_pass_on_agency_photos", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "sources"]
    fields = ["name", "sources", "may_pass_on_agency_photos", "requests_per_minute"]
    readonly_fields = ["key_hint", "created_at", "revoked_at", "revoked_by"]
    actions = ["revoke_keys"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the record says who had access when

    def save_model(self, request, obj, form, change):
        if not change:
            # Kept on the request only: the page after saving shows it, and nothing else does.
            request.issued_key = obj.issue_key()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Shown on the answer to the form itself, not in a message: messages may travel in a
        # cookie, and a key must not.
        context = {**self.admin_site.each_context(request), "partner": obj}
        context |= {"key": request.issued_key, "title": f"The API key for {obj.name}"}
        return TemplateResponse(request, "admin/articles/partner/key_issued.html", context)

    @admin.action(description="Revoke the keys of the selected partners", permissions=["change"])
    def revoke_keys(self, request, queryset):
        for partner in queryset.active():
            partner.revoke(by=request.user)
        self.message_user(request, "Their keys no longer work.", messages.SUCCESS)
