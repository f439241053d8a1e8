"""API keys in the back office. An administrator makes a key for a system account with one role; the key is
shown once, on the page that answers the "add" form, and never again: only its hash is kept
(api/tokens.py). Keys are not edited (only their name) and not deleted: they are revoked, so the record of
who had access stays."""

import copy

from django import forms
from django.contrib import admin, messages
from django.http import QueryDict
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import ApiToken
from .tokens import api_token_create, api_token_revoke

# The key travels from save_model to response_add on the request object, never in the session or a cookie.
_KEY_ATTR = "_api_token_key"
SHOWN_FIELDS = ("name", "user", "role", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")


class ApiTokenCreateForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "user", "role"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        # api_token_create refuses these too; here the administrator gets the reason next to the field.
        if user.is_staff or user.is_superuser:
            raise forms.ValidationError(
                _("Een sleutel kan niet bij een beheerdersaccount horen. Kies een systeemaccount."))
        if not user.is_active:
            raise forms.ValidationError(_("Dit account is niet actief."))
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "role", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("name", "user", "role") if obj is None else SHOWN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        # Once made, a key keeps its account and role: a new need is a new key.
        return () if obj is None else SHOWN_FIELDS[1:]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = api_token_create(user=obj.user, name=obj.name, role=obj.role, created_by=request.user)
        # The form's instance becomes the saved token, so the admin logs and shows that one.
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        obj._state.db = token._state.db
        setattr(request, _KEY_ATTR, key)

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, _KEY_ATTR, None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, format_html(
            _("De sleutel voor ‘{name}’ is: {key} — Kopieer hem nu: hij wordt niet nog eens getoond."),
            name=obj.name, key=format_html("<code>{}</code>", key)), messages.WARNING)
        # The token's page, rendered in this response (no redirect): the message with the key is shown here
        # and so never stored for a next request.
        shown = copy.copy(request)
        shown.method = "GET"
        shown.POST = QueryDict()
        change_url = reverse(f"{self.admin_site.name}:api_apitoken_change", args=[obj.pk])
        response = self.change_view(shown, str(obj.pk), form_url=change_url)
        add_never_cache_headers(response)
        return response

    @admin.action(description=gettext_lazy("Geselecteerde sleutels intrekken"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(request, ngettext("%(count)d sleutel ingetrokken.", "%(count)d sleutels ingetrokken.",
                                            len(tokens)) % {"count": len(tokens)}, messages.SUCCESS)
