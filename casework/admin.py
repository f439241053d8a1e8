"""The back office can read the staff side's records; notes and reassignments are history, never edited."""

from django.contrib import admin

from .models import DeadlineMark, Digest, Note, Reassignment, UrgentAlert


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(ReadOnly):
    list_display = ("claim", "kind", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = ("claim", "author")


@admin.register(Reassignment)
class ReassignmentAdmin(ReadOnly):
    list_display = ("claim", "from_guide", "to_guide", "actor", "created_at")
    list_select_related = ("claim", "from_guide", "to_guide", "actor")


@admin.register(DeadlineMark)
class DeadlineMarkAdmin(ReadOnly):
    list_display = ("claim", "level", "due_on", "since", "checked_on")
    list_filter = ("level",)


@admin.register(UrgentAlert)
class UrgentAlertAdmin(ReadOnly):
    list_display = ("claim", "alerted_at")


@admin.register(Digest)
class DigestAdmin(ReadOnly):
    list_display = ("user", "on_date", "claims", "created_at")
