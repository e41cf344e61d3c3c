"""Hypothesis properties of the engine: monotone in completions, independent of order."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.credits.rules import BoardCert, Completion, evaluate
from tests.credits.rules_helpers import licence, profile

AS_OF = date(2026, 11, 25)
TOPIC_POOL = [
    "pain_management",
    "end_of_life_care",
    "geriatrics",
    "ethics",
    "opioid_prescribing",
    "substance_use_disorder",
    "domestic_violence",
    "human_trafficking",
    "medical_errors",
    "cardiology",
    "implicit_bias",
    "infection_control",
]
CREDIT_POOL = ["ama_pra_1", "ama_pra_2", "aoa_1a", "aapa_1", "abim_moc", "acpe", "ancc", "nccpa_pi"]

PROFILE = profile(
    licence("CA", dea_registered=True, issue_date=date(2022, 5, 1), expiry_date=date(2027, 3, 31)),
    licence("TX", dea_registered=True, issue_date=date(2011, 5, 1), expiry_date=date(2027, 1, 31)),
    licence("FL", issue_date=date(2019, 3, 1), expiry_date=date(2027, 1, 31)),
    licence("IA", dea_registered=True, expiry_date=date(2027, 6, 30)),
    licence("KY", "PA", expiry_date=date(2026, 12, 31)),
    profession="MD",
    specialties=frozenset({"internal_medicine", "family_medicine"}),
    patients_65_plus_share=0.5,
    dea_registration_date=date(2022, 9, 1),
    board_certifications=(
        BoardCert("ABIM", "internal_medicine", date(2023, 1, 1), date(2027, 12, 31)),
    ),
)
PA_PROFILE = profile(
    licence("KY", "PA", expiry_date=date(2026, 12, 31)),
    profession="PA",
    board_certifications=(BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)),),
)


@st.composite
def completions(draw: st.DrawFn, prefix: str = "c") -> Completion:
    n = draw(st.integers(min_value=0, max_value=10_000))
    credits = draw(
        st.dictionaries(
            st.sampled_from(CREDIT_POOL),
            st.floats(0.25, 60).map(lambda x: round(x, 2)),
            min_size=1,
            max_size=3,
        )
    )
    return Completion(
        id=f"{prefix}{n}",
        title="t",
        completed_on=AS_OF - timedelta(days=draw(st.integers(0, 3650))),
        credits=credits,
        topics=frozenset(draw(st.lists(st.sampled_from(TOPIC_POOL), max_size=3))),
        kinds=frozenset(draw(st.lists(st.sampled_from(["pi_cme", "sa_cme"]), max_size=1))),
    )


def unique(items: list[Completion]) -> list[Completion]:
    seen: dict[str, Completion] = {}
    for c in items:
        seen.setdefault(c.id, c)
    return list(seen.values())


def counted(profile_, records):  # type: ignore[no-untyped-def]
    return {
        (r.regime_id, q.id): q.hours_counted
        for r in evaluate(profile_, records, AS_OF).regimes
        for q in r.requirements
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(completions(), max_size=25),
    completions(prefix="new"),
    st.sampled_from([PROFILE, PA_PROFILE]),
)
def test_adding_a_completion_never_lowers_counted_hours(records, extra, who) -> None:  # type: ignore[no-untyped-def]
    records = unique(records)
    before = counted(who, records)
    after = counted(who, [*records, extra])
    assert before.keys() == after.keys()
    for key, hours in before.items():
        assert after[key] >= hours, key


@settings(max_examples=60, deadline=None)
@given(
    st.lists(completions(), max_size=25),
    st.randoms(use_true_random=False),
    st.sampled_from([PROFILE, PA_PROFILE]),
)
def test_evaluation_is_independent_of_record_order(records, rnd, who) -> None:  # type: ignore[no-untyped-def]
    records = unique(records)
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert evaluate(who, records, AS_OF) == evaluate(who, shuffled, AS_OF)
