"""The OpenAPI description: the committed openapi.yaml is what the code generates (`make openapi` writes it),
the schema is valid without warnings, /api/schema/ serves it, and /api/docs/ loads nothing from another host."""

import difflib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.validation import validate_schema

COMMITTED = Path(settings.BASE_DIR) / "openapi.yaml"
SIDECAR = "/static/drf_spectacular_sidecar/"


@pytest.fixture(scope="module")
def generated():
    """The schema as `manage.py spectacular --file openapi.yaml` makes it: the same generator, no request,
    public, the default language; and the warnings and errors it gave on the way."""
    GENERATOR_STATS.reset()
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS(urlconf=None, api_version=None)
    with translation.override(settings.LANGUAGE_CODE), GENERATOR_STATS.silence():
        schema = generator.get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return {"schema": schema, "yaml": OpenApiYamlRenderer().render(schema, renderer_context={}).decode(),
            "problems": problems}


def test_the_committed_openapi_yaml_is_what_the_code_generates(generated):
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    if committed != generated["yaml"]:
        diff = list(difflib.unified_diff(committed.splitlines(), generated["yaml"].splitlines(),
                                         "openapi.yaml (committed)", "openapi.yaml (from the code)", lineterm="",
                                         n=2))
        pytest.fail("openapi.yaml differs from the API: run `make openapi` and commit openapi.yaml.\n"
                    + "\n".join(diff[:60]) + ("\n…" if len(diff) > 60 else ""), pytrace=False)


def test_the_schema_is_valid_openapi_and_generates_without_warnings(generated):
    validate_schema(generated["schema"])
    assert not generated["problems"], "drf-spectacular warned:\n" + "\n".join(generated["problems"])


def test_every_operation_has_a_unique_id_and_the_error_responses(generated):
    ids = [op["operationId"] for item in generated["schema"]["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    feed = generated["schema"]["paths"]["/api/v1/events/"]["get"]
    assert {"200", "400", "401", "429"} <= set(feed["responses"])
    assert "exactly once" in feed["description"]


@pytest.mark.django_db
def test_the_schema_endpoint_serves_openapi(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/vnd.oai.openapi"
    assert response.content.decode().startswith("openapi: 3.")
    assert "/api/v1/events/" in response.content.decode()


@pytest.mark.django_db
def test_the_docs_page_loads_only_local_files_that_exist(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # No address of another host anywhere in the page, and no inline script (the page's own code is a file).
    assert re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}", html) == []
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    loaded = [url for url in re.findall(r'(?:src|href)="([^"]+)"', html) if url != "/api/schema/"]
    assert len(loaded) >= 5, loaded  # Swagger UI's style sheet and script, the icon, our style sheet and script
    assert any(url.startswith(SIDECAR) for url in loaded), loaded
    for url in loaded:
        assert url.startswith("/static/"), url
        path = url.removeprefix("/static/")
        assert finders.find(path), f"{path} is not among the static files"
    assert 'data-schema-url="/api/schema/"' in html


@pytest.mark.django_db
def test_the_docs_do_not_send_the_schema_address_to_the_online_validator(client):
    """Swagger UI's StandaloneLayout shows a badge from validator.swagger.io (a request to another host on
    every visit from outside localhost) unless validatorUrl is null; BaseLayout has no badge. The page's own
    script (static/js/api-docs.js) chooses the layout."""
    assert 'src="/static/js/api-docs.js"' in client.get("/api/docs/").content.decode()
    script = Path(finders.find("js/api-docs.js")).read_text(encoding="utf-8")
    assert 'layout: "BaseLayout"' in script or re.search(r"validatorUrl:\s*null", script)
