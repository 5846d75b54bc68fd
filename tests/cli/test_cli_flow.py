"""`stats`, `forecast` and `card show` times on a small history whose figures are computed by hand.

Days are inclusive calendar days in the squad's zone: a card started 8 days ago and finished 5
days ago took 4 days; one started and finished on the same day took 1.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.cli.helpers import Squadboard


@pytest.fixture
def flowing(sb: Squadboard) -> Squadboard:
    sb.ok("squad", "add", "Growth squad", "--prefix", "GRW", "--tz", "UTC", "--member", "Ana")
    sb.ok("tag", "add", "Trial conversion")
    # GRW-1: created 10 days ago, started 8 days ago, finished 5 days ago -> cycle 4, lead 6.
    sb.ok("card", "add", "Four days", "--tag", "Trial conversion", "--at", "10 days ago")
    sb.ok("card", "move", "GRW-1", "Doing", "--at", "8 days ago")
    sb.ok("card", "move", "GRW-1", "Done", "--at", "5 days ago")
    # GRW-2: started and finished the same day -> cycle 1.
    sb.ok("card", "add", "Same day", "--at", "9 days ago")
    sb.ok("card", "move", "GRW-2", "Doing", "--at", "6 days ago")
    sb.ok("card", "move", "GRW-2", "Done", "--at", "6 days ago")
    # GRW-3: in flight since 3 days ago -> age 4.
    sb.ok("card", "add", "Still going", "--at", "4 days ago")
    sb.ok("card", "move", "GRW-3", "Doing", "--at", "3 days ago")
    return sb


def test_stats_json_has_the_hand_computed_figures(flowing: Squadboard) -> None:
    report = flowing.json("stats", "--since", "30 days ago")
    assert report["throughput"] == 2
    assert report["arrivals"] == 3
    assert report["net_flow"] == 1
    assert report["cycle_time"] == {
        "n": 2,
        "p50": 1.0,
        "p70": 1.0,
        "p85": 1.0,
        "p95": 1.0,
        "low_sample": True,
    }
    assert [(c["key"], c["age"]) for c in report["in_flight"]] == [("GRW-3", 4.0)]
    assert "inclusive calendar days" in report["convention"]
    cycle_times = {c["key"]: c["cycle_time"] for c in report["cards"]}
    assert cycle_times == {"GRW-1": 4.0, "GRW-2": 1.0, "GRW-3": None}
    assert report["breakdowns"]["finished_untagged"] == 1


def test_stats_in_hours_uses_elapsed_time(flowing: Squadboard) -> None:
    report = flowing.json("stats", "--unit", "hours")
    cycle_times = {c["key"]: c["cycle_time"] for c in report["cards"]}
    assert cycle_times["GRW-1"] == pytest.approx(72.0, abs=0.01)
    assert cycle_times["GRW-2"] == pytest.approx(0.0, abs=0.01)
    assert "elapsed hours" in report["convention"]


def test_stats_for_people_states_its_conventions(flowing: Squadboard) -> None:
    out = flowing.ok("stats", "--by", "tag").stdout
    assert "Cycle time" in out
    assert "n=2" in out
    assert "Trial conversion" in out
    assert "(no value tag)" in out
    assert "floor(p*n)" in out


def test_stats_csv_lists_every_card(flowing: Squadboard) -> None:
    rows = list(csv.DictReader(io.StringIO(flowing.ok("stats", "--csv").stdout)))
    assert {r["key"]: r["cycle_time"] for r in rows} == {
        "GRW-1": "4.0",
        "GRW-2": "1.0",
        "GRW-3": "",
    }
    grouped = list(csv.DictReader(io.StringIO(flowing.ok("stats", "--csv", "--by", "tag").stdout)))
    assert {r["tag"]: r["throughput"] for r in grouped} == {
        "Trial conversion": "1",
        "(no value tag)": "1",
    }


def test_card_show_includes_its_times(flowing: Squadboard) -> None:
    times = flowing.json("card", "show", "GRW-1")["times"]
    assert (times["cycle_time"], times["lead_time"], times["age"]) == (4.0, 6.0, None)
    assert set(times["hours_in_columns"]) == {"Backlog", "Doing", "Done"}
    assert flowing.json("card", "show", "GRW-3")["times"]["age"] == 4.0
    assert "Cycle time" in flowing.ok("card", "show", "GRW-1").stdout


def test_forecasts_repeat_for_a_seed(flowing: Squadboard) -> None:
    first = flowing.json("forecast", "--items", "3", "--seed", "11", "--window", "14")
    again = flowing.json("forecast", "--items", "3", "--seed", "11", "--window", "14")
    assert first == again
    assert first["seed"] == 11
    assert first["trials"] == 10_000
    assert first["p50"] <= first["p85"] <= first["p95"]
    how_many = flowing.json("forecast", "--by", "in 30 days", "--seed", "3", "--window", "14")
    assert how_many["p95"] <= how_many["p85"] <= how_many["p50"]


def test_forecast_prints_its_seed_and_window(flowing: Squadboard) -> None:
    out = flowing.ok("forecast", "--items", "2", "--window", "14").stdout
    assert "seed" in out
    assert "--seed" in out
    assert "14 days" in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("forecast",), 2),
        (("forecast", "--items", "3", "--by", "2099-01-01"), 2),
        (("forecast", "--by", "2 days ago"), 2),
        (("forecast", "--items", "0"), 2),
        (("stats", "--since", "tomorrow", "--until", "yesterday"), 2),
        (("stats", "--by", "colour"), 2),
        (("stats", "--csv", "--json"), 2),
    ],
)
def test_bad_flow_requests_are_one_line_errors(
    flowing: Squadboard, args: tuple[str, ...], code: int
) -> None:
    flowing.fail(code, *args)


def test_a_configured_sle_replaces_the_historical_one(flowing: Squadboard) -> None:
    assert flowing.json("stats")["sle"]["source"] == "history"
    squad = flowing.json("squad", "edit", "--sle", "3", "--sle-percent", "80")
    assert (squad["sle_days"], squad["sle_percent"]) == (3.0, 80)
    sle = flowing.json("stats")["sle"]
    assert (sle["source"], sle["value"], sle["percent"]) == ("configured", 3.0, 80)
    assert (sle["finished"], sle["hits"]) == (2, 1)  # 1 day is within 3, 4 days is not
    assert flowing.json("squad", "edit", "--sle", "none")["sle_days"] is None
    flowing.fail(2, "squad", "edit", "--sle", "-1")
    flowing.fail(2, "squad", "edit", "--sle", "soon")
