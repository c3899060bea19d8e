"""The OpenAPI schema: every operation documents the problems it can answer with, as
`application/problem+json`, so a client (and the schemathesis run in CI) knows every status."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .serializers import ProblemSerializer

PROBLEM_MEDIA_TYPE = "application/problem+json"
READ_PROBLEMS = ("400", "401", "403", "404", "406", "429")
WRITE_PROBLEMS = (*READ_PROBLEMS, "409", "415", "422", "503")


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        codes = READ_PROBLEMS if self.method in ("GET", "HEAD") else WRITE_PROBLEMS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_MEDIA_TYPE], direction=direction
                )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <token>`: a personal token (profile page, API-nøgler) or a system "
                "account's (`manage.py create_api_token`). Scopes: read, write, monitoring:push."
            ),
        }
