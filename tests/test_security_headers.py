"""The security headers, without a browser: every kind of answer (pages of each role, the back office, the API,
its docs, downloads, 404 and 500) carries the strict Content-Security-Policy, frame denial, the referrer policy,
nosniff and the opener policy; the cookies are HttpOnly and SameSite=Lax, and in production (HTTPS=true) Secure,
with HSTS for subdomains and preload. Django names no server and no version. The browser side of the policy (no
page breaks it) is tests/e2e/test_content_security_policy.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import path, reverse

from claims.uploads import store_upload
from i3ml import urls as site_urls
from tests.claims.files import samples
from tests.factories import PASSWORD, Cast, UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# The policy as it must be: nothing inline, nothing from elsewhere, no plugins, no <base>, no framing.
STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
NEVER = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "blob:")


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


# A stored document gets a policy of its own, stricter still (claims/uploads.py): it may run and load nothing.
DOCUMENT_POLICY = {"sandbox": [], "default-src": ["'none'"]}


def assert_secure_headers(response, *, policy: dict | None = None) -> None:
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    assert "Content-Security-Policy" in response, where
    assert policy_of(response) == (policy or STRICT_POLICY), where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    # No server software or version from Django (the web server's own header is the proxy's to drop).
    assert "Server" not in response and "X-Powered-By" not in response, where


def test_the_configured_policy_is_the_strict_one():
    configured = {name: list(values) for name, values in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()}
    assert configured == STRICT_POLICY
    assert not any(value in NEVER for values in configured.values() for value in values)
    assert "EXCLUDE_URL_PREFIXES" not in settings.CONTENT_SECURITY_POLICY  # no address goes without it


# --- every kind of page ---------------------------------------------------------------------------------------

PUBLIC = ["/", "/inloggen/", "/registreren/", "/registreren/controleer-uw-e-mail/", "/registreren/opnieuw/",
          "/wachtwoord-vergeten/", "/wachtwoord-vergeten/verstuurd/", "/wachtwoord-vergeten/klaar/",
          "/activeren/", "/privacy/", "/melden/", "/api/schema/"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_the_api_docs_allow_data_images_and_nothing_else():
    """Swagger UI draws its icons with data: images: only this view adds them (api/urls.py)."""
    response = Client().get(reverse("api_docs"))
    assert response.status_code == 200
    assert_secure_headers(response, policy={**STRICT_POLICY, "img-src": ["'self'", "data:"]})


@pytest.fixture
def cast(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    cast = Cast()
    cast.claims = {state: claim_in(cast, state) for state in ("inspection", "decided", "commission_review")}
    cast.photo = store_upload(claim=cast.claims["inspection"], kind="photo", actor=cast.resident,
                              file=SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png"),
                              damage_item=cast.claims["inspection"].damage_items.first())
    at_desk = draft_claim(applicant=cast.person, filed_by=cast.desk)
    cast.at_desk = at_desk
    return cast


def _pages(cast) -> dict[str, list[str]]:
    inspection = cast.claims["inspection"].reference
    return {
        "resident": ["/mijn/", f"/mijn/{inspection}/", "/mijn/instellingen/", "/melden/nieuw/"],
        "desk": ["/loket/", "/loket/?name=", "/loket/nieuw/", f"/loket/{cast.at_desk.reference}/"],
        "caseworker": ["/werk/", f"/werk/zaken/{inspection}/", f"/werk/zaken/{inspection}/notitie/"],
        "coordinator": ["/werk/team/", f"/werk/zaken/{inspection}/inzage/"],
        "expert": ["/deskundige/", f"/deskundige/{inspection}/"],
        "commission": ["/commissie/", f"/commissie/{cast.claims['commission_review'].reference}/"],
        "decision_maker": ["/besluiten/", "/besluiten/bezwaren/"],
        "finance": ["/financien/", f"/financien/{cast.claims['decided'].reference}/"],
    }


@pytest.mark.parametrize("role", ["resident", "desk", "caseworker", "coordinator", "expert", "commission",
                                  "decision_maker", "finance"])
def test_the_pages_of_each_role(cast, role):
    client = Client()
    client.force_login(getattr(cast, role))
    for url in _pages(cast)[role]:
        response = client.get(url)
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"
        assert_secure_headers(response)


def test_a_form_with_errors_and_a_refusal(cast):
    client = Client()
    client.force_login(cast.caseworker)
    response = client.post(f"/werk/zaken/{cast.claims['inspection'].reference}/notitie/", {})
    assert response.status_code == 400
    assert_secure_headers(response)
    other = Client()
    other.force_login(cast.expert)
    response = other.get("/werk/")
    assert response.status_code == 403
    assert_secure_headers(response)


def test_the_back_office(cast):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    claim = cast.claims["inspection"]
    for url in [reverse("admin:index"), reverse("admin:claims_claim_changelist"),
                reverse("admin:claims_claim_change", args=[claim.pk]), reverse("admin:claims_person_add")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response)


def test_the_api_answers_json_with_the_same_headers(cast):
    client = Client()
    response = client.get("/api/v1/claims/")
    assert response.status_code in (401, 403)
    assert_secure_headers(response)
    client.force_login(cast.caseworker)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_secure_headers(response)


# --- downloads ------------------------------------------------------------------------------------------------

def test_a_document_download_is_an_attachment_that_is_never_sniffed(cast):
    client = Client()
    client.force_login(cast.resident)
    url = reverse("claims:document_download", args=[cast.photo.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Type"] == "image/png"
    assert_secure_headers(response, policy=DOCUMENT_POLICY)
    # Shown in the page (an <img>): inline, still with its own type and nosniff.
    response = client.get(url + "?inline=1")
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert_secure_headers(response, policy=DOCUMENT_POLICY)


def test_the_other_downloads_are_attachments(cast):
    inspection = cast.claims["inspection"].reference
    downloads = [
        (cast.resident, reverse("claims:portal_ics", args=[inspection])),
        (cast.expert, reverse("casework:expert_ics", args=[inspection])),
        (cast.caseworker, reverse("casework:caseload_csv")),
    ]
    for user, url in downloads:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        if response.status_code == 404 and url.endswith(".ics"):
            continue  # no visit planned on this claim: no appointment to download
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment; filename="), url
        assert_secure_headers(response)


# --- error pages ----------------------------------------------------------------------------------------------

def _broken(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [path("kapot/", _broken), path("api/kapot/", _broken), *site_urls.urlpatterns]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("url, status", [("/bestaat-niet/", 404), ("/api/bestaat-niet/", 404),
                                         ("/kapot/", 500), ("/api/kapot/", 500)])
def test_error_pages_carry_the_headers(url, status):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    assert_secure_headers(response)
    assert b"a fault in a view" not in response.content and b"Traceback" not in response.content


# --- cookies --------------------------------------------------------------------------------------------------

def verified_resident(email: str = "truus@example.nl"):
    user, person = resident(username=email, email=email)  # a resident's username is their e-mail address
    person.email_verified_at = person.created_at
    person.save(update_fields=["email_verified_at"])
    return user


def _cookies_after_login(client: Client, user) -> dict:
    """The cookies the site sets: CSRF (the login page), the session (logging in) and the language (choosing)."""
    page = client.get(reverse("claims:login"))
    response = client.post(reverse("claims:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.context["form"].errors
    language = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302
    return {**page.cookies, **response.cookies, **language.cookies}


COOKIES = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME)


def test_session_and_csrf_cookies_are_http_only_and_same_site():
    user = verified_resident()
    cookies = _cookies_after_login(Client(), user)
    for name in COOKIES:
        assert cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Lax", name


def production_settings() -> dict:
    """The settings a production process ends up with (docker-compose.yml's environment)."""
    from tests.test_deploy_settings import PRODUCTION

    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
             "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "DEBUG",
             "CONTENT_SECURITY_POLICY", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF",
             "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_PROXY_SSL_HEADER", "LANGUAGE_COOKIE_SECURE",
             "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE"]
    script = ("import json, django; django.setup(); from django.conf import settings; "
              f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))")
    dropped = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_COOKIES", "HSTS_SECONDS",
               "HSTS_INCLUDE_SUBDOMAINS", "HSTS_PRELOAD"}
    env = {**{k: v for k, v in os.environ.items() if k not in dropped}, **PRODUCTION,
           "DJANGO_SETTINGS_MODULE": "i3ml.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_hsts_covers_subdomains_with_preload():
    production = production_settings()
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["LANGUAGE_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and production["SECURE_HSTS_PRELOAD"]
    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"] == STRICT_POLICY

    # The same settings in this process: what a browser gets over HTTPS (the proxy says so).
    applied = {name: value for name, value in production.items() if name not in ("DEBUG",)}
    applied["SECURE_PROXY_SSL_HEADER"] = tuple(production["SECURE_PROXY_SSL_HEADER"])
    user = verified_resident()
    with override_settings(**applied):
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        assert client.get("/", HTTP_X_FORWARDED_PROTO="http").status_code == 301  # plain HTTP is sent to HTTPS
        cookies = _cookies_after_login(client, user)
        response = client.get(reverse("claims:portal"))
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_secure_headers(response)
    for name in COOKIES:
        assert cookies[name]["secure"] and cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Lax", name


# --- the templates --------------------------------------------------------------------------------------------

# WeasyPrint makes PDFs of these (letters, the AVG summary); no view serves them, so they may style inline.
PDF_ONLY = ("letters/", "personal_data/")
INLINE = {
    "inline script": r"<script(?![^>]*\bsrc=)[^>]*>",
    "<style>": r"<style\b",
    "style attribute": r"\sstyle\s*=",
    "event handler": r"\son[a-z]+\s*=",
    "javascript: URL": r"javascript:",
    "data: URL": r"""["'(]\s*data:""",
}


def test_no_served_template_has_inline_script_or_style():
    """The browser test finds what pages do; this finds it in a template before any page shows it."""
    import re

    templates = ROOT / "templates"
    found = []
    for template in sorted(templates.rglob("*.html")):
        name = template.relative_to(templates).as_posix()
        if name.startswith(PDF_ONLY):
            continue
        text = template.read_text(encoding="utf-8")
        found += [f"{name}: {what}" for what, pattern in INLINE.items() if re.search(pattern, text, re.IGNORECASE)]
    assert found == []


def test_the_pdf_templates_are_rendered_for_weasyprint_only():
    """Letters and the AVG summary are HTML with inline style for WeasyPrint: only the modules that make the
    PDFs render them, and they hand the HTML to WeasyPrint, never to a response."""
    import re

    users = {}
    served = [path for app in ("claims", "casework", "api", "i3ml") for path in (ROOT / app).rglob("*.py")]
    for source in sorted(served):
        relative = source.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        if re.search(r"""["'](letters|personal_data)/[^"']*\.html""", source.read_text(encoding="utf-8")):
            users[relative] = source.read_text(encoding="utf-8")
    assert set(users) == {"claims/letters.py", "claims/personal_data_export.py"}
    for text in users.values():
        assert "render_pdf(" in text and "HttpResponse" not in text and "TemplateResponse" not in text
