"""The requirement-rules engine: pure, typed, no Django.

    from cmepath.credits.rules import evaluate, default_rules
    evaluation = evaluate(profile, completions, as_of=date(2026, 11, 25))

Rules are YAML files in ``credits/data/rules/`` (see ``docs/credits-engine.md``).
"""

from cmepath.credits.rules.boards import Authority, BoardDirectory, board_directory
from cmepath.credits.rules.coverage import Coverage, coverage_markdown, coverage_table
from cmepath.credits.rules.engine import (
    DEFAULT_AT_RISK_DAYS,
    RuleIndex,
    add_months,
    compile_rules,
    evaluate,
)
from cmepath.credits.rules.jsonio import (
    InputError,
    check_completions,
    completions_from_json,
    completions_to_json,
    evaluation_to_json,
    profile_from_json,
    profile_to_json,
    to_json,
)
from cmepath.credits.rules.loader import (
    RULES_DIR,
    RuleFileError,
    default_rules,
    load_rule_file,
    load_rules,
    parse_rule_text,
)
from cmepath.credits.rules.model import (
    BoardCert,
    ClinicianProfile,
    Completion,
    CredentialResult,
    CredentialStatus,
    Evaluation,
    Licence,
    RegimeResult,
    RequirementResult,
    Status,
)
from cmepath.credits.rules.spec import Regime, Requirement

from_json = (
    profile_from_json  # the profile is the usual thing to read; records: completions_from_json
)

__all__ = [
    "DEFAULT_AT_RISK_DAYS",
    "RULES_DIR",
    "Authority",
    "BoardCert",
    "BoardDirectory",
    "ClinicianProfile",
    "Completion",
    "Coverage",
    "CredentialResult",
    "CredentialStatus",
    "Evaluation",
    "InputError",
    "Licence",
    "RegimeResult",
    "Regime",
    "Requirement",
    "RequirementResult",
    "RuleFileError",
    "RuleIndex",
    "Status",
    "add_months",
    "board_directory",
    "check_completions",
    "compile_rules",
    "completions_from_json",
    "completions_to_json",
    "coverage_markdown",
    "coverage_table",
    "default_rules",
    "evaluate",
    "evaluation_to_json",
    "from_json",
    "load_rule_file",
    "load_rules",
    "parse_rule_text",
    "profile_from_json",
    "profile_to_json",
    "to_json",
]
