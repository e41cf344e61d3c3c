"""Offline ZIP lookups (the ``zipcodes`` package) and the attribution its data needs."""

from __future__ import annotations

import pytest
import zipcodes

from cmepath.core import zipdata
from cmepath.core.vocabulary import STATES

JURISDICTIONS = [code for code in STATES if code != "PR"]  # the 50 states and DC


def test_a_real_zip_gives_its_city_state_and_coordinates():
    place = zipdata.lookup("10001")
    assert place is not None
    assert (place.zip_code, place.city, place.state) == ("10001", "New York", "NY")
    assert isinstance(place.latitude, float) and isinstance(place.longitude, float)
    assert place.latitude == pytest.approx(40.7484, abs=0.01)
    assert place.longitude == pytest.approx(-73.9967, abs=0.01)


def test_dc_zip_is_in_dc():
    place = zipdata.lookup("20001")
    assert place is not None and (place.city, place.state) == ("Washington", "DC")


@pytest.mark.parametrize(
    "value", ["00000", "abcde", "1000", "100011", "10001-1234", " 10001", "1000a", ""]
)
def test_anything_but_an_existing_five_digit_zip_gives_none(value):
    assert zipdata.lookup(value) is None


def test_an_inactive_zip_gives_none():
    inactive = next(z["zip_code"] for z in zipcodes.list_all() if not z["active"])
    assert zipdata.lookup(inactive) is None


def test_lookups_are_cached():
    assert zipdata.lookup("60601") is zipdata.lookup("60601")


@pytest.mark.parametrize("state", JURISDICTIONS)
def test_every_state_and_dc_has_standard_zips_with_coordinates(state):
    places = zipdata.zips_in_state(state)
    assert len(places) > 0
    assert all(p.state == state for p in places)
    assert all(p.latitude is not None and p.longitude is not None for p in places)
    assert [p.zip_code for p in places] == sorted(p.zip_code for p in places)


def test_zips_in_state_keeps_only_active_standard_zips():
    ny = {p.zip_code for p in zipdata.zips_in_state("NY")}
    assert "10001" in ny
    rows = {z["zip_code"]: z for z in zipcodes.filter_by(state="NY")}
    assert all(rows[z]["active"] and rows[z]["zip_code_type"] == "STANDARD" for z in ny)
    assert any(not r["active"] or r["zip_code_type"] != "STANDARD" for r in rows.values())


@pytest.mark.parametrize("state", ["ZZ", "", "New York"])
def test_an_unknown_state_has_no_zips(state):
    assert zipdata.zips_in_state(state) == ()


def test_attribution_credits_the_data_sources_and_the_cc_by_licence():
    text = zipdata.ATTRIBUTION
    for needed in (
        "zipcodes",
        "GeoNames",
        "CC BY 4.0",
        "creativecommons.org/licenses/by/4.0",
        "unitedstateszipcodes.org",
        "USPS",
    ):
        assert needed in text
