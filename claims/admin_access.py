"""The admin is a way into the dossier too: opening a record with personal data there is an access the AVG asks
us to account for, like opening the dossier page (issue 7, item 3). ModelAdmins take `AccessLoggedAdmin` first."""

from django.contrib.admin.utils import unquote

from .access_log import access_record
from .models import AccessLog, Claim, Document


def claim_of(obj) -> Claim | None:
    """The claim a record belongs to, directly or through its parent (an item advice through its advice)."""
    for _hop in range(3):
        if obj is None or isinstance(obj, Claim):
            return obj
        if getattr(obj, "claim_id", None) is not None:
            return obj.claim
        obj = next((getattr(obj, name) for name in ("advice", "decision", "inspection") if hasattr(obj, name)), None)
    return None


class AccessLoggedAdmin:
    """Records one ADMIN_VIEWED row per opened change view (after the admin's own permission check passed) and,
    where `log_changelist` is set, per opened list (its search and filters in the detail)."""

    log_changelist = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                access_record(request=request, claim=claim_of(obj), action=AccessLog.Action.ADMIN_VIEWED,
                              document=obj if isinstance(obj, Document) else None,
                              detail=f"{self.opts.label} {obj.pk}")
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self.log_changelist and response.status_code == 200:
            query = request.GET.urlencode()
            access_record(request=request, claim=None, action=AccessLog.Action.ADMIN_VIEWED,
                          detail=f"{self.opts.label} list" + (f" ?{query}" if query else ""))
        return response
