"""The OpenAPI schema: every operation documents the problems it can answer with, as
`application/problem+json`, so a client (and the schemathesis run in CI) knows every status."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from .examples import examples_for
from .serializers import ProblemSerializer

PROBLEM_MEDIA_TYPE = "application/problem+json"
READ_PROBLEMS = ("400", "401", "403", "404", "406", "429")
WRITE_PROBLEMS = (*READ_PROBLEMS, "409", "415", "422", "503")


# One example per status, in Danish (the default language); `Accept-Language: en` gives English.
EXAMPLES = {
    "400": ("invalid", "Forespørgslen blev ikke forstået", "period: Dette felt er påkrævet."),
    "401": ("not_authenticated", "Ikke logget ind", "Send en gyldig API-nøgle."),
    "403": ("forbidden", "Ikke tilladt", "Din rolle giver ikke lov til at ændre det."),
    "404": ("not_found", "Ikke fundet", "Det findes ikke, eller du har ikke adgang til det."),
    "406": ("not_acceptable", "Kunne ikke opfylde Accept-headeren", ""),
    "409": ("transition_blocked", "Ændringen blev ikke foretaget", "Godkendelse er ikke anmodet."),
    "415": ("unsupported_media_type", "Ikke-understøttet medietype", ""),
    "422": ("refused", "Ændringen blev ikke foretaget", "Fasen er godkendt og kan ikke ændres."),
    "429": ("throttled", "For mange forespørgsler", "Prøv igen om 12 sekunder."),
    "503": ("busy", "Optaget", "En anden gemmer lige nu. Intet blev ændret: prøv igen."),
}


def problem_response(code: str) -> OpenApiResponse:
    kind, title, detail = EXAMPLES[code]
    value = {
        "type": f"urn:clinical-ai-guide:problem:{kind}",
        "title": title,
        "status": int(code),
        "detail": detail,
    }
    if code == "409":
        value["reasons"] = [
            {"code": "not_requested", "message": detail, "role": "", "items": [], "people": []}
        ]
    example = OpenApiExample(kind, value=value, status_codes=[code], response_only=True)
    return OpenApiResponse(ProblemSerializer, description=title, examples=[example])


class ProblemAutoSchema(AutoSchema):
    def _get_examples(self, serializer, direction, media_type, status_code=None, extras=None):
        """The operation's own examples, else the body's example from api/examples.py."""
        found = super()._get_examples(serializer, direction, media_type, status_code, extras)
        if found or (status_code and not status_code.startswith("2")):
            return found

        return super()._get_examples(
            serializer,
            direction,
            media_type,
            status_code,
            [*(extras or []), *examples_for(serializer, direction)],
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        codes = READ_PROBLEMS if self.method in ("GET", "HEAD") else WRITE_PROBLEMS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    problem_response(code),
                    code,
                    media_types=[PROBLEM_MEDIA_TYPE],
                    direction=direction,
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
