"""Invalid ballots and rules are refused with a clear message naming the problem and the index."""

from fractions import Fraction

import pytest

from concertation.decisions.methods import (
    Ballot,
    BallotError,
    RuleError,
    get_method,
    tally,
    validate_ballot,
)

OPTS = ["A", "B", "C", "D"]


def ballot_error(method, ballots, *, options=OPTS, **rules) -> BallotError:
    with pytest.raises(BallotError) as info:
        tally(method, options=options, ballots=ballots, **rules)
    return info.value


def test_ballot_error_is_a_value_error_with_index_and_code():
    e = ballot_error("irv", [["A"], ["B"], ["A", "Z"]])
    assert isinstance(e, ValueError)
    assert e.index == 2 and e.code == "unknown_option"
    assert str(e) == "ballot 2: unknown option 'Z'"


@pytest.mark.parametrize("method", ["irv", "schulze", "borda", "stv"])
def test_ranked_unknown_option_and_duplicate_rank(method):
    assert ballot_error(method, [["A", "B"], ["E"]]).index == 1
    e = ballot_error(method, [["A", "B", "A"]])
    assert (e.code, e.index) == ("duplicate_rank", 0)
    assert "'A' ranked twice" in str(e)


def test_ranked_error_index_is_the_first_offending_ballot_after_grouping():
    ballots = [["A"], ["B", "B"], ["C"], ["B", "B"]]
    assert ballot_error("irv", ballots).index == 1
    ballots = [["A"]] * 5 + [("C", "X")] + [["A"]] * 5 + [("C", "X")]
    e = ballot_error("schulze", ballots)
    assert (e.index, e.code) == (5, "unknown_option")


def test_ranked_mapping_form_and_its_errors():
    r = tally("irv", options=OPTS, ballots=[{"B": 1, "A": 2}, {"B": 1}, {"A": 3}])
    assert r.winners == ["B"]
    e = ballot_error("irv", [{"A": 1, "B": 1}])
    assert e.code == "duplicate_rank" and "rank 1 given to both 'A' and 'B'" in str(e)
    assert ballot_error("irv", [{"A": 1.5}]).code == "not_integer"
    assert ballot_error("irv", [{"A": True}]).code == "not_integer"
    assert ballot_error("irv", [{"A": 0}]).code == "not_integer"
    assert ballot_error("irv", [{"Z": 1}]).code == "unknown_option"


def test_ranked_bad_shapes():
    assert ballot_error("irv", ["AB"]).code == "bad_shape"  # a string is not a ranking
    assert ballot_error("borda", [["A"], 3]).index == 1
    assert ballot_error("stv", [[["A"]]]).code == "unknown_option"  # unhashable element


@pytest.mark.parametrize("weight", [0, -1, 1.5, True, "2", Fraction(-1, 2)])
def test_bad_weights(weight):
    e = ballot_error("irv", [["A"], Ballot(["B"], weight=weight)])
    assert (e.code, e.index) == ("bad_weight", 1)
    e = ballot_error("majority", [Ballot("yes", weight=weight)], options=None)
    assert e.code == "bad_weight"


def test_score_out_of_range_or_not_integer():
    assert ballot_error("score", [{"A": 6}]).code == "score_range"
    assert ballot_error("score", [{"A": -1}]).code == "score_range"
    for bad in (2.5, True, "3", None, Fraction(1, 2)):
        e = ballot_error("score", [{"A": 1}, {"B": bad}])
        assert (e.code, e.index) == ("not_integer", 1)
    assert ballot_error("score", [{"Z": 1}]).code == "unknown_option"
    assert ballot_error("score", [["A"]]).code == "bad_shape"
    assert "from 0 to 5, got 6" in str(ballot_error("score", [{"A": 6}]))


def test_dots_over_budget_negative_or_not_integer():
    e = ballot_error("dot", [{"A": 5, "B": 4}])
    assert e.code == "too_many_dots" and "9 dots placed, at most 8 allowed" in str(e)
    assert ballot_error("dot", [{"A": 2}], dots=1).code == "too_many_dots"
    assert ballot_error("dot", [{"A": -1}]).code == "negative_dots"
    assert ballot_error("dot", [{"A": 1.0}]).code == "not_integer"
    assert ballot_error("dot", [{"A": False}]).code == "not_integer"
    assert ballot_error("dot", [{"Q": 1}]).code == "unknown_option"


def test_approval_min_max_duplicates_unknown():
    e = ballot_error("approval", [{"A"}, set()], min_choices=1)
    assert (e.code, e.index) == ("too_few_choices", 1)
    e = ballot_error("approval", [{"A", "B", "C"}], max_choices=2)
    assert e.code == "too_many_choices" and "3 choices, at most 2 allowed" in str(e)
    assert ballot_error("approval", [["A", "A"]]).code == "duplicate_choice"
    assert ballot_error("approval", [{"A", "Z"}]).code == "unknown_option"
    assert ballot_error("approval", ["A"]).code == "bad_shape"


