"""Every request and response body in the schema comes with an example (issue 15), and every
example is one its serializer accepts."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from api import examples


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_json_body_has_an_example(schema):
    missing = []
    for name, operation in operations(schema):
        for media, body in operation.get("requestBody", {}).get("content", {}).items():
            if "examples" not in body and "example" not in body:
                missing.append(f"{name} request {media}")
        for status, response in operation["responses"].items():
            for media, body in response.get("content", {}).items():
                binary = body.get("schema", {}).get("format") == "binary"
                if not binary and "examples" not in body and "example" not in body:
                    missing.append(f"{name} {status} {media}")
    assert not missing, missing


@pytest.mark.parametrize(
    ("serializer", "value"),
    [*examples.RESPONSES.items(), *examples.REQUESTS.items()],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_example_is_valid_for_its_serializer(serializer, value):
    if serializer.__name__ == "ValidationUploadRequestSerializer":
        value = {**value, "file": None}  # a file goes in the multipart body
        checked = serializer(data=value)
        checked.is_valid()
        assert set(checked.errors) <= {"file"}
        return
    checked = serializer(data=value)
    assert checked.is_valid(), checked.errors
    fields = set(serializer().fields)
    if serializer in examples.RESPONSES:
        assert set(value) == fields, "a response's example names every field"
    else:
        assert set(value) <= fields
