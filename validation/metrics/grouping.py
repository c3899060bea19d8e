"""One kind of result evaluated pooled, per wave, per site and per subgroup.

Each site contributes one parsed table (its latest upload of that kind). Identifiers are made
unique per site before pooling, so note "17" at two sites stays two notes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..kinds import UploadKind
from .classification import evaluate_classification
from .scribe import ERROR_COLUMNS, PDQI9_ITEMS, evaluate_errors, evaluate_pdqi9, evaluate_time

UNKNOWN_LEVEL = "–"
SUBGROUP_PREFIX = "sub:"


@dataclass(frozen=True)
class SitePart:
    """One site's table of one kind. `threshold` derives the decisions from the scores when the
    table has no decision column (classification only)."""

    site_id: int
    site_name: str
    wave: int
    columns: dict
    subgroups: dict
    threshold: float | None = None


def _frame(kind: str, part: SitePart) -> dict[str, np.ndarray]:
    columns = part.columns
    prefix = f"{part.site_id}:"
    if kind == UploadKind.CLASSIFICATION:
        frame = {
            "score": np.asarray(columns["score"], dtype=float),
            "outcome": np.asarray(columns["outcome"], dtype=int),
        }
        if columns.get("decision") is not None:
            frame["decision"] = np.asarray(columns["decision"], dtype=int)
        elif part.threshold is not None:
            frame["decision"] = (frame["score"] >= part.threshold).astype(int)
    elif kind == UploadKind.PDQI9:
        frame = {
            "note_id": np.asarray([prefix + str(v) for v in columns["note_id"]], dtype=object),
            "rater": np.asarray([str(v) for v in columns["rater"]], dtype=object),
            "items": np.column_stack([np.asarray(columns[i], dtype=float) for i in PDQI9_ITEMS]),
        }
    elif kind == UploadKind.ERRORS:
        frame = {name: np.asarray(columns[name], dtype=int) for name in ERROR_COLUMNS}
    elif kind == UploadKind.TIME:
        frame = {
            "period": np.asarray(columns["period"], dtype=object),
            "minutes": np.asarray(columns["minutes"], dtype=float),
            "scribe_used": np.asarray(columns["scribe_used"], dtype=int),
        }
    else:
        raise ValueError(f"unknown kind {kind!r}")
    n = len(next(iter(columns.values())))
    for name, values in part.subgroups.items():
        frame[SUBGROUP_PREFIX + name] = np.asarray(values, dtype=object)
    frame["_n"] = np.arange(n)
    return frame


def _concat(frames: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    if len(frames) == 1:
        return frames[0]
    keys = set().union(*frames)
    out = {}
    for key in keys:
        if key.startswith(SUBGROUP_PREFIX):
            out[key] = np.concatenate(
                [f.get(key, np.full(f["_n"].size, UNKNOWN_LEVEL, dtype=object)) for f in frames]
            )
        elif all(key in f for f in frames):
            out[key] = np.concatenate([f[key] for f in frames])
        # else: a column only some sites have (decisions): the pool has none
    return out


def _subset(frame: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {key: values[mask] for key, values in frame.items()}


def evaluate_frame(kind: str, frame: dict[str, np.ndarray], *, curves: bool = False) -> dict:
    if kind == UploadKind.CLASSIFICATION:
        return evaluate_classification(
            frame["score"], frame["outcome"], frame.get("decision"), curves=curves
        )
    if kind == UploadKind.PDQI9:
        return evaluate_pdqi9(list(frame["note_id"]), list(frame["rater"]), frame["items"])
    if kind == UploadKind.ERRORS:
        return evaluate_errors({name: frame[name] for name in ERROR_COLUMNS})
    if kind == UploadKind.TIME:
        return evaluate_time(frame["period"], frame["minutes"], frame["scribe_used"])
    raise ValueError(f"unknown kind {kind!r}")


def evaluate_table(
    kind: str, columns: dict, subgroups: dict | None = None, *, threshold: float | None = None
) -> dict:
    """A single file's results (the `evaluate` command): pooled, per subgroup."""
    part = SitePart(0, "", 1, columns, subgroups or {}, threshold)
    return evaluate_sites(kind, [part], per_site=False)


def evaluate_sites(kind: str, parts: Sequence[SitePart], *, per_site: bool = True) -> dict:
    """Pooled (with curves), per wave, per site and per subgroup level."""
    frames = [_frame(kind, part) for part in parts]
    pooled = _concat(frames)
    result: dict = {"pooled": evaluate_frame(kind, pooled, curves=True)}
    if per_site:
        result["sites"] = [
            {
                "site_id": part.site_id,
                "name": part.site_name,
                "wave": part.wave,
                "result": evaluate_frame(kind, frame),
            }
            for part, frame in zip(parts, frames, strict=True)
        ]
        waves = sorted({part.wave for part in parts})
        result["waves"] = [
            {
                "wave": wave,
                "result": evaluate_frame(
                    kind, _concat([f for p, f in zip(parts, frames, strict=True) if p.wave == wave])
                ),
            }
            for wave in waves
        ]
    result["subgroups"] = []
    for key in sorted(k for k in pooled if k.startswith(SUBGROUP_PREFIX)):
        values = pooled[key]
        for level in sorted(set(values), key=lambda v: (v == UNKNOWN_LEVEL, str(v))):
            result["subgroups"].append(
                {
                    "column": key.removeprefix(SUBGROUP_PREFIX),
                    "level": str(level),
                    "result": evaluate_frame(kind, _subset(pooled, values == level)),
                }
            )
    return result
