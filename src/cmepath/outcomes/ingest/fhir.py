"""FHIR R4 bulk-data NDJSON to the normalized orders dataset, inside DuckDB.

Two passes, no Python object per resource:

1. **Stage.** Each file is read as raw lines (``read_csv`` with no delimiter or quoting);
   DuckDB parses each line once and pulls the fields we use with one multi-path
   ``json_extract_string``. Malformed lines are flagged by ``json_valid`` with their line
   number. Each file passes through a scratch table into narrow per-type tables that
   hold only the fields the resolution needs, far less than the JSON.
2. **Resolve.** Patient, Organization, Practitioner, Encounter and Condition get a key
   table with one row per way to reference them: ``Type/id`` (relative or absolute URL,
   with or without ``_history``) and ``Type?identifier=system|value`` (and
   ``identifier=value`` for any system). MedicationRequests join these keys: subject to
   Patient, encounter to Encounter (setting, and its ``serviceProvider`` to the
   Organization that is the unit), requester to Practitioner, reasonReference to
   Condition (or reasonCode directly).

Unresolved references, malformed lines and orders without a date, drug or unit are
counted, listed with file and line number (up to ``MAX_PROBLEMS``) and skipped; the
import goes on. DuckDB runs with a memory limit and spills to disk, so peak memory stays
bounded whatever the file size. The patient key is an HMAC-SHA256 of the Patient id
with the project's salt, computed in SQL.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from cmepath.core.progress import FRACTION_UNITS, Progress, no_progress, of_fraction
from cmepath.outcomes.ingest import duck
from cmepath.outcomes.ingest.normalize import (
    DRUG_SYSTEMS,
    DX_SYSTEMS,
    ENCOUNTER_CLASS,
    MAX_PROBLEMS,
    ORDERS_FILE,
    IngestError,
    IngestReport,
    Problem,
    age_band_sql,
    check_salt,
    hmac_sql,
)

RESOURCE_TYPES = (
    "Patient",
    "Organization",
    "Practitioner",
    "Encounter",
    "Condition",
    "MedicationRequest",
)
_PATHS = (
    ("rt", "$.resourceType"),
    ("id", "$.id"),
    ("subject", "$.subject.reference"),
    ("encounter", "$.encounter.reference"),
    ("requester", "$.requester.reference"),
    ("authored", "$.authoredOn"),
    ("drug_sys", "$.medicationCodeableConcept.coding[0].system"),
    ("drug_code", "$.medicationCodeableConcept.coding[0].code"),
    ("reason_ref", "$.reasonReference[0].reference"),
    ("reason_sys", "$.reasonCode[0].coding[0].system"),
    ("reason_code", "$.reasonCode[0].coding[0].code"),
    ("supply_value", "$.dispenseRequest.expectedSupplyDuration.value"),
    ("supply_unit", "$.dispenseRequest.expectedSupplyDuration.code"),
    ("bounds_value", "$.dosageInstruction[0].timing.repeat.boundsDuration.value"),
    ("bounds_unit", "$.dosageInstruction[0].timing.repeat.boundsDuration.code"),
    ("provider", "$.serviceProvider.reference"),
    ("enc_class", "$.class.code"),
    ("code_sys", "$.code.coding[0].system"),
    ("code", "$.code.coding[0].code"),
    ("birth", "$.birthDate"),
    ("period_start", "$.period.start"),
    ("status", "$.status"),
    ("identifier", "$.identifier"),  # JSON text of the array, for conditional references
)
_EXCLUDED_STATUS = ("entered-in-error", "cancelled", "draft")


def _map_sql(mapping: dict[str, str], column: str, default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {column} = '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {whens} ELSE {default} END"


def _days(value: str, unit: str) -> str:
    return (
        f"CASE WHEN {unit} IS NULL OR {unit} IN ('d', 'day', 'days') THEN try_cast({value} AS DOUBLE) "
        f"WHEN {unit} IN ('wk', 'week', 'weeks') THEN try_cast({value} AS DOUBLE) * 7 "
        f"WHEN {unit} IN ('mo', 'month', 'months') THEN try_cast({value} AS DOUBLE) * 30 "
        f"WHEN {unit} IN ('h', 'hour', 'hours') THEN try_cast({value} AS DOUBLE) / 24 END"
    )


_MACROS = r"""
CREATE OR REPLACE MACRO norm_ref(r) AS CASE
  WHEN r IS NULL THEN NULL
  WHEN NOT (contains(r, '?') OR contains(r, '%') OR contains(r, '://') OR contains(r, '/_history/')) THEN r
  WHEN contains(url_decode(r), '?identifier=') THEN
    regexp_extract(split_part(url_decode(r), '?', 1), '([A-Za-z]+)$', 1) || '?identifier=' ||
    split_part(url_decode(r), '?identifier=', 2)
  ELSE regexp_extract(r, '([A-Za-z]+/[^/?]+)(/_history/[^/]*)?$', 1)
