"""Paired figures of measures against a history worked out by hand.

The period is 2025-Q2: [1 April, 1 July 2025). Each person's readings, and what follows:

SWEMWBS (metric scores; reliable change 2.87, higher is better; no caseness):
- A: 15.32 in February, 19.98 in May.                 +4.66  reliably improved
- B: 20.73 in April, 21.54 in June.                   +0.81  no reliable change
- C: 22.35 in April, 18.59 in June.                   -3.76  reliably deteriorated
- D: 17.98 in April only.                             a baseline, no pair
- E: 16.36 in January, 19.25 in February.             nothing in Q2: not counted
- F: 14.75 in April, 17.43 in May, 28.13 in August.   latest up to the period's end is May:
                                                      +2.68  no reliable change (< 2.87)
- G: 20.73 in May, 25.03 in June.                     +4.30  reliably improved
- H: 19.98 in March, 19.98 in June.                    0.00  no reliable change
- I: 18.59 in February only; J: 17.98 in March only.  nothing in Q2: not counted
So: 7 with a baseline (A B C D F G H), 6 with a pair.

Follow-up rate, reviews every 12 weeks (84 days; every reading is on the 15th, 10:00 UTC, the
same local day): first follow-ups fell due in Q2 for A (15 Feb + 84 = 10 May; followed up in
May), E (15 Jan -> 9 Apr; followed up early, in February), H (15 Mar -> 7 Jun; June), I
(10 May; never) and J (7 Jun; never). B C D F (15 Apr -> 8 Jul) and G (15 May -> 7 Aug)
fall due after the period. So 5 fell due, 3 followed up: 60 %, which is hidden: beside the
5 shown it would give away the 3 (and the 2 not followed up). E, I and J have no reading
in Q2 at all, yet count: a follow-up owed is owed whether or not anyone turned up.
Baselines 15.32 20.73 22.35 14.75 20.73 19.98, mean 113.86 / 6 = 18.9767; latest 19.98 21.54
18.59 17.43 25.03 19.98, mean 122.55 / 6 = 20.425; changes sum 8.69, mean 1.4483; their SD
3.1495, SE 3.1495 / √6 = 1.2858, t(5) = 2.571, 95 % CI 1.4483 ± 3.3057 = (-1.8574, 4.7540).
Reliably improved 2 (A, G), no reliable change 3 (B, F, H), deteriorated 1 (C): all three
are 1-4, so all are shown as "fewer than 5".

PHQ-9 (reliable change 6, caseness 10, lower is better), all baselines in April, latest June:
- P1 18 → 8 (-10): improved; at caseness, recovered, reliably recovered.
- P2 12 → 9 (-3): no reliable change; at caseness, recovered, not reliably.
- P3 8 → 15 (+7): deteriorated; not at caseness at the start.
- P4 20 → 13 (-7): improved; at caseness, not recovered (still 10 or more).
- P5 10 → 4 (-6, exactly the threshold): improved; at caseness, recovered, reliably.
- P6 9 → 3 (-6): improved; not at caseness at the start.
So: 6 pairs; improved 4, no change 1, deteriorated 1; mean change -25 / 6 = -4.1667;
recovery cohort 4 (P1 P2 P4 P5), recovered 3, reliably recovered 2 — over 4 people, so the
rates are withheld.

ONS4, five people (worthwhile and happiness answered as satisfaction):
- satisfaction 3 → 6, 5 → 7, 7 → 8, 9 → 9, 4 → 8: mean change 10 / 5 = 2.0; at latest
  Low 0, Medium 1 (6), High 3 (7 8 8), Very high 1 (9): 0 %, 20 %, 60 %, 20 %. With 5
  pairs shown, each share of 1-4 people is a count of them: Medium, High and Very high are
  hidden, Low's 0 % is shown (0 people identify nobody).
- anxiety 6 → 3, 5 → 5, 2 → 2, 1 → 0, 7 → 4: mean change -7 / 5 = -1.4; at latest
  Very low 1 (0), Low 2 (3 2), Medium 2 (5 4), High 0.
"""

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.disclosure import FEWER, HIDDEN, WITHHELD
from app.measures.definitions import shipped
from app.measures.reporting import FollowUp, Reading, figures, follow_ups, summarise, t_975

