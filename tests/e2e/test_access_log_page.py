"""The coordinator's page "Wie heeft deze zaak ingezien" (issue 7, item 3) in the browser: reached from the
dossier, it lists the case guide's opening of the dossier, and axe finds nothing on it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_check
from tests.e2e.test_casework import claim_for, people
from tests.e2e.test_expert import at, log_in, one_h1

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_sees_who_opened_the_claim(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = people()
    claim = claim_for(cast, name="Wim Bemelmans", days_ago=3)
    ref = claim.reference

    # The case guide opens the dossier: that is recorded.
    log_in(page, base, cast.caseworker, lands_on="/werk/")
    page.goto(f"{base}/werk/zaken/{ref}/")
    page.wait_for_load_state()
    page.context.clear_cookies()

    # The coordinator follows the link on the dossier to the page.
    log_in(page, base, cast.coordinator, lands_on="/werk/")
    page.goto(f"{base}/werk/zaken/{ref}/")
    page.get_by_role("link", name="Wie heeft deze zaak ingezien").click()
    page.wait_for_url(at(f"/werk/zaken/{ref}/inzage/"))
    page.wait_for_load_state()
    one_h1(page, "Wie heeft deze zaak ingezien")
    rows = page.locator("table.access-log tbody tr")
    expect(rows).to_have_count(2)  # the coordinator's own opening of the dossier, then the guide's
    expect(rows.nth(0)).to_contain_text("Mieke Lemmens")
    expect(rows.nth(1)).to_contain_text("Sanne Hermans")
    expect(rows.nth(1)).to_contain_text("Zaakbegeleider")
    axe_check(page)
