"""The evaluation's arithmetic: weighted totals, the ranking, and how sensitive it is. Pure
functions over plain data, computed with exact fractions so that equal totals are equal.

**Total.** Each award criterion i has a weight w_i in per cent (the weights add up to 100) and a
scale [low_i, high_i]. A bidder's consensus score c_i is first put on 0-1,
s_i = (c_i - low_i) / (high_i - low_i), and the total is T = sum_i w_i * s_i, in points out of
100. Example: weights price 60 %, quality 40 %, both on 0-10; A has 8 and 5, B has 6 and 9:
T_A = 60 * 0.8 + 40 * 0.5 = 68, T_B = 60 * 0.6 + 40 * 0.9 = 72, so B ranks first.

**Ranking and ties.** A bidder that fails a minimum requirement is out: it gets no rank and is
listed after the ranked ones. The others rank by total, highest first; equal totals rank equal
(standard competition ranking, "1, 1, 3") and are shown in order of name. The winner is the
bidder ranked 1 when it is alone there; with a tie at the top there is no winner until the
consensus is settled.

**Sensitivity to the weights.** For each criterion i and each of -10 and +10 percentage points:
w_i' = clamp(w_i ± 10, 0, 100); the other weights share the rest, 100 - w_i', in proportion to
their current weights (w_j' = w_j * (100 - w_i') / (100 - w_i)); when they are all 0 the rest is
split equally. The totals are recomputed and the row says whether the winner (the set of bidders
ranked 1) changes. Worked example (the one above): price +10 -> 70 %, quality 30 %;
T_A = 70 * 0.8 + 30 * 0.5 = 71, T_B = 70 * 0.6 + 30 * 0.9 = 69: A wins, so the winner changes.
Price -10 -> 50/50: T_A = 65, T_B = 75: B still wins.

**Which scores decide the ranking.** For the first and second bidder (F and S) the margin
T_F - T_S is the sum over the criteria of d_i = w_i * (s_F,i - s_S,i): each criterion's part of
the lead, negative where S is better. And for each criterion, the smallest change of one
consensus score that puts S level with F or ahead: raising S's score or lowering F's by
margin * (high_i - low_i) / w_i scale points, when that stays on the scale. In the example
(B first by 4 points): quality gives B 40 * (0.9 - 0.5) = 16 of the lead, price takes
60 * (0.6 - 0.8) = -12 from it. A and B are level if A's price score rises by
4 * 10 / 60 = 0.67 points (8 -> 8.67) or its quality score by 4 * 10 / 40 = 1 point (5 -> 6), or
B's drops by as much; price is the decisive criterion (the smallest change). The second bidder's
score is reported when raising it stays on the scale, else the first's lowered.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HUNDRED = Fraction(100)
STEP = Fraction(10)


@dataclass(frozen=True)
class Criterion:
    key: int
    label: str
    weight: Fraction  # per cent
    low: Fraction = Fraction(0)
    high: Fraction = Fraction(10)


@dataclass(frozen=True)
class Bidder:
    key: int
    name: str
    scores: dict  # criterion key -> consensus score (Fraction, Decimal or int)
    failed_minimum: tuple[str, ...] = ()

    @property
    def excluded(self) -> bool:
        return bool(self.failed_minimum)


@dataclass(frozen=True)
class Ranked:
    bidder: Bidder
    total: Fraction | None  # None when the bidder is out
    rank: int | None


@dataclass(frozen=True)
class SensitivityRow:
    criterion: Criterion
    change: int  # -10 or +10 (percentage points asked for)
    weights: dict  # criterion key -> the new weight
    winners: tuple[str, ...]
    changes_winner: bool
    totals: dict  # bidder key -> the new total


@dataclass(frozen=True)
class Contribution:
    criterion: Criterion
    part: Fraction  # this criterion's part of the first bidder's lead
    # the smallest change (scale points) of one consensus score on this criterion that makes the
    # second bidder at least level, and whose score it is; None when no change on the scale does
    change_needed: Fraction | None
    change_whose: str = ""


@dataclass
class Margin:
    first: Bidder
    second: Bidder
    margin: Fraction
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def decisive(self) -> Contribution | None:
        """The criterion where the smallest single change flips first and second place."""
        options = [c for c in self.contributions if c.change_needed is not None]
        return min(options, key=lambda c: c.change_needed) if options else None


def fraction(value) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value))


def normalised(score, criterion: Criterion) -> Fraction:
    return (fraction(score) - criterion.low) / (criterion.high - criterion.low)


def total(bidder: Bidder, criteria: list[Criterion], weights: dict | None = None) -> Fraction:
    """T = sum_i w_i * s_i (a missing score counts as the lowest)."""
    result = Fraction(0)
    for criterion in criteria:
        weight = criterion.weight if weights is None else weights[criterion.key]
        score = bidder.scores.get(criterion.key, criterion.low)
        result += weight * normalised(score, criterion)
    return result


def rank(bidders: list[Bidder], criteria: list[Criterion], weights: dict | None = None):
    """The bidders ranked as the module docstring says: ranked ones first (by total, highest
    first, ties by name), then the excluded ones by name."""
    ranked = sorted(
        ((total(b, criteria, weights), b) for b in bidders if not b.excluded),
        key=lambda pair: (-pair[0], pair[1].name.casefold(), pair[1].key),
    )
    result: list[Ranked] = []
    for position, (value, bidder) in enumerate(ranked, start=1):
        same = result and result[-1].total == value
        result.append(Ranked(bidder, value, result[-1].rank if same else position))
    out = sorted((b for b in bidders if b.excluded), key=lambda b: (b.name.casefold(), b.key))
    return result + [Ranked(bidder, None, None) for bidder in out]


def winners(ranking: list[Ranked]) -> tuple[str, ...]:
    return tuple(r.bidder.name for r in ranking if r.rank == 1)


def winner(ranking: list[Ranked]) -> Bidder | None:
    """The bidder alone at rank 1, or None (nobody ranked, or a tie at the top)."""
    top = [r for r in ranking if r.rank == 1]
    return top[0].bidder if len(top) == 1 else None


def shifted_weights(criteria: list[Criterion], key: int, change: Fraction) -> dict:
    """Criterion `key`'s weight moved by `change` points (clamped to 0-100), the others
    rescaled in proportion so that the weights still add up to 100."""
    moved = next(c for c in criteria if c.key == key)
    new = min(HUNDRED, max(Fraction(0), moved.weight + change))
    others = [c for c in criteria if c.key != key]
    rest = sum((c.weight for c in others), Fraction(0))
    weights = {key: new}
    for criterion in others:
        if rest:
            weights[criterion.key] = criterion.weight * (HUNDRED - new) / rest
        else:
            weights[criterion.key] = (HUNDRED - new) / len(others)
    if not others:
        weights[key] = moved.weight  # a single criterion always carries the whole weight
    return weights


def sensitivity(bidders: list[Bidder], criteria: list[Criterion]) -> list[SensitivityRow]:
    """One row per criterion and direction (-10, +10 percentage points)."""
    base = winners(rank(bidders, criteria))
    rows = []
    for criterion in criteria:
        for change in (-STEP, STEP):
            weights = shifted_weights(criteria, criterion.key, change)
            ranking = rank(bidders, criteria, weights)
            now = winners(ranking)
            rows.append(
                SensitivityRow(
                    criterion=criterion,
                    change=int(change),
                    weights=weights,
                    winners=now,
                    changes_winner=now != base,
                    totals={r.bidder.key: r.total for r in ranking},
                )
            )
    return rows


def margin(bidders: list[Bidder], criteria: list[Criterion]) -> Margin | None:
    """The lead of the first bidder over the second and what it is made of (None with fewer
    than two ranked bidders). With a tie at the top the margin is 0 and every change needed is
    0: the first two are level already."""
    ranking = [r for r in rank(bidders, criteria) if r.rank is not None]
    if len(ranking) < 2:
        return None
    first, second = ranking[0], ranking[1]
    lead = first.total - second.total
    result = Margin(first.bidder, second.bidder, lead)
    for criterion in criteria:
        s_first = normalised(first.bidder.scores.get(criterion.key, criterion.low), criterion)
        s_second = normalised(second.bidder.scores.get(criterion.key, criterion.low), criterion)
        part = criterion.weight * (s_first - s_second)
        needed, whose = None, ""
        if criterion.weight > 0:
            change = lead * (criterion.high - criterion.low) / criterion.weight
            up = fraction(second.bidder.scores.get(criterion.key, criterion.low)) + change
            down = fraction(first.bidder.scores.get(criterion.key, criterion.low)) - change
            if up <= criterion.high:
                needed, whose = change, second.bidder.name
            elif down >= criterion.low:
                needed, whose = change, first.bidder.name
        result.contributions.append(Contribution(criterion, part, needed, whose))
    return result


def rounded(value: Fraction | None, places: int = 2) -> Decimal | None:
    """A fraction as a Decimal for display (half up)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