def test_unknown_positions():
    for method, bad in [
        ("consent", "yes"),
        ("consensus", "consent"),
        ("majority", "Yes"),
        ("majority", True),
        ("gradients", 9),
        ("gradients", 0),
    ]:
        e = ballot_error(method, [bad], options=None)
        assert e.code == "unknown_position", (method, bad)
    assert ballot_error("gradients", [2.0], options=None).code == "not_integer"
    assert ballot_error("gradients", [True], options=None).code == "not_integer"
    e = ballot_error("time_poll", [{"A": "maybe"}])
    assert e.code == "unknown_position" and "'maybe'" in str(e)
    assert ballot_error("time_poll", [{"Z": "yes"}]).code == "unknown_option"


def test_reason_required_for_objection_and_block():
    for method, position in [("consent", "objection"), ("consensus", "block")]:
        for bad in (position, Ballot(position), Ballot(position, reason="   "), (position, "")):
            e = ballot_error(
                method, ["consent" if method == "consent" else "agree", bad], options=None
            )
            assert (e.code, e.index) == ("reason_required", 1)
            assert f"a reason is required for {position!r}" in str(e)
        tally(method, ballots=[Ballot(position, reason="why")])
        tally(method, ballots=[(position, "why")])
    assert (
        ballot_error("consent", [Ballot("objection", reason=3)], options=None).code == "bad_shape"
    )


def test_advice_must_be_text():
    assert ballot_error("advice", [""], options=None).code == "empty_text"
    assert ballot_error("advice", [3], options=None).code == "bad_shape"


def test_validate_ballot_single_and_normalised():
    b = validate_ballot("irv", ["B", "A"], options=OPTS)
    assert b == Ballot(("B", "A"), 1, None)
    assert validate_ballot("irv", {"B": 2, "A": 1}, options=OPTS).value == ("A", "B")
    assert validate_ballot("approval", ["A", "B"], options=OPTS).value == frozenset({"A", "B"})
    with pytest.raises(BallotError) as info:
        validate_ballot("score", {"A": 9}, options=OPTS)
    assert info.value.index is None and str(info.value).startswith("score for 'A'")
    method = get_method("dot")
    rules = method.check_rules({"dots": 3}, OPTS)
    with pytest.raises(BallotError):
        method.validate({"A": 4}, OPTS, rules)


# -- rules -----------------------------------------------------------------------------------


def rule_error(method, *, options=OPTS, ballots=(), **rules) -> str:
    with pytest.raises(RuleError) as info:
        tally(method, options=options, ballots=list(ballots), **rules)
    assert isinstance(info.value, ValueError)
    return str(info.value)


def test_unknown_method_and_unknown_rule_keywords():
    assert "unknown decision method 'plurality'" in rule_error("plurality")
    msg = rule_error("irv", seats=2)
    assert "unknown rule keyword 'seats' for method 'irv'" in msg and "accepted: tie_seed" in msg
    assert "'threshold'" in rule_error("consent", options=None, threshold="simple")
    assert "'dots'" in rule_error("approval", dots=3)
    assert "'tolerance'" in rule_error("majority", options=None, tolerance=1)


def test_majority_rule_errors():
    assert "threshold must be" in rule_error("majority", options=None, threshold="most")
    assert "floats are refused" in rule_error("majority", options=None, threshold=0.66)
    assert "between 1/2 and 1" in rule_error("majority", options=None, threshold=Fraction(1, 3))
    assert "needs the count present" in rule_error(
        "majority", options=None, threshold="absolute", base="present"
    )
    assert "base must be 'cast'" in rule_error(
        "majority", options=None, base="eligible", eligible=3
    )
    assert "base must be one of" in rule_error("majority", options=None, base="members")
    assert "smaller than the 3 ballots cast" in rule_error(
        "majority",
        options=None,
        ballots=["yes"] * 3,
        threshold="absolute",
        base="eligible",
        eligible=2,
    )
    assert "decides one proposal" in rule_error("majority", options=["A", "B"])


def test_other_rule_errors():
    assert "3 seats but only 2 options" in rule_error("stv", options=["A", "B"], seats=3)
    assert "seats must be at least 1" in rule_error("stv", seats=0)
    assert "seats must be an integer" in rule_error("stv", seats=True)
    assert "exact fraction" in rule_error("gradients", options=None, tolerance=0.2)
    assert "between 0 and 1" in rule_error("gradients", options=None, tolerance=2)
    assert "tolerance" in rule_error("consensus", options=None, tolerance=Fraction(1, 2))
    assert "min_choices (3) is greater than max_choices (2)" in rule_error(
        "approval", min_choices=3, max_choices=2
    )
    assert "dots must be at least 1" in rule_error("dot", dots=0)
    assert "needs options" in rule_error("irv", options=None)
    assert "distinct" in rule_error("irv", options=["A", "A"])
    assert "tie_seed" in rule_error("irv", tie_seed=1.5)
    with pytest.raises(RuleError):
        tally("irv", options=OPTS, ballots="AB")
