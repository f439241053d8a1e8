"""Dutch first: the site speaks Dutch unless the visitor chose English (language switch or their account),
whatever language their browser happens to ask for. The API is different: a system asks for English with
Accept-Language and gets it; without it, Dutch."""


class DutchUnlessChosen:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class HealthProbe:
    """Answers /health/ before anything else runs: a load balancer probes by address, with whatever Host header
    it has and over plain HTTP, so neither ALLOWED_HOSTS nor the HTTPS redirect may turn it away."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/health/":
            from .health import health

            return health(request)
        return self.get_response(request)
