"""The evaluation's arithmetic against hand-computed numbers (market/scoring.py's docstring)."""

from fractions import Fraction as F

from market import scoring
from market.scoring import Bidder, Criterion

PRICE = Criterion(1, "price", F(60))
QUALITY = Criterion(2, "quality", F(40))
A = Bidder(10, "A", {1: 8, 2: 5})
B = Bidder(11, "B", {1: 6, 2: 9})


def test_totals_of_the_worked_example():
    assert scoring.total(A, [PRICE, QUALITY]) == 68
    assert scoring.total(B, [PRICE, QUALITY]) == 72
    ranking = scoring.rank([A, B], [PRICE, QUALITY])
    assert [(r.bidder.name, r.rank) for r in ranking] == [("B", 1), ("A", 2)]
    assert scoring.winner(ranking) == B


def test_scales_other_than_zero_to_ten_are_normalised():
    wide = Criterion(1, "price", F(50), low=F(1), high=F(5))
    narrow = Criterion(2, "quality", F(50), low=F(0), high=F(100))
    bidder = Bidder(1, "X", {1: 3, 2: 25})  # (3-1)/4 = 0.5 and 0.25
    assert scoring.total(bidder, [wide, narrow]) == F(50) * F(1, 2) + F(50) * F(1, 4)


def test_equal_totals_rank_equal_and_show_by_name():
    c = [PRICE, QUALITY]
    z = Bidder(1, "Zeta", {1: 6, 2: 9})  # 72
    b = Bidder(2, "beta", {1: 6, 2: 9})  # 72, the same
    a = Bidder(3, "Alfa", {1: 8, 2: 5})  # 68
    ranking = scoring.rank([z, a, b], c)
    assert [(r.bidder.name, r.rank) for r in ranking] == [("beta", 1), ("Zeta", 1), ("Alfa", 3)]
    assert scoring.winner(ranking) is None  # a tie at the top: no winner
    assert scoring.winners(ranking) == ("beta", "Zeta")


def test_exact_fractions_make_thirds_equal():
    thirds = [Criterion(k, str(k), F(100, 3)) for k in (1, 2, 3)]
    x = Bidder(1, "X", {1: 10, 2: 0, 3: 5})
    y = Bidder(2, "Y", {1: 5, 2: 5, 3: 5})
    ranking = scoring.rank([x, y], thirds)
    assert ranking[0].total == ranking[1].total == 50
    assert ranking[0].rank == ranking[1].rank == 1


def test_a_bidder_failing_a_minimum_requirement_is_out_whatever_its_total():
    best = Bidder(1, "Best", {1: 10, 2: 10}, failed_minimum=("#1",))
    ranking = scoring.rank([best, A, B], [PRICE, QUALITY])
    assert [(r.bidder.name, r.rank, r.total) for r in ranking] == [
        ("B", 1, 72),
        ("A", 2, 68),
        ("Best", None, None),
    ]
    assert scoring.winner(ranking) == B


def test_shifted_weights_rescale_the_others_proportionally():
    c = [Criterion(1, "a", F(50)), Criterion(2, "b", F(30)), Criterion(3, "c", F(20))]
    weights = scoring.shifted_weights(c, 1, F(10))
    # a: 60; the other 40 shared 30:20 -> 24 and 16
    assert weights == {1: 60, 2: 24, 3: 16}
    weights = scoring.shifted_weights(c, 3, F(-10))
    # c: 10; 90 shared 50:30 -> 56.25 and 33.75
    assert weights == {3: 10, 1: F(225, 4), 2: F(135, 4)}
    assert sum(weights.values()) == 100


def test_shifted_weights_are_clamped_and_zero_weights_share_equally():
    c = [Criterion(1, "a", F(95)), Criterion(2, "b", F(5))]
    assert scoring.shifted_weights(c, 1, F(10)) == {1: 100, 2: 0}
    c = [Criterion(1, "a", F(100)), Criterion(2, "b", F(0)), Criterion(3, "c", F(0))]
    assert scoring.shifted_weights(c, 1, F(-10)) == {1: 90, 2: 5, 3: 5}
    assert scoring.shifted_weights([Criterion(1, "a", F(100))], 1, F(-10)) == {1: 100}


def test_sensitivity_of_the_worked_example():
    rows = scoring.sensitivity([A, B], [PRICE, QUALITY])
    by = {(r.criterion.label, r.change): r for r in rows}
    # price +10 -> 70/30: A 71, B 69 -> the winner changes
    up = by[("price", 10)]
    assert up.weights == {1: 70, 2: 30}
    assert up.totals == {10: 71, 11: 69}
    assert up.changes_winner and up.winners == ("A",)
    # price -10 -> 50/50: A 65, B 75
    down = by[("price", -10)]
    assert down.totals == {10: 65, 11: 75} and not down.changes_winner
    # quality +10 is price -10 and the reverse
    assert by[("quality", 10)].totals == down.totals
    assert by[("quality", -10)].changes_winner


def test_margin_and_the_decisive_scores():
    result = scoring.margin([A, B], [PRICE, QUALITY])
    assert (result.first.name, result.second.name, result.margin) == ("B", "A", 4)
    price, quality = result.contributions
    assert price.part == -12 and quality.part == 16  # sums to the margin
    # A level with B: its price score up by 4*10/60 = 2/3, or its quality score up by 1
    assert price.change_needed == F(2, 3) and price.change_whose == "A"
    assert quality.change_needed == 1 and quality.change_whose == "A"
    assert result.decisive is price


def test_the_change_needed_stays_on_the_scale():
    c = [Criterion(1, "only", F(100))]
    # F 10, S 8.5: margin 15 points; S needs +1.5 -> exactly the top of the scale
    result = scoring.margin([Bidder(1, "F", {1: 10}), Bidder(2, "S", {1: F(85, 10)})], c)
    assert result.margin == 15
    assert result.contributions[0].change_needed == F(3, 2)
    assert result.contributions[0].change_whose == "S"
    # F 9, S 2 with a second criterion where S cannot gain enough but F can lose it
    two = [Criterion(1, "a", F(50)), Criterion(2, "b", F(50))]
    first = Bidder(1, "F", {1: 10, 2: 10})
    second = Bidder(2, "S", {1: 10, 2: 3})
    result = scoring.margin([first, second], two)
    assert result.margin == 35  # 50 * (1 - 0.3)
    a, b = result.contributions
    # criterion a: S is at 10 already, so F's 10 must drop by 35*10/50 = 7 (to 3: on the scale)
    assert a.change_needed == 7 and a.change_whose == "F"
    # criterion b: S from 3 up by 7 to 10
    assert b.change_needed == 7 and b.change_whose == "S"


def test_margin_needs_two_ranked_bidders():
    assert scoring.margin([A], [PRICE, QUALITY]) is None
    out = Bidder(3, "Out", {1: 1, 2: 1}, failed_minimum=("#1",))
    assert scoring.margin([A, out], [PRICE, QUALITY]) is None


def test_rounded_for_display():
    assert str(scoring.rounded(F(2, 3))) == "0.67"
    assert str(scoring.rounded(F(225, 4))) == "56.25"
    assert scoring.rounded(None) is None
