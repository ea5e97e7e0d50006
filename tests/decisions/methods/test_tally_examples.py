"""Published worked examples with known results, one or more per method.

Pure Python: no database, no Django settings needed.
"""

from fractions import Fraction

from concertation.decisions.methods import METHOD_KEYS, REGISTRY, Ballot, tally

# -- Tennessee capital example ---------------------------------------------------------------
# Source: Wikipedia, "Tennessee" example in "Instant-runoff voting", "Borda count",
# "Condorcet method"/"Schulze method" (also electowiki, "Effects of different voting systems
# under similar circumstances"). 42 % Memphis, 26 % Nashville, 15 % Chattanooga, 17 % Knoxville.
# Published winners: IRV Knoxville; Borda Nashville (194, 173, 126, 107 per 100 voters);
# Condorcet (Schulze) Nashville, with the Condorcet order Nashville > Chattanooga > Knoxville >
# Memphis.
CITIES = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
TENNESSEE = [
    (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
    (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
    (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
    (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
]


def expand(profile):
    return [list(r) for n, r in profile for _ in range(n)]


def test_tennessee_irv_knoxville_with_rounds():
    r = tally("irv", options=CITIES, ballots=expand(TENNESSEE))
    assert r.winners == ["Knoxville"]
    assert [rnd["counts"] for rnd in r.rounds] == [
        {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17},
        {"Memphis": 42, "Nashville": 26, "Knoxville": 32},
        {"Memphis": 42, "Knoxville": 58},
    ]
    assert [rnd["eliminated"] for rnd in r.rounds] == [["Chattanooga"], ["Nashville"], []]
    assert r.rounds[-1]["elected"] == ["Knoxville"]
    assert r.exhausted == 0
    assert r.tie_broken is False and r.seed is None
    assert r.adopted is None


def test_tennessee_borda_nashville():
    r = tally("borda", options=CITIES, ballots=expand(TENNESSEE))
    assert r.winners == ["Nashville", "Chattanooga", "Memphis", "Knoxville"]
    assert r.counts == {"Memphis": 126, "Nashville": 194, "Chattanooga": 173, "Knoxville": 107}


def test_tennessee_schulze_condorcet_order():
    r = tally("schulze", options=CITIES, ballots=expand(TENNESSEE))
    assert r.winners == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
    assert r.explanation_data["condorcet_winner"] == "Nashville"
    assert r.pairwise["Nashville"]["Chattanooga"] == 68
    assert r.pairwise["Chattanooga"]["Nashville"] == 32
    assert r.pairwise["Knoxville"]["Memphis"] == 58
    assert r.tie_broken is False


def test_tennessee_weighted_ballots_same_as_expanded():
    weighted = [Ballot(r, weight=n) for n, r in TENNESSEE]
    for method in ("irv", "borda", "schulze", "stv"):
        a = tally(method, options=CITIES, ballots=weighted)
        b = tally(method, options=CITIES, ballots=expand(TENNESSEE))
        assert (a.winners, a.counts, a.rounds, a.pairwise) == (
            b.winners,
            b.counts,
            b.rounds,
            b.pairwise,
        )


# -- Schulze ---------------------------------------------------------------------------------
# Source: Wikipedia, "Schulze method", example with 45 voters and 5 candidates (Markus Schulze's
# example 1). Published pairwise matrix d, strongest paths p, winner E and order E > A > C > B > D.
SCHULZE_45 = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
SCHULZE_D = {
    "A": {"B": 20, "C": 26, "D": 30, "E": 22},
    "B": {"A": 25, "C": 16, "D": 33, "E": 18},
    "C": {"A": 19, "B": 29, "D": 17, "E": 24},
    "D": {"A": 15, "B": 12, "C": 28, "E": 14},
    "E": {"A": 23, "B": 27, "C": 21, "D": 31},
}
SCHULZE_P = {
    "A": {"B": 28, "C": 28, "D": 30, "E": 24},
    "B": {"A": 25, "C": 28, "D": 33, "E": 24},
    "C": {"A": 25, "B": 29, "D": 29, "E": 24},
    "D": {"A": 25, "B": 28, "C": 28, "E": 24},
    "E": {"A": 25, "B": 28, "C": 28, "D": 31},
}


def test_schulze_wikipedia_45_voters():
    ballots = [list(s) for n, s in SCHULZE_45 for _ in range(n)]
    r = tally("schulze", options=list("ABCDE"), ballots=ballots)
    assert r.winners == ["E", "A", "C", "B", "D"]
    assert r.pairwise == SCHULZE_D
    assert r.explanation_data["strengths"] == SCHULZE_P
    assert r.explanation_data["condorcet_winner"] is None
    assert r.tie_broken is False
    assert sum(r.counts.values()) == 45


def test_schulze_partial_rankings_unranked_below_ranked():
    # DECISIONS.md example shape: ["B", "C"] ranks B and C above the unranked A.
    r = tally("schulze", options=["A", "B", "C"], ballots=[["A", "B", "C"], ["B", "C"], ["B"]])
    assert r.pairwise["B"] == {"A": 2, "C": 3}
    assert r.pairwise["C"] == {"A": 1, "B": 0}
    assert r.pairwise["A"] == {"B": 1, "C": 1}
    assert r.winners[0] == "B"


# -- STV -------------------------------------------------------------------------------------
# Source: Wikipedia, "Single transferable vote", example "choosing food for a party": 20
# voters, 3 seats, Droop quota 6; elected Chocolate, Oranges, Strawberries (Chocolate's surplus
# of 6 transferred at 1/2, Pears eliminated, Oranges reach the quota, Sweets eliminated).
FOOD = ["Oranges", "Pears", "Chocolate", "Strawberries", "Sweets"]
FOOD_BALLOTS = [
    (4, ["Oranges"]),
    (2, ["Pears", "Oranges"]),
    (8, ["Chocolate", "Strawberries"]),
    (4, ["Chocolate", "Sweets"]),
    (1, ["Strawberries"]),
    (1, ["Sweets"]),
]


def test_stv_wikipedia_food_election():
    r = tally("stv", options=FOOD, ballots=expand(FOOD_BALLOTS), seats=3)
    assert set(r.winners) == {"Oranges", "Chocolate", "Strawberries"}
    assert r.winners == ["Chocolate", "Oranges", "Strawberries"]  # order of election
    assert r.explanation_data["quota"] == 6
    first = r.rounds[0]
    assert first["counts"] == {
        "Oranges": 4,
        "Pears": 2,
        "Chocolate": 12,
        "Strawberries": 1,
        "Sweets": 1,
    }
    assert first["elected"] == ["Chocolate"]
    assert first["transfer"]["transfer_value"] == Fraction(1, 2)
    assert first["transfer"]["to"] == {"Strawberries": 4, "Sweets": 2}
    assert r.rounds[1]["eliminated"] == ["Pears"]
    assert r.rounds[2]["elected"] == ["Oranges"]
    assert r.rounds[-1]["elected"] == ["Strawberries"]
    assert r.exhausted == 3
    assert r.tie_broken is False


# Hand-computed (not from a publication): a fractional surplus, quota floor(10/3)+1 = 4 for 2
# seats; A's surplus 2 of 6 moves at the Gregory value 1/3.
def test_stv_fractional_gregory_transfer_is_exact():
    ballots = [["A", "B"]] * 3 + [["A", "C"]] * 3 + [["B"]] + [["C"]] * 2 + [["D"]]
    r = tally("stv", options=["A", "B", "C", "D"], ballots=ballots, seats=2)
    assert r.explanation_data["quota"] == 4
    t = r.rounds[0]["transfer"]
    assert t["transfer_value"] == Fraction(1, 3)
    assert t["to"] == {"B": 1, "C": 1}
    assert r.rounds[1]["counts"]["C"] == 3 and r.rounds[1]["counts"]["B"] == 2
    assert r.winners == ["A", "C"]


def test_stv_one_seat_equals_irv_on_tennessee():
    r = tally("stv", options=CITIES, ballots=expand(TENNESSEE), seats=1)
    assert r.winners == ["Knoxville"]
    assert r.explanation_data["quota"] == 51


# -- Approval, score, dot, time poll ----------------------------------------------------------
# Tennessee example again, each voter approving the two closest cities (the approval scenario
# of electowiki's "Effects of different voting systems…"; totals computed by hand: Nashville
# 68, Chattanooga 58, Memphis 42, Knoxville 32).
def test_approval_tennessee_two_closest():
    approvals = [
        (42, {"Memphis", "Nashville"}),
        (26, {"Nashville", "Chattanooga"}),
        (15, {"Chattanooga", "Knoxville"}),
        (17, {"Knoxville", "Chattanooga"}),
    ]
    r = tally("approval", options=CITIES, ballots=[Ballot(s, weight=n) for n, s in approvals])
    assert r.winners == ["Nashville", "Chattanooga", "Memphis", "Knoxville"]
    assert r.counts == {"Memphis": 42, "Nashville": 68, "Chattanooga": 58, "Knoxville": 32}


# Tennessee example with 0–5 scores by proximity (the score-voting scenario where Wikipedia's
# "Score voting" article reports Nashville; totals computed by hand on this 0–5 scale).
def test_score_tennessee_nashville():
    scores = [
        (42, {"Memphis": 5, "Nashville": 2, "Chattanooga": 1, "Knoxville": 0}),
        (26, {"Memphis": 0, "Nashville": 5, "Chattanooga": 3, "Knoxville": 2}),
        (15, {"Memphis": 0, "Nashville": 3, "Chattanooga": 5, "Knoxville": 4}),
        (17, {"Memphis": 0, "Nashville": 2, "Chattanooga": 4, "Knoxville": 5}),
    ]
    r = tally("score", options=CITIES, ballots=[Ballot(s, weight=n) for n, s in scores])
    assert r.winners == ["Nashville", "Chattanooga", "Memphis", "Knoxville"]
    assert r.counts == {"Memphis": 210, "Nashville": 293, "Chattanooga": 263, "Knoxville": 197}
    assert r.explanation_data["means"]["Nashville"] == Fraction(293, 100)


def test_dot_voting_budget_and_order():
    ballots = [{"A": 5, "B": 3}, {"B": 8}, {"A": 2, "C": 2, "D": 4}, {}]
    r = tally("dot", options=["A", "B", "C", "D"], ballots=ballots)
    assert r.counts == {"A": 7, "B": 11, "C": 2, "D": 4}
    assert r.winners == ["B", "A", "D", "C"]
    assert r.explanation_data["budget"] == 8
    assert tally("dot", options=["A"], ballots=[{"A": 12}], dots=12).counts == {"A": 12}


def test_time_poll_most_yes_then_if_need_be():
    slots = ["mon", "tue", "wed"]
    ballots = [
        {"mon": "yes", "tue": "yes", "wed": "no"},
        {"mon": "if_need_be", "tue": "yes", "wed": "yes"},
        {"mon": "yes", "tue": "no", "wed": "yes"},
        {"mon": "yes", "tue": "if_need_be"},
    ]
    r = tally("time_poll", options=slots, ballots=ballots)
    # mon: 3 yes, 1 if_need_be; tue: 2 yes, 1 if_need_be; wed: 2 yes, 0 if_need_be
    assert r.winners == ["mon", "tue", "wed"]
    assert r.counts["mon"] == {"yes": 3, "if_need_be": 1, "no": 0}
    assert r.counts["wed"] == {"yes": 2, "if_need_be": 0, "no": 1}
    assert r.tie_broken is False


# -- Yes/no methods --------------------------------------------------------------------------
# Source: issue 4 ("Adoptée : 12 pour, 3 contre, 2 abstentions; majorité des deux tiers des voix
# exprimées atteinte (12 ≥ 10)").
def test_majority_two_thirds_of_cast_issue_example():
    ballots = ["yes"] * 12 + ["no"] * 3 + ["abstain"] * 2
    r = tally("majority", ballots=ballots, threshold="two_thirds", base="cast")
    assert r.adopted is True
    assert r.winners == ["proposal"]
    e = r.explanation_data
    assert (e["yes"], e["no"], e["abstain"]) == (12, 3, 2)
    assert (e["base_count"], e["compared_with"], e["comparison"], e["required"]) == (
        15,
        10,
        ">=",
        10,
    )


def test_majority_thresholds_and_bases():
    b = ["yes"] * 10 + ["no"] * 5 + ["abstain"] * 5
    assert tally("majority", ballots=b).adopted is True  # 10 > 5
    absolute = tally("majority", ballots=b, threshold="absolute", base="present", present=20)
    assert absolute.adopted is False  # 10 is not > 10
    assert absolute.explanation_data["required"] == 11
    b19 = b[:-1]
    assert (
        tally("majority", ballots=b19, threshold="absolute", base="present", present=19).adopted
        is True
    )  # 10 > 9.5
    assert tally("majority", ballots=b, threshold="two_thirds").adopted is True  # 10 >= 10
    assert (
        tally("majority", ballots=b, threshold="two_thirds", base="eligible", eligible=20).adopted
        is False
    )  # 10 < 40/3
    assert tally("majority", ballots=b, threshold=Fraction(3, 5)).adopted is True  # 10 >= 9
    three_fifths = tally("majority", ballots=b, threshold="3/5", base="eligible", eligible=20)
    assert three_fifths.adopted is False  # 10 < 12
    assert three_fifths.explanation_data["required"] == 12
    assert tally("majority", ballots=b, threshold=Fraction(1, 2)).adopted is True  # 10 > 7.5
    # a tie is never adopted
    assert tally("majority", ballots=["yes", "no"]).adopted is False
    assert tally("majority", ballots=["yes", "no"], threshold="absolute").adopted is False
    assert tally("majority", ballots=[], threshold="two_thirds").adopted is False
    assert tally("majority", ballots=["abstain"], threshold=1).adopted is False


def test_majority_exact_arithmetic_with_fraction_weights():
    third = Fraction(1, 3)
    ballots = [Ballot("yes", third), Ballot("yes", third), Ballot("no", third)]
    r = tally("majority", ballots=ballots, threshold="two_thirds")
    assert r.adopted is True  # 2/3 >= 2/3 × 1 exactly (floats would round)
    assert r.counts == {"yes": Fraction(2, 3), "no": Fraction(1, 3), "abstain": 0}
    assert r.explanation_data["required"] is None


def test_consent_adopted_iff_no_objection():
    ok = tally("consent", ballots=["consent", "consent", "stand_aside"])
    assert ok.adopted is True and ok.winners == ["proposal"]
    objected = tally(
        "consent",
        options=["Budget 2025"],
        ballots=["consent", Ballot("objection", reason="too costly"), ("objection", "unsafe")],
    )
    assert objected.adopted is False and objected.winners == []
    assert objected.counts == {"consent": 1, "stand_aside": 0, "objection": 2}
    assert objected.explanation_data["objections"] == ["too costly", "unsafe"]
    assert tally("consent", options=["Budget"], ballots=["consent"]).winners == ["Budget"]
    assert tally("consent", ballots=[]).adopted is False


def test_consensus_tolerance_and_fallback():
    ballots = ["agree"] * 8 + ["stand_aside", "disagree"]
    assert tally("consensus", ballots=ballots).adopted is False
    assert tally("consensus", ballots=ballots).fallback_required is True
    r = tally("consensus", ballots=ballots, tolerance=1)
    assert r.adopted is True and r.fallback_required is False
    blocked = tally("consensus", ballots=["agree", ("block", "against our charter")], tolerance=5)
    assert blocked.adopted is False and blocked.fallback_required is True
    assert blocked.explanation_data["blocks"] == ["against our charter"]


def test_gradients_kaner_distribution_and_tolerance():
    ballots = [1, 1, 2, 3, 4, 5, 6, 2]
    r = tally("gradients", ballots=ballots)
    assert r.counts == {1: 2, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 0, 8: 0}
    assert r.explanation_data["reservations_share"] == Fraction(1, 4)
    assert r.adopted is False and r.fallback_required is True
    assert tally("gradients", ballots=ballots, tolerance=Fraction(1, 4)).adopted is True
    assert tally("gradients", ballots=ballots, tolerance="1/5").adopted is False
    assert tally("gradients", ballots=[1, 1, 8], tolerance=1).adopted is False  # veto


def test_advice_has_no_tally():
    r = tally("advice", ballots=["Ask the neighbours first.", Ballot("Fine by me", weight=1)])
    assert r.winners == [] and r.adopted is None and r.rounds == []
    assert r.counts == {"advice": 2}
    assert r.explanation_data["advice"] == ["Ask the neighbours first.", "Fine by me"]


def test_registry_has_every_method_of_decisions_md():
    assert (
        set(REGISTRY)
        == set(METHOD_KEYS)
        == {
            "consent",
            "consensus",
            "gradients",
            "majority",
            "approval",
            "score",
            "dot",
            "irv",
            "schulze",
            "borda",
            "stv",
            "time_poll",
            "advice",
        }
    )
    shapes = {k: m.ballot_shape for k, m in REGISTRY.items()}
    assert shapes["irv"] == shapes["stv"] == shapes["schulze"] == shapes["borda"] == "ranking"
    assert shapes["approval"] == "set" and shapes["time_poll"] == "slots"
    assert shapes["advice"] == "text" and shapes["majority"] == "position"
    for key, method in REGISTRY.items():
        assert method.key == key and method.label


def test_borda_unranked_share_remaining_points():
    # 4 options: A gets 3, B gets 2, C and D share 1 + 0 → 1/2 each.
    r = tally("borda", options=list("ABCD"), ballots=[["A", "B"]])
    assert r.counts == {"A": 3, "B": 2, "C": Fraction(1, 2), "D": Fraction(1, 2)}
    blank = tally("borda", options=list("ABCD"), ballots=[[]])
    assert blank.counts == dict.fromkeys("ABCD", Fraction(3, 2))


def test_irv_exhausted_ballots_reported():
    ballots = [["A"]] * 4 + [["B", "C"]] * 2 + [["C"]] * 3 + [["D"]] + [[]]
    r = tally("irv", options=list("ABCD"), ballots=ballots)
    # D eliminated (1 exhausted), then B's go to C: C 5 > A 4 among 9 continuing.
    assert r.winners == ["C"]
    assert r.exhausted == 1
    assert r.explanation_data["blank"] == 1
    assert r.rounds[-1]["counts"] == {"A": 4, "C": 5}
    assert r.rounds[-1]["continuing"] == 9
