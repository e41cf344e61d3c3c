"""The shared vocabulary: complete, consistent with the rules, helpful on typos."""

from __future__ import annotations

import pytest

from cmepath.core import vocabulary as v
from cmepath.credits.rules import default_rules


def test_required_credit_types_exist_with_body_and_unit() -> None:
    expected = {
        "ama_pra_1",
        "ama_pra_2",
        "aoa_1a",
        "aoa_1b",
        "ancc",
        "acpe",
        "aapa_1",
        "aapa_2",
        "aanp",
        "aanp_pharm",
        "ipce",
        "abim_moc",
        "nccpa_pi",
        "nccpa_sa",
        "other",
    }
    assert expected <= set(v.CREDIT_TYPES)
    assert v.CREDIT_TYPES["abim_moc"].unit == "point"
    assert v.CREDIT_TYPES["acpe"].unit == "contact hour"
    assert all(t.body and t.unit for t in v.CREDIT_TYPES.values())


def test_professions_and_competencies() -> None:
    assert set(v.PROFESSIONS) == {"MD", "DO", "NP", "PA", "RN", "PharmD", "other"}
    assert {"leadership", "finance", "quality_patient_safety", "clinical"} <= set(v.COMPETENCIES)


def test_every_topic_named_by_a_rule_is_a_mandated_topic() -> None:
    named = {t for r in default_rules() for q in r.requirements for t in q.topics}
    assert named <= set(v.MANDATED_TOPICS)
    assert len(set(v.TOPICS) - set(v.MANDATED_TOPICS)) >= 20  # general clinical topics


def test_choices_are_code_label_pairs_in_file_order() -> None:
    pairs = v.choices(v.PROFESSIONS)
    assert pairs[0] == ("MD", "Physician (MD)")
    assert len(pairs) == len(v.PROFESSIONS)


def test_validate_credit_type_suggests_nearest() -> None:
    assert v.validate_credit_type("ama_pra_1") == "ama_pra_1"
    with pytest.raises(ValueError, match="unknown credit type 'ama_pra1': did you mean ama_pra_1"):
        v.validate_credit_type("ama_pra1")


def test_vocabulary_records_source_and_as_of() -> None:
    assert v.AS_OF == "2026-11-25"
    assert v.SOURCE_URL.startswith("https://")


def test_states_are_the_fifty_states_dc_and_puerto_rico() -> None:
    assert len(v.STATES) == 52
    assert v.STATES["DC"].label == "District of Columbia"
    assert v.validate_state("TX") == "TX"
    with pytest.raises(ValueError, match="unknown state 'Texas'"):
        v.validate_state("Texas")


def test_accounts_choices_are_built_from_the_vocabulary() -> None:
    """Professions and states exist once: the model choices are the vocabulary's terms."""
    from cmepath.accounts.choices import US_STATES, Profession

    assert Profession.choices == v.choices(v.PROFESSIONS)
    assert Profession.PHARMD == "PharmD" and Profession.NP.label == "Nurse practitioner (NP)"
    assert v.choices(v.STATES) == US_STATES
