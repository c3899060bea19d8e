"""Demo data: the seed deck's four cases, taken through the journey by the real services.

Each case in demo/cases.yaml is created, staffed, answered, signed off and approved stage by
stage through `services` and `transitions.perform_transition`, exactly as people would do it in
the app, so the demo history is real and a content change that breaks a gate fails loudly here.
"""

from collections.abc import Callable
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import Organisation, OrganisationRole, User
from checklists.models import Pathway
from checklists.roles import APPROVING_ROLES, AnswerType

from . import services
from .gates import load_stage_status
from .models import Action, Project
from .transitions import perform_transition, request_approval

CASES_FILE = Path(__file__).resolve().parent / "demo" / "cases.yaml"
ORGANISATION = "Region Syddanmark"
PASSWORD = "demo"  # noqa: S105 - the documented demo password, refused outside DEBUG
USERS = {
    "kliniker": ("Mette", "Sørensen"),
    "konsulent": ("Lars", "Holm"),
    "jurist": ("Anne", "Dalgaard"),
    "itarkitekt": ("Henrik", "Bech"),
    "indkoeb": ("Sofie", "Lund"),
    "aikompetence": ("Jonas", "Friis"),
}


# The organisation tree of the demo (issue 16): a nation, two regions, their hospitals and the
# departments the demo projects belong to. (name, kind, parent name); parents come first.
TREE = [
    ("Danmark", "nation", None),
    ("Region Syddanmark", "region", "Danmark"),
    ("OUH Odense Universitetshospital", "hospital", "Region Syddanmark"),
    ("SLB Sygehus Lillebælt", "hospital", "Region Syddanmark"),
    ("Gynækologisk-obstetrisk afdeling", "department", "OUH Odense Universitetshospital"),
    ("Geriatrisk afdeling", "department", "OUH Odense Universitetshospital"),
    ("Lungemedicinsk afdeling", "department", "OUH Odense Universitetshospital"),
    ("Region Midtjylland", "region", "Danmark"),
    ("AUH Aarhus Universitetshospital", "hospital", "Region Midtjylland"),
    ("Akutafdelingen", "department", "AUH Aarhus Universitetshospital"),
]
# People beyond the four cases' team: username -> (first, last, organisation, organisation-wide
# roles held for that organisation).
OTHER_USERS = {
    "regionskonsulent": (
        "Karen",
        "Vestergaard",
        "Region Syddanmark",
        ("innovation_consultant",),
    ),
    "redaktoer": ("Camilla", "Nørgaard", "Region Syddanmark", ("content_editor",)),
    "midtkliniker": ("Peter", "Kjær", "Akutafdelingen", ()),
    "midtkonsulent": ("Maria", "Thomsen", "Region Midtjylland", ("innovation_consultant",)),
}
OTHER_REGION_CASE = {
    "title": "AI-støtte til frakturdiagnostik på røntgen i akutmodtagelsen",
    "clinical_need": (
        "Overset frakturer på røntgenbilleder om natten giver genbesøg og forsinket behandling; "
        "radiologerne kan ikke nå at beskrive alle billeder, før patienten går hjem."
    ),
    "department": "Akutafdelingen, AUH",
    "owner": "midtkliniker",
}


class DemoDataError(Exception):
    pass


# Other apps add their demo data for a stage (validation results, a business case, ...) before
# that stage is approved: func(project, case: dict, stage_key: str). Registered in AppConfig.ready.
DEMO_EXTENSIONS: list[Callable[[Project, dict, str], None]] = []


def register_demo_extension(func: Callable[[Project, dict, str], None]):
    DEMO_EXTENSIONS.append(func)
    return func


