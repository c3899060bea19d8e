"""Model cards in: the schema check, the pre-filled answers and their confirmation; hostile XML
(billion laughs, external entities by file:// and http://, oversized, malformed, invalid) is
refused with a clear message and writes nothing. Model cards out: valid against the schema."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from market import modelcard, services
from market.models import ModelCard, ModelCardField
from procurement.models import Action, Answer, HistoryEntry

pytestmark = pytest.mark.django_db

CARD = (Path(__file__).resolve().parent / "fixtures" / "model-card.xml").read_bytes()
ROOT_OPEN = b'<AppliedModelCard xmlns="https://mc.chai.org/v0.2/schema.xsd">'

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<AppliedModelCard xmlns="https://mc.chai.org/v0.2/schema.xsd"><BasicInfo><ModelName>&lol9;</ModelName></BasicInfo></AppliedModelCard>"""


def external(url: str) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "'
        + url.encode()
        + b'">]>\n'
        + CARD.split(b"?>", 1)[1].replace(b"<ModelName>Testscribe 2", b"<ModelName>&x;", 1)
    )


HOSTILE = {
    "billion_laughs": (BILLION_LAUGHS, "dtd"),
    "external_file": (external("file:///etc/passwd"), "dtd"),
    "external_http": (external("http://127.0.0.1:9/secret"), "dtd"),
    "parameter_entity": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
        + ROOT_OPEN
        + b"</AppliedModelCard>",
        "dtd",
    ),
    "doctype_utf16": (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode(
            "utf-16"
        ),
        "dtd",
    ),
    "malformed": (CARD.replace(b"</BasicInfo>", b"</Basic>", 1), "malformed"),
    "not_xml": (b"%PDF-1.4 hello", "malformed"),
    "schema_invalid": (CARD.replace(b"<ModelName>Testscribe 2</ModelName>", b"", 1), "invalid"),
    "wrong_root": (b"<AppliedModelCard><BasicInfo/></AppliedModelCard>", "root"),
    "oversized": (CARD + b"<!--" + b"x" * (modelcard.MAX_BYTES) + b"-->", "too_large"),
    "empty": (b"  \n", "empty"),
}


@pytest.fixture
def product(mteam):
    vendor = services.add_vendor(project=mteam.project, by=mteam.procurement, name="Alfa")
    return services.add_product(vendor=vendor, by=mteam.procurement, name="Scribe", ce_marked=True)


def upload(data: bytes, name: str = "card.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "application/xml")


def test_a_valid_card_is_imported_with_its_answers_pre_filled_and_unconfirmed(mteam, product):
    card = modelcard.import_model_card(product=product, by=mteam.procurement, upload=upload(CARD))
    assert (card.model_name, card.developer, card.release_version) == (
        "Testscribe 2",
        "Alfa Medical ApS",
        "2.1",
    )
    fields = {f.field: f for f in card.fields.all()}
    assert set(fields) == set(ModelCardField.Field.values)
    assert fields["intended_use"].text.startswith("Draft outpatient notes")
    assert fields["intended_use"].source == "card.xml: UsesAndDirections/IntendedUseAndWorkflow"
    assert fields["intended_use"].item_key == "market_dialogue.intended_purpose"
    assert fields["regulatory_approval"].item_key == "market_dialogue.ce_marking"
    assert fields["out_of_scope"].item_key == ""
    assert "PDQI-9: 4.1 points" in fields["key_metrics"].text
    assert all(f.confirmed_at is None for f in fields.values())
    assert HistoryEntry.objects.filter(action=Action.MARKET_MODEL_CARD).count() == 1


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_or_bad_xml_is_refused_and_nothing_is_written(mteam, product, case):
    data, code = HOSTILE[case]
    with pytest.raises(ValidationError) as caught:
        modelcard.import_model_card(product=product, by=mteam.procurement, upload=upload(data))
    assert caught.value.code == code, caught.value.messages
    assert caught.value.messages[0]  # a message for the person
    assert not ModelCard.objects.exists() and not ModelCardField.objects.exists()
    assert not HistoryEntry.objects.filter(action=Action.MARKET_MODEL_CARD).exists()


def test_the_billion_laughs_message_is_clear_in_danish(mteam, product):
    from django.utils import translation

    with translation.override("da"), pytest.raises(ValidationError) as caught:
        modelcard.parse_card(BILLION_LAUGHS)
    assert "DOCTYPE" in caught.value.messages[0] and "afvises" in caught.value.messages[0]


def test_the_schema_never_reaches_the_network(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(modelcard, "_schema", None)
    assert modelcard.schema().validate(modelcard.etree.fromstring(CARD, modelcard.safe_parser()))


def test_only_editors_import(mteam, product):
    with pytest.raises(PermissionDenied):
        modelcard.import_model_card(product=product, by=mteam.lawyer, upload=upload(CARD))
    assert not ModelCard.objects.exists()


def test_confirming_copies_the_answer_into_the_current_stages_item(mteam, product):
    card = modelcard.import_model_card(product=product, by=mteam.procurement, upload=upload(CARD))
    approval = card.fields.get(field="regulatory_approval")
    out_of_scope = card.fields.get(field="out_of_scope")
    with pytest.raises(PermissionDenied):  # the lawyer holds neither the item's role nor edits
        modelcard.confirm_field(field=approval, by=mteam.lawyer)
    modelcard.confirm_field(field=approval, by=mteam.procurement)
    approval.refresh_from_db()
    assert approval.confirmed_by == mteam.procurement
    answer = Answer.objects.get(item__key="market_dialogue.ce_marking")
    assert answer.value.startswith("CE-marked under MDR")
    modelcard.confirm_field(field=out_of_scope, by=mteam.clinician)  # no item: only confirmed
    out_of_scope.refresh_from_db()
    assert out_of_scope.confirmed_at is not None


def test_the_exported_card_is_valid_against_the_schema(mteam, product):
    modelcard.import_model_card(product=product, by=mteam.procurement, upload=upload(CARD))
    data = modelcard.export_model_card(mteam.reload())
    root = modelcard.parse_card(data)  # parsed and validated like an import
    assert root is not None
    assert b"Draft outpatient notes" in data
    bare = modelcard.export_model_card(mteam.project.__class__.objects.get(pk=mteam.project.pk))
    assert modelcard.parse_card(bare) is not None
