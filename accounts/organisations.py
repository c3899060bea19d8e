"""Reading the organisation tree and the roles held for its nodes (selectors, no writes).

A role held for a node counts for the node and everything below it (`Organisation.path` is the
materialised path), so a region's innovation consultant acts as consultant on every project of
the region and on none of another region's. These helpers are what `procurement.permissions`
reads beside the project's own team; nothing else should ask the tree directly.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from .models import PROJECT_ROLES, Organisation, OrganisationKind, OrganisationRole


def ancestor_ids(path: str) -> list[int]:
    """The primary keys in a materialised path ("/1/4/9/" -> [1, 4, 9])."""
    return [int(part) for part in path.strip("/").split("/") if part]


def organisation_roles_of(user, organisation: Organisation | None) -> set[str]:
    """The roles `user` holds for `organisation` or any node above it: a node is above when its
    path starts the organisation's (read from `held_roles`, so no query of its own)."""
    if organisation is None:
        return set()
    return {role for role, path in held_roles(user) if path and organisation.path.startswith(path)}


def organisation_paths(projects) -> dict[int, str]:
    """Organisation id -> path for the projects' organisations: read from the projects when
    their organisation is loaded with them (`select_related`), else in one query."""
    paths: dict[int, str] = {}
    missing: set[int] = set()
    for project in projects:
        if project.organisation_id is None:
            continue
        if "organisation" in project._state.fields_cache:
            paths[project.organisation_id] = project.organisation.path
        else:
            missing.add(project.organisation_id)
    if missing - paths.keys():
        paths.update(
            Organisation.objects.filter(pk__in=missing - paths.keys()).values_list("pk", "path")
        )
    return paths


def project_roles_from_organisations(paths: dict[int, str]) -> dict[int, dict[int, set[str]]]:
    """For each organisation (id -> path): user id -> the project roles held for it or a node
    above it, by active people. One query however many organisations."""
    needed = {pk for path in paths.values() for pk in ancestor_ids(path)}
    if not needed:
        return {}
    held: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for role in OrganisationRole.objects.filter(
        organisation_id__in=needed, role__in=PROJECT_ROLES, user__is_active=True
    ).select_related("user"):
        held[role.organisation_id][role.user].add(role.role)
    result: dict[int, dict] = {}
    for organisation_id, path in paths.items():
        roles: dict = defaultdict(set)
        for node_id in ancestor_ids(path):
            for user, node_roles in held.get(node_id, {}).items():
                roles[user] |= node_roles
        result[organisation_id] = dict(roles)
    return result


def held_roles(user) -> list[tuple[str, str]]:
    """Every organisation-wide role the person holds, as (role, path of its node): one query,
    then kept on the user object for the rest of the request, since the two-factor check, the
    menus and the project lists all ask."""
    if not getattr(user, "is_authenticated", False):
        return []
    if "_held_roles" not in user.__dict__:
        user.__dict__["_held_roles"] = list(
            OrganisationRole.objects.filter(user=user).values_list("role", "organisation__path")
        )
    return user.__dict__["_held_roles"]


def holds_organisation_role(user, role: str) -> bool:
    """Whether the person holds `role` for any organisation (no query after `held_roles`)."""
    return any(held == role for held, _path in held_roles(user))


def subtree_paths(user, roles: Iterable[str] = PROJECT_ROLES) -> list[str]:
    """The paths of the nodes for which `user` holds one of `roles`."""
    wanted = set(roles)
    return sorted({path for role, path in held_roles(user) if role in wanted})


def under_any(paths: Iterable[str], field: str = "organisation__path") -> Q:
    """A filter for rows whose organisation lies in any of the subtrees (no rows when none)."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def region_path(organisation: Organisation | None) -> str | None:
    """The path of the region an organisation belongs to: its nearest region above or itself;
    for a tree without regions, its root (at most one query)."""
    if organisation is None:
        return None
    ids = ancestor_ids(organisation.path)
    if organisation.kind == OrganisationKind.REGION:
        return organisation.path
    region = (
        Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.REGION)
        .values_list("path", flat=True)
        .first()
    )
    return region or (f"/{ids[0]}/" if ids else None)


def in_same_region(organisation: Organisation | None, other: Organisation | None) -> bool:
    """Whether `other` lies in the region of `organisation` (a national node is its own)."""
    path = region_path(organisation)
    return bool(path and other is not None and other.path.startswith(path))


def roles_above(organisation: Organisation | None):
    """The organisation-wide project roles that reach `organisation`: held for it or a node
    above it, by active people, nearest node first (one query)."""
    if organisation is None:
        return OrganisationRole.objects.none()
    return (
        OrganisationRole.objects.filter(
            organisation_id__in=ancestor_ids(organisation.path),
            role__in=PROJECT_ROLES,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("-organisation__path", "role", "user__first_name", "user__username")
    )