END;
CREATE OR REPLACE MACRO lit_id(ref, type) AS
  CASE WHEN starts_with(ref, type || '/') THEN substr(ref, length(type) + 2) END;
"""


def ingest_fhir(
    files: Sequence[Path],
    out_dir: Path,
    *,
    salt: str,
    progress: Progress = no_progress,
    memory_limit: str | None = None,
    on_disk: bool | None = None,
) -> IngestReport:
    """Read NDJSON files (any mix of resource types) and write ``out_dir/orders.parquet``.

    Inputs up to ``IN_MEMORY_MAX_INPUT`` bytes are staged in memory (limit 1.5 GB);
    larger ones in a scratch database file (limit 1 GB), so peak memory stays under 2 GB
    whatever the size."""
    check_salt(salt)
    started = time.perf_counter()
    report = IngestReport(format="fhir")
    files = [Path(f) for f in files]
    for f in files:
        if not f.is_file():
            raise IngestError(f"{f}: no such file")
        report.files.append(f.name)
        report.bytes_read += f.stat().st_size
    out_dir.mkdir(parents=True, exist_ok=True)
    total = max(report.bytes_read, 1)
    if on_disk is None:
        on_disk = report.bytes_read > duck.IN_MEMORY_MAX_INPUT
    limit = memory_limit or (duck.DEFAULT_MEMORY_LIMIT if on_disk else duck.IN_MEMORY_LIMIT)
    with duck.connect(out_dir, memory_limit=limit, on_disk=on_disk) as con:
        con.execute(_MACROS)
        _stage(con, files, progress, total)
        # line numbers are columns from here on: order no longer matters, and keeping it
        # would make the joins hold their whole result in memory
        con.execute("SET preserve_insertion_order = false")
        _resolve(con, salt, progress)
        _collect_problems(con, report)
        target = out_dir / ORDERS_FILE
        duck.run(
            con,
            f"COPY (SELECT order_date, unit, prescriber, patient_key, age, age_band, setting, dx_system, "
            f"dx_code, drug_system, drug_code, days_supply FROM resolved WHERE problem IS NULL) TO {duck.quote_path(target)} (FORMAT parquet, COMPRESSION zstd)",
            progress=progress,
            low=0.93,
            high=1.0,
            stage="writing Parquet",
        )
        report.rows_written = _scalar(con, "SELECT count(*) FROM resolved WHERE problem IS NULL")
        report.lines_read = _scalar(con, "SELECT sum(n) FROM line_stats")
        report.resources = {
            str(rt): int(n)
            for rt, n in con.execute(
                "SELECT rt, sum(n) FROM line_stats WHERE rt IS NOT NULL GROUP BY rt ORDER BY rt"
            ).fetchall()
        }
        report.output = str(target)
    report.seconds = time.perf_counter() - started
    return report


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


# Narrow per-type tables: what the resolution needs from each resource type, and no more
# (a wide table of every field for every line would hold most of its cells empty).
_TABLES = {
    "t_patient": ("Patient", "id, birth, identifier"),
    "t_org": ("Organization", "id, org_name, identifier"),
    "t_prac": ("Practitioner", "id, identifier"),
    "t_enc": ("Encounter", "id, enc_class, provider, period_start, identifier"),
    "t_cond": ("Condition", "id, code_sys, code, identifier"),
    "mr": (
        "MedicationRequest",
        "file, line_no, id, status, subject, encounter, requester, reason_ref, authored, "
        "drug_sys, drug_code, reason_sys, reason_code, supply_value, supply_unit, bounds_value, bounds_unit",
    ),
}


def _first_type(path: Path) -> str | None:
    """The resourceType of the first non-blank line (bulk export: one type per file)."""
    import json

    with path.open("rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    value = json.loads(raw)
                except ValueError:
                    return None
                return value.get("resourceType") if isinstance(value, dict) else None
    return None


def _stage_sql(path: Path, name: str, fields: list[str], parse_try: bool) -> str:
    """One scan of a file: the listed fields (``rt`` first), parsed once, in file order.

    No window numbers the lines (it would serialize the scan, about a third of the time):
    with ``preserve_insertion_order`` the scratch table's rows keep the file's order, so
    ``rowid + 1`` is the line number (blank lines are kept in the table for that and left
    out by the ``wide`` view). The table holds the extracted fields only, never the raw
    JSON text (bounded memory on large files)."""
    path_of = dict(_PATHS) | {"org_name": "$.name"}
    # In a mixed file, $.name is read for Organization lines only (a Patient's name never
    # enters the scratch tables).
    mixed = "subject" in fields
    parsed = [f for f in fields if not (mixed and f == "org_name")]
    paths = "[" + ", ".join(f"'{path_of[f]}'" for f in parsed) + "]"
    parse = f"json_extract_string(j, {paths})"
    if parse_try:
        parse = f"try({parse})"
    named = ", ".join(f"v[{i + 1}] AS {f}" for i, f in enumerate(parsed))
    org = ", org_name" if mixed else ""
    org_expr = (
        ", CASE WHEN v[1] = 'Organization' THEN json_extract_string(j, '$.name') END AS org_name"
        if mixed
        else ""
    )
    # ``blank`` runs trim() only on lines that do not start with a brace (trimming every
    # line cost about a third of the scan)
    return f"""
        CREATE TEMP TABLE wide_raw AS
        SELECT blank, v IS NOT NULL AS ok, {named}{org}
        FROM (
            SELECT {parse} AS v,
                   CASE WHEN j IS NULL THEN true WHEN starts_with(j, '{{') THEN false ELSE trim(j, ' ' || chr(9) || chr(13)) = '' END AS blank{org_expr}
            FROM read_csv({duck.quote_path(path)}, columns = {{'j': 'VARCHAR'}}, header = false,
                          delim = '\x01', quote = '', escape = '', auto_detect = false,
                          max_line_size = 67108864, strict_mode = false)
        );
        CREATE TEMP VIEW wide AS
        SELECT '{name}' AS file, rowid + 1 AS line_no, * EXCLUDE (blank) FROM wide_raw WHERE NOT blank;
    """


_DROP_WIDE = "DROP VIEW IF EXISTS wide; DROP TABLE IF EXISTS wide_raw"


def _stage(
    con: duckdb.DuckDBPyConnection, files: Sequence[Path], progress: Progress, total: int
) -> None:
    every = [name for name, _ in _PATHS] + ["org_name"]
    fields_of = {
        rt: ["rt", *[c.strip() for c in cols.split(",") if c.strip() not in ("file", "line_no")]]
        for rt, cols in _TABLES.values()
    }
    blank_cols = ", ".join(f"NULL::VARCHAR AS {f}" for f in every)
    for table, (_, cols) in _TABLES.items():
        con.execute(
            f"CREATE TABLE {table} AS SELECT {cols} FROM (SELECT NULL::VARCHAR AS file, "
            f"NULL::BIGINT AS line_no, {blank_cols}) LIMIT 0"
        )
    con.execute("CREATE TABLE line_stats (file VARCHAR, rt VARCHAR, n BIGINT)")
    con.execute("CREATE TABLE bad_lines (file VARCHAR, line_no BIGINT, kind VARCHAR)")
    done = 0
    for path in files:
        size = path.stat().st_size
        low, high = 0.85 * done / total, 0.85 * (done + size) / total
        name = path.name.replace("'", "''")
        # A bulk export has one resource type per file: parse only that type's fields. A
        # file that turns out to mix types is read again with every field.
        first = _first_type(path)
        plans = ([fields_of[first]] if first in fields_of else []) + [every]
        for fields in plans:
            # One parse per line. Optimistic first: a clean file (the usual case) parses
            # without try(), which costs about a quarter more; a file with a malformed
            # line fails as a whole and is read again with try() (NULL for that line).
            try:
                duck.run(
                    con,
                    _stage_sql(path, name, fields, False),
                    progress=progress,
                    low=low,
                    high=high,
                    stage=f"reading {path.name}",
                )
            except duckdb.InvalidInputException:
                con.execute(_DROP_WIDE)
                duck.run(
                    con,
                    _stage_sql(path, name, fields, True),
                    progress=progress,
                    low=low,
                    high=high,
                    stage=f"reading {path.name}",
                )
            if fields is every or not _scalar(
                con, f"SELECT count(*) FROM wide WHERE ok AND rt <> '{first}'"
            ):
                break
            con.execute(_DROP_WIDE)
        for table, (rt, cols) in _TABLES.items():
            if fields is every or rt == first:
                con.execute(
                    f"INSERT INTO {table} SELECT {cols} FROM wide WHERE ok AND rt = '{rt}'"
                    + (" AND id IS NOT NULL" if table != "mr" else "")
                )
        con.execute(
            "INSERT INTO line_stats SELECT file, CASE WHEN ok THEN rt END, count(*) FROM wide GROUP BY ALL"
        )
        con.execute(
            "INSERT INTO bad_lines SELECT file, line_no, CASE WHEN ok THEN 'not_a_resource' "
            "ELSE 'malformed_json' END FROM wide WHERE NOT ok OR rt IS NULL"
        )
        con.execute(_DROP_WIDE)  # DROP frees the scratch table's memory, DELETE would not
        done += size


def _resolve(con: duckdb.DuckDBPyConnection, salt: str, progress: Progress) -> None:
    con.execute(
        f"""
        CREATE TABLE idents AS
        SELECT rt, id, i.system AS system, i.value AS value FROM (
            SELECT rt, id, unnest(from_json(identifier, '[{{"system":"VARCHAR","value":"VARCHAR"}}]')) AS i
            FROM (
                SELECT 'Patient' AS rt, id, identifier FROM t_patient WHERE identifier LIKE '[%'
                UNION ALL SELECT 'Organization', id, identifier FROM t_org WHERE identifier LIKE '[%'
                UNION ALL SELECT 'Practitioner', id, identifier FROM t_prac WHERE identifier LIKE '[%'
                UNION ALL SELECT 'Encounter', id, identifier FROM t_enc WHERE identifier LIKE '[%'
                UNION ALL SELECT 'Condition', id, identifier FROM t_cond WHERE identifier LIKE '[%'
            )
        ) WHERE i.value IS NOT NULL;


        CREATE TABLE patients AS
        SELECT id, try_cast(substr(birth, 1, 10) AS DATE) AS birth, {hmac_sql(salt, "id")} AS patient_key
        FROM (SELECT id, any_value(birth) AS birth FROM t_patient GROUP BY id);

        CREATE TABLE orgs AS
        SELECT r.id, coalesce(any_value(r.org_name), any_value(i.value), r.id) AS label
        FROM t_org r LEFT JOIN idents i ON i.rt = 'Organization' AND i.id = r.id GROUP BY r.id;

        CREATE TABLE pracs AS
        SELECT r.id, coalesce(any_value(i.value), r.id) AS label
        FROM t_prac r LEFT JOIN idents i ON i.rt = 'Practitioner' AND i.id = r.id GROUP BY r.id;

        CREATE TABLE encs AS
        SELECT id, any_value(enc_class) AS enc_class, any_value(norm_ref(provider)) AS provider_ref,
               any_value(provider) AS provider, any_value(period_start) AS period_start
        FROM t_enc GROUP BY id;

        CREATE TABLE conds AS
        SELECT id, any_value(code_sys) AS code_sys, any_value(code) AS code FROM t_cond GROUP BY id;

        -- conditional references only (literal Type/id references join the tables
        -- directly), and only those the orders and encounters use, an identifier shared
        -- by two resources is ambiguous and left out
        CREATE TABLE wanted AS
        SELECT DISTINCT r AS ref FROM (
            SELECT norm_ref(subject) AS r FROM mr UNION ALL SELECT norm_ref(encounter) FROM mr
            UNION ALL SELECT norm_ref(requester) FROM mr UNION ALL SELECT norm_ref(reason_ref) FROM mr
            UNION ALL SELECT provider_ref FROM encs
        ) WHERE contains(r, '?identifier=');

        CREATE TABLE ident_keys AS
        SELECT ref, min(id) AS id FROM (
            SELECT rt || '?identifier=' || coalesce(system, '') || '|' || value AS ref, id FROM idents
            UNION ALL
            SELECT rt || '?identifier=' || value, id FROM idents
        ) WHERE ref IN (SELECT ref FROM wanted) GROUP BY ref HAVING min(id) = max(id);

        DROP TABLE t_patient; DROP TABLE t_org; DROP TABLE t_prac; DROP TABLE t_enc; DROP TABLE t_cond;
        DROP TABLE idents;
        """
    )
    progress("resolving references", of_fraction(0.88), FRACTION_UNITS)
    not_excluded = ", ".join(f"'{s}'" for s in _EXCLUDED_STATUS)
    dx_sys = _map_sql(DX_SYSTEMS, "coalesce(c.code_sys, j.reason_sys)", "'other'")
    drug_sys = _map_sql(DRUG_SYSTEMS, "j.drug_sys", "'other'")
    setting = _map_sql(
        ENCOUNTER_CLASS, "e.enc_class", "CASE WHEN e.id IS NULL THEN NULL ELSE 'other' END"
    )
    duck.run(
        con,
        f"""
        CREATE TABLE resolved AS
        WITH m AS (
            SELECT file, line_no, id, status, subject, encounter, requester, reason_ref,
                   norm_ref(subject) AS s_ref, norm_ref(encounter) AS e_ref,
                   norm_ref(requester) AS p_ref, norm_ref(reason_ref) AS c_ref,
                   authored, drug_sys, drug_code, reason_sys, reason_code,
                   coalesce({_days("supply_value", "supply_unit")}, {_days("bounds_value", "bounds_unit")}) AS days_supply
            FROM mr
        ), j AS (
            SELECT m.*,
                   coalesce(lit_id(m.s_ref, 'Patient'), pk.id) AS patient_ref_id,
                   coalesce(lit_id(m.e_ref, 'Encounter'), ek.id) AS enc_ref_id,
                   coalesce(lit_id(m.p_ref, 'Practitioner'), prk.id) AS prac_ref_id,
                   coalesce(lit_id(m.c_ref, 'Condition'), ck.id) AS cond_ref_id
            FROM m
            LEFT JOIN ident_keys pk ON pk.ref = m.s_ref
            LEFT JOIN ident_keys ek ON ek.ref = m.e_ref
            LEFT JOIN ident_keys prk ON prk.ref = m.p_ref
            LEFT JOIN ident_keys ck ON ck.ref = m.c_ref
        ), k AS (
            SELECT j.*, p.id AS patient_id, e.id AS enc_id, pr.id AS prac_id, c.id AS cond_id,
                   e.provider, e.provider_ref, o.id AS org_id, o.label AS unit, pr.label AS prescriber,
                   p.patient_key, p.birth, c.code_sys, c.code,
                   coalesce(try_cast(substr(j.authored, 1, 10) AS DATE),
                            try_cast(substr(e.period_start, 1, 10) AS DATE)) AS order_date,
                   {setting} AS setting,
                   {dx_sys} AS dx_system,
                   coalesce(c.code, j.reason_code) AS dx_code_raw,
                   {drug_sys} AS drug_system
            FROM j
            LEFT JOIN encs e ON e.id = j.enc_ref_id
            LEFT JOIN ident_keys ok ON ok.ref = e.provider_ref
            LEFT JOIN orgs o ON o.id = coalesce(lit_id(e.provider_ref, 'Organization'), ok.id)
            LEFT JOIN pracs pr ON pr.id = j.prac_ref_id
            LEFT JOIN patients p ON p.id = j.patient_ref_id
            LEFT JOIN conds c ON c.id = j.cond_ref_id
        )
        SELECT file, line_no, order_date, unit, prescriber, patient_key,
               least(date_sub('year', birth, order_date), 90)::SMALLINT AS age,
               {age_band_sql("least(date_sub('year', birth, order_date), 90)")} AS age_band,
               setting, dx_system,
               CASE WHEN dx_system IN ('icd10cm', 'snomed') THEN dx_code_raw END AS dx_code,
               drug_system,
               CASE WHEN drug_system = 'rxnorm' THEN drug_code END AS drug_code,
               days_supply,
               CASE
                 WHEN status IN ({not_excluded}) THEN 'excluded_status'
                 WHEN subject IS NULL THEN 'missing_subject'
                 WHEN patient_id IS NULL THEN 'unresolved_reference'
                 WHEN encounter IS NOT NULL AND enc_id IS NULL THEN 'unresolved_reference'
                 WHEN requester IS NOT NULL AND starts_with(p_ref, 'Practitioner') AND prac_id IS NULL THEN 'unresolved_reference'
                 WHEN reason_ref IS NOT NULL AND cond_id IS NULL THEN 'unresolved_reference'
                 WHEN provider IS NOT NULL AND org_id IS NULL THEN 'unresolved_reference'
                 WHEN unit IS NULL THEN 'missing_unit'
                 WHEN order_date IS NULL THEN 'missing_date'
                 WHEN drug_code IS NULL OR drug_system <> 'rxnorm' THEN 'missing_drug_code'
                 WHEN NOT regexp_full_match(drug_code, '[1-9][0-9]{{0,8}}') THEN 'invalid_code'
                 WHEN dx_system = 'icd10cm' AND NOT regexp_full_match(dx_code_raw, '[A-TV-Z][0-9][0-9A-Z](\\.?[0-9A-Z]{{1,4}})?') THEN 'invalid_code'
                 WHEN dx_system = 'snomed' AND NOT regexp_full_match(dx_code_raw, '[1-9][0-9]{{5,17}}') THEN 'invalid_code'
               END AS problem,
               CASE
                 WHEN subject IS NOT NULL AND patient_id IS NULL THEN 'subject ' || subject || ' not found'
                 WHEN encounter IS NOT NULL AND enc_id IS NULL THEN 'encounter ' || encounter || ' not found'
                 WHEN requester IS NOT NULL AND starts_with(p_ref, 'Practitioner') AND prac_id IS NULL THEN 'requester ' || requester || ' not found'
                 WHEN reason_ref IS NOT NULL AND cond_id IS NULL THEN 'reasonReference ' || reason_ref || ' not found'
                 WHEN provider IS NOT NULL AND org_id IS NULL THEN 'serviceProvider ' || provider || ' not found'
                 WHEN status IN ({not_excluded}) THEN 'status ' || status
               END AS detail
        FROM k
        """,
        progress=progress,
        low=0.88,
        high=0.93,
        stage="resolving references",
    )
    con.execute("DROP TABLE mr")


_DETAILS = {
    "malformed_json": "line is not valid JSON",
    "not_a_resource": "JSON without a resourceType",
    "missing_subject": "MedicationRequest has no subject",
    "missing_unit": "no Organization (encounter serviceProvider) to use as the unit",
    "missing_date": "neither authoredOn nor the encounter start is a date",
    "missing_drug_code": "no RxNorm code in medicationCodeableConcept",
    "invalid_code": "a diagnosis or drug code does not have the format of its system",
    "excluded_status": "status excludes the order",
    "unsupported_type": "resource type is not used and was ignored",
}


def _collect_problems(con: duckdb.DuckDBPyConnection, report: IngestReport) -> None:
    types = ", ".join(f"'{t}'" for t in RESOURCE_TYPES)
    con.execute(
        """
        CREATE TABLE problems AS
        SELECT file, line_no, kind, NULL AS detail FROM bad_lines
        UNION ALL
        SELECT file, line_no, problem, detail FROM resolved WHERE problem IS NOT NULL
        """
    )
    for kind, count in con.execute(
        "SELECT kind, count(*) FROM problems GROUP BY kind ORDER BY kind"
    ).fetchall():
        report.counts[str(kind)] = int(count)
    ignored = _scalar(
        con, f"SELECT sum(n) FROM line_stats WHERE rt IS NOT NULL AND rt NOT IN ({types})"
    )
    if ignored:
        report.counts["unsupported_type"] = ignored
    for file, line, kind, detail in con.execute(
        f"SELECT file, line_no, kind, detail FROM problems ORDER BY file, line_no LIMIT {MAX_PROBLEMS}"
    ).fetchall():
        report.problems.append(
            Problem(str(file), int(line), str(kind), str(detail or _DETAILS.get(str(kind), kind)))
        )