START, END = datetime(2025, 3, 31, 23), datetime(2025, 6, 30, 23)  # local days, in UTC
MONTH = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Aug": 8}


def on(month: str) -> datetime:
    return datetime(2025, MONTH[month], 15, 10)


SWEMWBS = {
    "A": [("Feb", 15.32), ("May", 19.98)],
    "B": [("Apr", 20.73), ("Jun", 21.54)],
    "C": [("Apr", 22.35), ("Jun", 18.59)],
    "D": [("Apr", 17.98)],
    "E": [("Jan", 16.36), ("Feb", 19.25)],
    "F": [("Apr", 14.75), ("May", 17.43), ("Aug", 28.13)],
    "G": [("May", 20.73), ("Jun", 25.03)],
    "H": [("Mar", 19.98), ("Jun", 19.98)],
    "I": [("Feb", 18.59)],
    "J": [("Mar", 17.98)],
}
PHQ9 = {1: (18, 8), 2: (12, 9), 3: (8, 15), 4: (20, 13), 5: (10, 4), 6: (9, 3)}
ONS = {  # satisfaction, anxiety: (baseline, latest)
    1: ((3, 6), (6, 3)),
    2: ((5, 7), (5, 5)),
    3: ((7, 8), (2, 2)),
    4: ((9, 9), (1, 0)),
    5: ((4, 8), (7, 4)),
}


def swemwbs_readings():
    return [
        Reading(ord(name), on(month), score)
        for name, history in SWEMWBS.items()
        for month, score in history
    ]


def phq9_readings():
    return [
        Reading(pid, on(month), score)
        for pid, pair in PHQ9.items()
        for month, score in zip(("Apr", "Jun"), pair, strict=True)
    ]


def ons_readings():
    out = []
    for pid, (satisfaction, anxiety) in ONS.items():
        for n, month in enumerate(("Apr", "Jun")):
            s, a = satisfaction[n], anxiety[n]
            parts = {"satisfaction": s, "worthwhile": s, "happiness": s, "anxiety": a}
            out.append(Reading(pid, on(month), None, parts))
    return out


def test_swemwbs_paired_figures_match_the_hand_worked_oracle(app):
    s = summarise(shipped()["swemwbs"], swemwbs_readings(), START, END, FollowUp(12))
    assert (s.with_baseline, s.with_pair) == (7, 6)
    assert (s.follow_up_due, s.followed_up) == (5, 3)
    assert s.follow_up_rate == pytest.approx(0.6)
    assert s.change.mean_baseline == pytest.approx(18.9767, abs=1e-4)
    assert s.change.mean_latest == pytest.approx(20.425, abs=1e-4)
    assert s.change.mean_change == pytest.approx(1.4483, abs=1e-4)
    assert s.change.ci == pytest.approx((-1.8574, 4.7540), abs=1e-3)
    assert (s.improved, s.no_change, s.deteriorated) == (2, 3, 1)
    assert s.recovery_cohort is None


def shown_text(summary) -> dict[str, str]:
    """What a funder reads for each figure (app/disclosure.py decides)."""
    return {label: figure.text for label, figure in figures(summary)}


def test_swemwbs_figures_hide_the_small_counts_and_show_the_means_over_six(app):
    s = summarise(shipped()["swemwbs"], swemwbs_readings(), START, END, FollowUp(12))
    shown = shown_text(s)
    assert shown["People with a baseline"] == "7"
    assert shown["People with a follow-up (a pair)"] == "6"
    assert shown["People whose follow-up fell due"] == "5"
    assert s.follow_up_rate == pytest.approx(0.6)
    assert shown["Follow-up rate (%)"] == HIDDEN  # 60 % of 5 would be the 3 followed up
    assert shown["Mean change"] == "1.45"
    assert shown["Reliably improved"] == FEWER
    assert shown["No reliable change"] == FEWER
    assert shown["Reliably deteriorated"] == FEWER