def _demo_pdf(title: str) -> bytes:
    """A minimal, valid one-page PDF so evidence items have a real file behind them."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def ensure_organisations() -> dict[str, Organisation]:
    """The demo's tree, idempotently: a region made by an earlier seed as a root is moved under
    the nation (its units follow)."""
    nodes: dict[str, Organisation] = {}
    for name, kind, parent_name in TREE:
        parent = nodes.get(parent_name) if parent_name else None
        node = Organisation.objects.filter(name=name, parent=parent).first()
        if node is None:
            node = Organisation.objects.filter(name=name, parent__isnull=True).first()
        if node is None:
            node = Organisation(name=name)
        if node.pk is None or node.kind != kind or node.parent_id != getattr(parent, "pk", None):
            node.kind, node.parent = kind, parent
            node.save()
        nodes[name] = node
    return nodes


def ensure_users() -> dict[str, User]:
    nodes = ensure_organisations()
    organisation = nodes[ORGANISATION]
    users = {}
    for username, (first, last) in USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": organisation,
                # Reserved for examples: in `make run` the mails show on the worker's console.
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Admin",
            "is_staff": True,
            "is_superuser": True,
            "organisation": organisation,
        },
    )
    if created:
        admin.set_password(PASSWORD)
        admin.save(update_fields=["password"])
    users["admin"] = admin
    for username, (first, last, node_name, roles) in OTHER_USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": nodes[node_name],
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        for role in roles:
            OrganisationRole.objects.get_or_create(
                user=user, organisation=nodes[node_name], role=role
            )
        users[username] = user
    return users


def _answer(project: Project, item, spec: dict, users: dict[str, User]) -> None:
    by = users.get(spec.get("by", "kliniker"), project.owner)
    value = spec.get("value")
    upload = None
    if item.answer_type == AnswerType.EVIDENCE:
        name = str(value or f"{item.key}.pdf")
        upload = SimpleUploadedFile(name, _demo_pdf(f"Demo: {name}"), "application/pdf")
        value = ""
    try:
        services.save_answer(
            project=project,
            item=item,
            by=by,
            value="" if value is None else str(value),
            justification=str(spec.get("justification", "")),
            upload=upload,
        )
    except PermissionDenied:
        # The named person does not hold the item's role on this project: the owner answers.
        services.save_answer(
            project=project,
            item=item,
            by=project.owner,
            value="" if value is None else str(value),
            justification=str(spec.get("justification", "")),
            upload=upload,
        )


def _complete_stage(project: Project, case: dict, users: dict[str, User]) -> None:
    stage = project.current_stage
    items = {item.key: item for item in stage.items.all()}
    for key, spec in (case.get("answers") or {}).items():
        if key in items:
            _answer(project, items[key], spec, users)
    status = load_stage_status(project)
    signed = {s.item.key for s in status.items if s.signed_off}
    for key, username in (case.get("signoffs") or {}).items():
        # An answer written by the sign-off role's holder is signed by it already.
        if key in items and key not in signed:
            services.sign_off(project=project, item=items[key], by=users[username])
    for extension in DEMO_EXTENSIONS:
        extension(project, case, stage.key)


def create_case(case: dict, users: dict[str, User]) -> tuple[Project, bool]:
    existing = Project.objects.filter(owner=users["kliniker"], title=case["title"]).first()
    if existing:
        return existing, False
    pathway = Pathway.objects.filter(slug=case["pathway"]).order_by("-version").first()
    if pathway is None:
        raise DemoDataError(f"Pathway {case['pathway']!r} is not loaded: run load_pathways.")
    owner = users["kliniker"]
    project = services.create_project(
        by=owner,
        pathway=pathway,
        title=case["title"],
        clinical_need=case["clinical_need"],
        department=case["department"],
        product_name=case.get("product_name", ""),
        vendor_name=case.get("vendor_name", ""),
        organisation=Organisation.objects.filter(name=case.get("organisation", "")).first(),
    )
    for username, roles in case.get("members", {}).items():
        for role in roles:
            if username == owner.username and role == "clinician":
                continue
            # Approving roles come from the administrator (the team rule); the rest from the owner.
            by = users["admin"] if role in APPROVING_ROLES else owner
            services.add_member(project=project, by=by, user=users[username], role=role)
    target = case["stage"]
    if project.stage(target) is None:
        raise DemoDataError(f"{case['slug']}: the pathway has no stage {target!r}.")
    while project.state != target:
        _complete_stage(project, case, users)
        project = request_approval(project=project, by=owner)
        project = perform_transition(
            project=project,
            action=Action.APPROVED,
            by=users["konsulent"],
            comment="Godkendt (demodata).",
        )
    _complete_stage(project, case, users)
    return project, True


def seed_demo(cases_file: Path = CASES_FILE) -> list[tuple[Project, bool]]:
    cases = yaml.safe_load(cases_file.read_text(encoding="utf-8"))["cases"]
    with transaction.atomic():
        users = ensure_users()
        created = [create_case(case, users) for case in cases]
        created.append(create_other_region_case(users))
        return created


def create_other_region_case(users: dict[str, User]) -> tuple[Project, bool]:
    """Region Midtjylland's one project, in its first stage: the region's consultant sees it
    through her organisation-wide role, and nobody of Region Syddanmark sees it."""
    case = OTHER_REGION_CASE
    owner = users[case["owner"]]
    existing = Project.objects.filter(owner=owner, title=case["title"]).first()
    if existing:
        return existing, False
    pathway = Pathway.objects.filter(slug=settings.DEFAULT_PATHWAY).order_by("-version").first()
    if pathway is None:
        raise DemoDataError(f"Pathway {settings.DEFAULT_PATHWAY!r} is not loaded.")
    project = services.create_project(
        by=owner,
        pathway=pathway,
        title=case["title"],
        clinical_need=case["clinical_need"],
        department=case["department"],
    )
    return project, True
