"""Mijn gegevens downloaden (/mijn/gegevens/): the resident's right of access (AVG art. 15). The page says what
the download holds; its button (a POST, so no link or prefetch makes one by accident) returns the ZIP.

Residents only (`resident_required`): staff get 403 here, also for a resident's data; an account without a
resident record (Person) has nothing to download and gets the page without the button.

`personal_data_on_request` is the same download made by a coordinator for a resident who asks at the desk or by
letter; every claim in it gets an EXPORT row in the access log (so the resident sees it in their next download).
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import roles
from ..access import resident_required, role_required
from ..access_log import Action, access_record
from ..models import Claim, Person
from ..personal_data_export import build_zip
from ..selectors import claims_as_resident
from ..services import personal_data as service
from ..uploads import content_disposition

CHUNK = 256 * 1024  # FileResponse reads 4 KiB at a time by default: slow for a ZIP with many photos
ON_REQUEST = "Inzageverzoek (AVG art. 15)"  # the access log's detail, in the institute's language like its rows


def _zip_response(export: service.PersonalData) -> FileResponse:
    response = FileResponse(build_zip(export), content_type="application/zip")
    response.block_size = CHUNK
    response["Content-Disposition"] = content_disposition(service.export_filename(), as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def personal_data(request):
    person = Person.objects.filter(user=request.user).first()
    if request.method == "POST" and person is not None:
        return _zip_response(service.personal_data_for(user=request.user))
    references = list(claims_as_resident(request.user).order_by("created_at", "pk").values_list("reference", flat=True))
    return render(request, "claims/portal/personal_data.html", {"person": person, "references": references})


@role_required(roles.COORDINATOR)
@never_cache
@require_POST
def personal_data_on_request(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    export = service.personal_data_on_request(person=person, staff=request.user)
    references = [claim["reference"] for claim in export.data["claims"]]
    claims = {claim.reference: claim for claim in Claim.objects.filter(reference__in=references)}
    for reference in references:
        access_record(request=request, claim=claims[reference], action=Action.EXPORT, detail=ON_REQUEST)
    if not references:
        access_record(request=request, claim=None, action=Action.EXPORT, detail=f"{ON_REQUEST}: persoon {person.pk}")
    return _zip_response(export)
