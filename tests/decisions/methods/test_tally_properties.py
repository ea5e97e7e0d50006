"""Property tests (hypothesis) on random profiles."""

import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concertation.decisions.methods import Ballot, tally

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LETTERS = "ABCDEF"


@st.composite
def profiles(draw, min_options=2, max_options=6, max_ballots=30, full=False):
    n = draw(st.integers(min_options, max_options))
    options = list(LETTERS[:n])
    ranking = st.permutations(options).flatmap(
        lambda p: st.just(list(p)) if full else st.integers(0, n).map(lambda k: list(p[:k]))
    )
    ballots = draw(st.lists(ranking, max_size=max_ballots))
    return options, ballots


@st.composite
def weighted_profiles(draw):
    options, rankings = draw(profiles(max_ballots=12))
    weights = draw(st.lists(st.integers(1, 4), min_size=len(rankings), max_size=len(rankings)))
    return options, list(zip(rankings, weights, strict=True))


def same_outcome(a, b):
    fields = ("winners", "rounds", "counts", "pairwise", "tie_broken", "seed", "exhausted", "total")
    return all(getattr(a, f) == getattr(b, f) for f in fields) and (
        a.explanation_data == b.explanation_data
    )


@SETTINGS
@given(weighted_profiles(), st.sampled_from(["irv", "schulze", "borda", "stv"]))
def test_weights_equal_duplicated_ballots(data, method):
    options, pairs = data
    rules = {"seats": min(2, len(options))} if method == "stv" else {}
    weighted = tally(method, options=options, ballots=[Ballot(r, w) for r, w in pairs], **rules)
    duplicated = tally(
        method, options=options, ballots=[r for r, w in pairs for _ in range(w)], **rules
    )
    assert same_outcome(weighted, duplicated)
    assert weighted.ballots == len(pairs) and duplicated.ballots == sum(w for _, w in pairs)


@SETTINGS
@given(profiles(), st.sampled_from(["irv", "schulze", "borda", "stv"]), st.randoms())
def test_ballot_order_does_not_matter(data, method, rnd):
    options, ballots = data
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    a = tally(method, options=options, ballots=ballots)
    b = tally(method, options=options, ballots=shuffled)
    assert same_outcome(a, b)


@SETTINGS
@given(profiles())
def test_irv_counts_sum_and_winner_has_majority_of_continuing_votes(data):
    options, ballots = data
    r = tally("irv", options=options, ballots=ballots)
    blank = sum(1 for b in ballots if not b)
    assert sum(r.counts.values()) + blank == len(ballots) == r.total
    for rnd in r.rounds:
        assert sum(rnd["counts"].values()) == rnd["continuing"]
        assert rnd["continuing"] + rnd["exhausted"] + blank == len(ballots)
    if r.winners:
        (w,) = r.winners
        last = r.rounds[-1]["counts"]
        assert 2 * last[w] > sum(last.values())
    else:
        assert blank == len(ballots)


@SETTINGS
@given(profiles(), st.integers(1, 4))
def test_stv_conserves_votes_and_fills_seats(data, seats):
    options, ballots = data
    seats = min(seats, len(options))
    r = tally("stv", options=options, ballots=ballots, seats=seats)
    valid = sum(1 for b in ballots if b)
    assert r.explanation_data["quota"] == valid // (seats + 1) + 1
    for rnd in r.rounds:
        assert sum(rnd["counts"].values()) + rnd["exhausted"] == valid  # exact, Fractions
    assert len(set(r.winners)) == len(r.winners) == (seats if valid else 0)
    if seats == 1 and valid:
        irv = tally("irv", options=options, ballots=ballots)
        if not (irv.tie_broken or r.tie_broken):
            assert r.winners == irv.winners


def condorcet_winner(options, ballots):
    def prefers(b, x, y):
        return x in b and (y not in b or b.index(x) < b.index(y))

    for x in options:
        if all(
            sum(prefers(b, x, y) for b in ballots) > sum(prefers(b, y, x) for b in ballots)
            for y in options
            if y != x
        ):
            return x
    return None


@SETTINGS
@given(profiles(max_ballots=25))
def test_condorcet_winner_always_wins_schulze(data):
    options, ballots = data
    r = tally("schulze", options=options, ballots=ballots)
    cw = condorcet_winner(options, ballots)
    if cw is not None:
        assert r.winners[0] == cw
        assert r.explanation_data["condorcet_winner"] == cw
    assert sorted(r.winners) == (sorted(options) if any(ballots) else [])
    for x in options:
        for y in options:
            if x != y:
                assert r.pairwise[x][y] + r.pairwise[y][x] <= len(ballots)
    strengths = r.explanation_data["strengths"]
    position = {o: i for i, o in enumerate(r.winners)}
    for x in options:  # the full order is a linear extension of the Schulze relation
        for y in options:
            if x != y and strengths[x][y] > strengths[y][x]:
                assert position[x] < position[y]


@SETTINGS
@given(profiles())
def test_borda_points_sum(data):
    options, ballots = data
    n = len(options)
    r = tally("borda", options=options, ballots=ballots)
    assert sum(r.counts.values()) == Fraction(len(ballots) * n * (n - 1), 2)
    points = [r.counts[o] for o in r.winners]
    assert points == sorted(points, reverse=True)


@SETTINGS
@given(
    st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=40),
    st.sampled_from(["simple", "absolute", "two_thirds", Fraction(3, 5), Fraction(1, 2), 1]),
)
def test_majority_monotone_and_never_adopts_a_tie(ballots, threshold):
    r = tally("majority", ballots=ballots, threshold=threshold)
    more = tally("majority", ballots=ballots + ["yes"], threshold=threshold)
    assert not r.adopted or more.adopted
    yes, no = ballots.count("yes"), ballots.count("no")
    if r.adopted:
        assert yes > no
    assert sum(r.counts.values()) == len(ballots)


@SETTINGS
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.just(list(LETTERS[:n])),
            st.lists(st.sets(st.sampled_from(LETTERS[:n])), max_size=20),
        )
    )
)
def test_approval_counts(data):
    options, ballots = data
    r = tally("approval", options=options, ballots=ballots)
    for o in options:
        assert r.counts[o] == sum(o in b for b in ballots)
    if ballots:
        assert [r.counts[o] for o in r.winners] == sorted(r.counts.values(), reverse=True)
    else:
        assert r.winners == []


def test_deterministic_across_calls():
    rng = random.Random(5)
    options = list("ABCDE")
    ballots = [rng.sample(options, rng.randint(0, 5)) for _ in range(200)]
    for method in ("irv", "schulze", "borda", "stv"):
        assert tally(method, options=options, ballots=ballots) == tally(
            method, options=options, ballots=ballots
        )
