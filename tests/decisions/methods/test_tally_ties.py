"""Ties: earlier-round counts first, then a seeded, reproducible draw recorded in the result."""

from concertation.decisions.methods import Ballot, default_seed, tally


def test_irv_elimination_tie_broken_by_earlier_round_without_draw():
    # Round 1: A 5, B 4, C 3, D 1 → D out, its ballot goes to C → round 2: A 5, B 4, C 4.
    # B and C tie; in round 1 C had fewer (3 < 4), so C is eliminated; its ballots go to B.
    ballots = [["A"]] * 5 + [["B"]] * 4 + [["C", "B"]] * 3 + [["D", "C"]]
    r = tally("irv", options=list("ABCD"), ballots=ballots)
    assert r.winners == ["B"]
    assert r.rounds[1]["eliminated"] == ["C"]
    assert r.tie_broken is True
    assert r.seed is None  # no draw was needed
    (record,) = r.explanation_data["ties"]
    assert record["rule"] == "earlier_rounds" and record["round"] == 1
    assert record["tied"] == ["B", "C"] and record["chosen"] == "C"


def test_irv_draw_is_seeded_reproducible_and_recorded():
    outcomes = {}
    for seed in range(40):
        r = tally("irv", options=["A", "B"], ballots=[["A"], ["B"]], tie_seed=seed)
        again = tally("irv", options=["A", "B"], ballots=[["A"], ["B"]], tie_seed=seed)
        assert r == again
        assert r.tie_broken is True and r.seed == seed
        (record,) = r.explanation_data["ties"]
        assert record["rule"] == "draw" and record["seed"] == seed
        assert record["drawn_among"] == ["A", "B"]
        outcomes.setdefault(r.winners[0], seed)
    assert set(outcomes) == {"A", "B"}  # the seed really decides


def test_default_seed_derived_from_options_not_their_order():
    a = tally("irv", options=["A", "B", "C"], ballots=[["A"], ["B"]])
    b = tally("irv", options=["C", "B", "A"], ballots=[["B"], ["A"]])
    assert a.seed == b.seed == default_seed(["A", "B", "C"])
    assert a.winners == b.winners
    assert isinstance(default_seed(["x"]), int)


def test_string_seed():
    r = tally("schulze", options=["A", "B"], ballots=[["A", "B"], ["B", "A"]], tie_seed="prop-42")
    assert r.seed == "prop-42" and r.tie_broken is True
    assert r == tally(
        "schulze", options=["A", "B"], ballots=[["B", "A"], ["A", "B"]], tie_seed="prop-42"
    )


def test_zero_vote_candidates_are_eliminated_together_without_tie():
    ballots = [["A"]] * 3 + [["B"]] * 2 + [["C", "A"]]
    r = tally("irv", options=list("ABCDE"), ballots=ballots)
    assert r.rounds[0]["eliminated"] == ["D", "E"]
    assert r.rounds[1]["eliminated"] == ["C"]
    assert r.winners == ["A"]
    assert r.tie_broken is False and r.seed is None


def test_schulze_tie_in_full_order_recorded_with_position():
    r = tally("schulze", options=list("ABC"), ballots=[["A", "B", "C"], ["B", "A", "C"]])
    assert set(r.winners[:2]) == {"A", "B"} and r.winners[2] == "C"
    assert r.tie_broken is True
    (record,) = r.explanation_data["ties"]
    assert record["stage"] == "schulze position 1" and record["rule"] == "draw"


def test_approval_and_borda_ties_drawn():
    r = tally("approval", options=list("ABC"), ballots=[{"A", "C"}, {"B", "C"}], tie_seed=7)
    assert r.winners[0] == "C" and set(r.winners[1:]) == {"A", "B"}
    assert r.tie_broken is True and r.seed == 7
    assert r.explanation_data["ties"][0]["stage"] == "order (position 2)"
    clear = tally("borda", options=list("ABC"), ballots=[["A", "B", "C"]] * 2 + [["B", "A", "C"]])
    assert clear.tie_broken is False and clear.seed is None


def test_time_poll_if_need_be_breaks_yes_tie_without_draw():
    ballots = [{"mon": "yes", "tue": "yes"}, {"mon": "no", "tue": "if_need_be"}]
    r = tally("time_poll", options=["mon", "tue"], ballots=ballots)
    assert r.winners == ["tue", "mon"] and r.tie_broken is False
    tied = tally("time_poll", options=["mon", "tue"], ballots=[{"mon": "yes", "tue": "yes"}])
    assert tied.tie_broken is True and tied.seed is not None


def test_stv_equal_surpluses_order_by_rule():
    ballots = [["A", "C"]] * 4 + [["B", "D"]] * 4 + [["C"]] + [["D"]]
    r = tally("stv", options=list("ABCD"), ballots=ballots, seats=3, tie_seed=3)
    assert r.rounds[0]["elected"] == ["A", "B"]
    assert r.tie_broken is True and r.seed == 3
    record = r.explanation_data["ties"][0]
    assert record["stage"] == "stv round 1 surplus order" and record["rule"] == "draw"
    assert len(r.winners) == 3


def test_nothing_expressed_nothing_ordered_no_draw():
    for method in ("approval", "score", "dot", "time_poll", "irv", "stv", "schulze", "borda"):
        r = tally(method, options=list("ABC"), ballots=[])
        assert r.winners == [] and r.tie_broken is False and r.seed is None, method
    for method in ("irv", "stv", "schulze", "borda"):
        r = tally(method, options=list("ABC"), ballots=[[], []])
        assert r.winners == [] and r.tie_broken is False, method
    assert tally("approval", options=list("AB"), ballots=[set()]).tie_broken is True


def test_weights_do_not_change_draws():
    a = tally("irv", options=list("ABC"), ballots=[Ballot(["A"], 2), Ballot(["B"], 2), ["C"]])
    b = tally("irv", options=list("ABC"), ballots=[["A"], ["A"], ["B"], ["B"], ["C"]])
    assert a.winners == b.winners and a.rounds == b.rounds and a.seed == b.seed