def test_phq9_reliable_change_and_recovery_match_the_oracle():
    s = summarise(shipped()["phq9"], phq9_readings(), START, END)
    assert s.with_pair == 6
    assert (s.improved, s.no_change, s.deteriorated) == (4, 1, 1)
    assert s.change.mean_change == pytest.approx(-25 / 6)
    assert (s.recovery_cohort, s.recovered, s.reliably_recovered) == (4, 3, 2)
    shown = shown_text(s)
    assert shown["At caseness at baseline"] == FEWER
    assert shown["Recovery (%)"] == WITHHELD
    assert shown["Reliable recovery (%)"] == WITHHELD


def test_ons4_is_reported_item_by_item_with_the_share_in_each_band():
    s = summarise(shipped()["ons4"], ons_readings(), START, END)
    assert s.change is None and s.improved is None
    items = {i.key: i for i in s.items}
    assert items["satisfaction"].change.mean_change == pytest.approx(2.0)
    assert items["satisfaction"].bands_latest == {"Low": 0, "Medium": 1, "High": 3, "Very high": 1}
    assert items["anxiety"].change.mean_change == pytest.approx(-1.4)
    assert items["anxiety"].bands_latest == {"Very low": 1, "Low": 2, "Medium": 2, "High": 0}
    shown = shown_text(s)
    text = shipped()["ons4"].items[0].text
    # 60 % of the 5 pairs is 3 people: a share of a hidden count is hidden with it.
    assert shown[f"{text}: High at latest (%)"] == HIDDEN
    assert shown[f"{text}: Medium at latest (%)"] == HIDDEN
    assert shown[f"{text}: Low at latest (%)"] == "0"
    assert shown[f"{text}: mean change"] == "2"


def test_a_follow_up_falls_due_at_discharge_when_that_comes_before_the_review(app):
    """K: a baseline on 15 April, discharged on 20 May with no follow-up: due on 20 May (the
    12-week review would be 8 July), so owed in Q2. L: discharged on 20 May too, but the
    plan asks nothing at discharge, so L's follow-up is not due until July."""
    readings = [Reading(11, on("Apr"), 20.0), Reading(12, on("Apr"), 20.0)]
    discharged = {11: date(2025, 5, 20), 12: date(2025, 5, 20)}
    assert follow_ups(readings, START, END, FollowUp(12, True, {11: discharged[11]})) == (1, 0)
    assert follow_ups(readings, START, END, FollowUp(12, False, discharged)) == (0, 0)
    # Nothing to say when a plan has neither a review interval nor a discharge reading.
    s = summarise(shipped()["swemwbs"], readings, START, END, FollowUp(None, False))
    assert s.follow_up_rate is None and "Follow-up rate (%)" not in shown_text(s)


def test_a_single_reading_is_a_baseline_never_a_pair():
    s = summarise(shipped()["swemwbs"], [Reading(1, on("May"), 20.0)], START, END)
    assert (s.with_baseline, s.with_pair, s.change.n) == (1, 0, 0)
    assert s.change.mean_change is None


def test_a_lone_hidden_cell_hides_a_second_so_the_pairs_cannot_give_it_away():
    """Improved, no change and deteriorated add up to the people with a pair, which is shown:
    with 10 and 7 beside 20, the 3 would be 20 - 17, so the 7 is hidden too."""
    s = summarise(shipped()["swemwbs"], swemwbs_readings(), START, END)
    shown = shown_text(replace(s, with_pair=20, improved=10, no_change=3, deteriorated=7))
    assert shown["People with a follow-up (a pair)"] == "20"
    assert shown["Reliably improved"] == "10"
    assert shown["No reliable change"] == FEWER
    assert shown["Reliably deteriorated"] == HIDDEN
    shown = shown_text(replace(s, with_pair=17, improved=10, no_change=0, deteriorated=7))
    assert (shown["No reliable change"], shown["Reliably deteriorated"]) == ("0", "7")


@pytest.mark.parametrize(
    ("df", "t"), [(1, 12.706), (5, 2.571), (30, 2.042), (45, 2.021), (500, 1.96)]
)
def test_student_t_for_the_interval(df, t):
    assert t_975(df) == t
