from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles.models import Alert
from articles.models.alerts import AlertError


class AlertStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("ended", "Ended")]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.live()
            case "scheduled":
                return queryset.scheduled()
            case "ended":
                return queryset.ended()
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["text", "state", "starts_at", "ends_at", "created_by"]
    list_filter = [AlertStateFilter]
    list_select_related = ["created_by"]
    search_fields = ["text", "link"]
    fields = ["text", "link", ("starts_at", "ends_at")]
    readonly_fields = ["change_history"]
    actions = ["end_now"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "change_history"] if obj is not None else self.fields

    @admin.display(description="State")
    def state(self, obj):
        return format_html('<span class="state state-{}">{}</span>', obj.state, obj.state.title())

    @admin.display(description="Changes made")
    def change_history(self, obj):
        changes = obj.changes.select_related("by")[:50]
        if not changes:
            return "None recorded."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><time datetime="{}">{}</time>: {} {}({})</li>',
                (
                    (
                        change.at.isoformat(),
                        date_format(timezone.localtime(change.at), "DATETIME_FORMAT"),
                        change.get_action_display().capitalize(),
                        f"{change.fields_display.lower()} " if change.action == "change" else "",
                        (change.by.get_full_name() or change.by) if change.by else "—",
                    )
                    for change in changes
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        obj.edit(by=request.user)

    def delete_model(self, request, obj):
        obj.delete(by=request.user)

    def delete_queryset(self, request, queryset):
        for alert in queryset:
            alert.delete(by=request.user)

    @admin.action(
        description="End now: take the selected alerts off every page", permissions=["change"]
    )
    def end_now(self, request, queryset):
        ended = 0
        for alert in queryset:
            try:
                alert.end(by=request.user)
            except (AlertError, PermissionDenied) as error:
                messages.error(request, f"Not ended: {error}")
            else:
                ended += 1
        if ended:
            noun = "alert" if ended == 1 else "alerts"
            messages.success(request, f"{ended} {noun} ended: gone from every page.")
