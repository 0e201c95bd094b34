"""The two endpoints of the sandbox, as the provider serves them: POST a JSON object to
/sandbox/fax (fax status API v3, key METHOD) or /sandbox/sms (SMS API v9, key method).

Both are csrf-exempt (API clients have no CSRF cookie) and answer every documented error
as `{"RESULT": "ERROR", "ERROR": "..."}` (see protocol.py for which error, when). A media
URL from getSMS is refused when fetched directly: only getMMSMedia hands out the bytes.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import fax_methods, sms_methods
from sandbox.protocol import (
    INVALID_METHOD,
    MISSING_PARAMETERS,
    NOT_ALLOWED,
    ApiError,
    error_body,
    read_json,
)


@csrf_exempt
def fax_api(request: HttpRequest) -> HttpResponse:
    return _serve(request, fax_methods.METHODS, method_key="METHOD")


@csrf_exempt
def sms_api(request: HttpRequest) -> HttpResponse:
    return _serve(request, sms_methods.METHODS, method_key="method")


def media_refused(request: HttpRequest, key: str, extension: str) -> HttpResponse:
    """Media URLs are not public (docs/provider.md quirk 17): fetch them with getMMSMedia."""
    return JsonResponse(error_body(NOT_ALLOWED), status=403)


def _serve(request: HttpRequest, methods: dict[str, Callable], *, method_key: str
           ) -> HttpResponse:
    if request.method != "POST":
        response = JsonResponse(error_body(NOT_ALLOWED), status=405)
        response["Allow"] = "POST"
        return response
    try:
        params = read_json(request)
        name = params.get(method_key)
        if name is None:
            raise ApiError(MISSING_PARAMETERS)
        handler = methods.get(name) if isinstance(name, str) else None
        if handler is None:
            raise ApiError(INVALID_METHOD)
        result = handler(params)
    except ApiError as error:
        return JsonResponse(error_body(error.code))
    return result if isinstance(result, HttpResponse) else JsonResponse(result)
