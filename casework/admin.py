"""The back office can read the staff side's records; notes and reassignments are history, never edited."""

from django.contrib import admin

from claims.admin_access import AccessLoggedAdmin

from .models import (
    CommissionAdvice,
    DeadlineMark,
    Decision,
    DecisionItem,
    Digest,
    ItemAdvice,
    Note,
    Objection,
    Reassignment,
    ReviewDeclaration,
    UrgentAlert,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("claim", "kind", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = ("claim", "author")


@admin.register(Reassignment)
class ReassignmentAdmin(AccessLoggedAdmin, ReadOnly):
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


@admin.register(ReviewDeclaration)
class ReviewDeclarationAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("claim", "member", "has_conflict", "declared_at")


@admin.register(CommissionAdvice)
class CommissionAdviceAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("claim", "member", "total", "created_at")


@admin.register(ItemAdvice)
class ItemAdviceAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("advice", "damage_item", "plausibility", "percentage", "amount")


@admin.register(Decision)
class DecisionAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("claim", "kind", "outcome", "total", "route", "decided_by", "created_at")


@admin.register(DecisionItem)
class DecisionItemAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("decision", "damage_item", "plausibility", "amount")


@admin.register(Objection)
class ObjectionAdmin(AccessLoggedAdmin, ReadOnly):
    list_display = ("claim", "received_on", "late", "handler", "outcome", "created_at")
