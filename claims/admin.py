"""The back office. Every model can be browsed; `status` is read-only and changes only through the
admin actions below, which call `claim_transition` like every other way in. Opening a record with personal data
is recorded in the access log (claims/admin_access.py)."""

from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .admin_access import AccessLoggedAdmin
from .admin_forms import TransitionForm
from .errors import TransitionRefused
from .models import (
    Absence,
    AccessCode,
    AccessLog,
    AnonymisationRecord,
    Claim,
    ClaimTransition,
    ClockEvent,
    DamageItem,
    Document,
    Inspection,
    Letter,
    Mandate,
    Message,
    OutgoingEmail,
    Payment,
    PaymentBatch,
    Person,
    Property,
    Recusal,
    ReferenceCounter,
    RetentionRun,
    StaffProfile,
    StatutoryHoliday,
    Team,
)
from .models.claim import TRANSITION_NAMES
from .services import claim_transition


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records: they can be read, never changed or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DamageItemInline(admin.TabularInline):
    model = DamageItem
    extra = 0


class TransitionInline(admin.TabularInline):
    model = ClaimTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "name", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _transition_action(name: str):
    def action(modeladmin, request, queryset):
        form = TransitionForm(request.POST if "confirm" in request.POST else None, transition=name)
        if form.is_valid():
            done, refused = 0, []
            for claim in queryset:
                try:
                    with transaction.atomic():
                        claim_transition(claim=claim, name=name, actor=request.user,
                                         reason=form.cleaned_data.get("reason", ""), **form.transition_data())
                    done += 1
                except TransitionRefused as error:
                    refused.append(f"{claim.reference}: {error.message}")
            if done:
                modeladmin.message_user(request, _("%(count)d zaak/zaken bijgewerkt.") % {"count": done},
                                        messages.SUCCESS)
            for line in refused:
                modeladmin.message_user(request, line, messages.ERROR)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Stap ‘%(name)s’ zetten") % {"name": name},
            "form": form,
            "claims": queryset,
            "action": f"transition_{name}",
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/transition_confirm.html", context)

    action.__name__ = f"transition_{name}"
    action.short_description = _("Stap: %(name)s") % {"name": name}
    return action


@admin.register(Claim)
class ClaimAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    log_changelist = True
    list_display = ("reference", "status", "property", "applicant", "caseworker", "decision_due", "urgent")
    list_filter = ("status", "urgent", "channel", "property__municipality")
    search_fields = ("reference", "applicant__name", "property__postcode", "property__street")
    list_select_related = ("property", "applicant", "caseworker")
    raw_id_fields = ("property", "applicant", "co_applicants", "filed_by", "caseworker", "expert")
    readonly_fields = (
        "reference", "status", "held_from", "submitted_at", "decided_at", "closed_at", "decision_due",
        "clock_suspended", "reply_due", "objection_due", "objection_decision_due", "safety_visit_due",
        "outcome", "awarded_amount", "paid_amount", "created_at", "updated_at",
    )
    inlines = [DamageItemInline, TransitionInline]
    actions = [_transition_action(name) for name in TRANSITION_NAMES]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        # New claims come through intake (online, desk) so that they get a reference and a history.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    log_changelist = True
    list_display = ("name", "email", "phone", "preferred_channel", "language")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)


@admin.register(Property)
class PropertyAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    log_changelist = True
    list_display = ("__str__", "municipality", "in_mining_area", "build_year")
    list_filter = ("in_mining_area", "municipality")
    search_fields = ("postcode", "street", "town")
    raw_id_fields = ("owners",)


@admin.register(Mandate)
class MandateAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("representative", "principal", "scope", "valid_from", "valid_until")
    raw_id_fields = ("principal", "representative", "claim")


@admin.register(DamageItem)
class DamageItemAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("claim", "position", "location", "kind", "expert_verdict", "repair_cost")
    list_filter = ("kind", "expert_verdict")
    raw_id_fields = ("claim",)


@admin.register(Document)
class DocumentAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    log_changelist = True
    list_display = ("title", "claim", "kind", "content_type", "size", "created_at")
    list_filter = ("kind",)


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("claim", "name", "from_state", "to_state", "actor", "created_at")
    list_filter = ("name",)
    list_select_related = ("claim", "actor")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "action", "claim", "document", "ip_address")
    list_filter = ("action",)
    list_select_related = ("user", "claim", "document")
    date_hierarchy = "created_at"


@admin.register(ClockEvent)
class ClockEventAdmin(ReadOnlyAdmin):
    list_display = ("claim", "kind", "cause", "on_date", "due_date", "weeks")
    list_filter = ("kind",)


@admin.register(StatutoryHoliday)
class StatutoryHolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "basis", "source")
    list_filter = ("basis",)
    date_hierarchy = "date"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("members",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "declaration_updated_on")
    list_select_related = ("user",)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "substitute", "starts_on", "ends_on", "reason")
    list_select_related = ("user", "substitute")
    date_hierarchy = "starts_on"


@admin.register(Inspection)
class InspectionAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("claim", "expert", "status", "chosen_on", "objection_due", "starts_at", "visited_at")
    list_filter = ("status",)
    list_select_related = ("claim", "expert")


@admin.register(Payment)
class PaymentAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("claim", "amount", "status", "recorded_by", "approved_by", "batch", "created_at")
    list_filter = ("status",)
    list_select_related = ("claim", "recorded_by", "approved_by", "batch")
    exclude = ("iban",)  # IBANs are shown only to finance and the owner (DESIGN.md)


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ("message_id", "count", "total", "execution_date", "created_at", "paid_at")
    exclude = ("xml",)


@admin.register(Recusal)
class RecusalAdmin(ReadOnlyAdmin):
    list_display = ("claim", "member", "ground", "declared_at")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("to", "subject", "purpose", "created_at", "sent_at", "attempts")


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")


@admin.register(Letter)
class LetterAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("claim", "kind", "recipient", "language", "status", "attempts", "created_at", "rendered_at")
    list_filter = ("kind", "status")
    list_select_related = ("claim", "recipient")


@admin.register(Message)
class MessageAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("claim", "kind", "direction", "author", "created_at", "handled_at")
    list_filter = ("kind", "direction")
    list_select_related = ("claim", "author")


@admin.register(AccessCode)
class AccessCodeAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    # Only hashes are stored; nothing here can be used to log in.
    list_display = ("person", "purpose", "expires_at", "used_at", "attempts")
    list_filter = ("purpose",)
    exclude = ("code_hash",)


# Retention (claims/services/retention.py): what was anonymised, when and by which run. No personal data here.
@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "trigger", "years", "cutoff", "claims_done", "persons_done",
                    "files_deleted", "skipped", "failed")
    list_filter = ("trigger",)
    date_hierarchy = "started_at"


@admin.register(AnonymisationRecord)
class AnonymisationRecordAdmin(ReadOnlyAdmin):
    list_display = ("reference", "anonymised_at", "closed_at", "run", "files_deleted", "persons_anonymised",
                    "property_anonymised")
    list_select_related = ("run",)
    search_fields = ("reference",)
    date_hierarchy = "anonymised_at"
