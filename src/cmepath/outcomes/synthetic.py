"""Synthetic, labelled pediatric UTI prescribing data: pure, deterministic, no Django.

27 clinics over 48 months with an intervention at month 24 (the halfway point). The
effects are the ones set in issue 5: first-line antibiotic use rises from 43% to 62% and
the mean prescribed duration falls from 7.3 to 6.0 days. Every record is invented (the
ids, identifiers and names say "demo"); nothing comes from real patients.

``write_fhir`` writes FHIR R4 bulk-data NDJSON, one file per resource type, the way a
``$export`` hands them over; ``orders_table`` gives the same orders in the normalized
schema (for Parquet). Lines are written from string templates, not ``json.dumps``, so the
benchmark can make a 1 GB file in seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

CLINICS = 27
MONTHS = 48
INTERVENTION_MONTH = 24  # 0-based: months 0..23 are baseline, 24..47 follow the change
START = date(2021, 1, 1)
FIRST_LINE_PRE, FIRST_LINE_POST = 0.43, 0.62
# duration (days) distributions over 5 / 7 / 10 days with the published means
DURATION_DAYS = (5, 7, 10)
DURATION_PRE = (0.30, 0.40, 0.30)  # mean 7.3
DURATION_POST = (0.575, 0.375, 0.05)  # mean 6.0

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
MRN_SYSTEM = "urn:cmepath:demo:mrn"
CLINIC_SYSTEM = "urn:cmepath:demo:clinic"
PRESCRIBER_SYSTEM = "urn:cmepath:demo:prescriber"
# (RxNorm ingredient code, name); see measures/data/valuesets/uti-first-line-antibiotics.yaml
FIRST_LINE = (("2231", "cephalexin"), ("10180", "sulfamethoxazole"), ("7454", "nitrofurantoin"))
SECOND_LINE = (
    ("25037", "cefdinir"),
    ("25033", "cefixime"),
    ("723", "amoxicillin"),
    ("2551", "ciprofloxacin"),
)
UTI_DX = ((ICD10, "N39.0"), (ICD10, "N30.00"), (SNOMED, "68566005"))
OTHER_DX = (
    (ICD10, "H66.90"),
    (ICD10, "J02.9"),
)  # otitis media, pharyngitis: outside the population


@dataclass(frozen=True)
class Order:
    """One synthetic antibiotic order in the normalized shape."""

    line: int
    clinic: int
    prescriber: int
    patient: int
    order_date: date
    birth_date: date
    dx_system: str
    dx_code: str
    drug_code: str
    days: int
    setting: str


def month_start(index: int) -> date:
    year, month = divmod(START.month - 1 + index, 12)
    return date(START.year + year, month + 1, 1)


def generate_orders(*, per_clinic_month: float = 20.0, seed: int = 20240601) -> Iterator[Order]:
    """Yield orders clinic by clinic and month by month (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    clinic_size = rng.uniform(0.5, 1.5, CLINICS)
    clinic_effect = rng.normal(0.0, 0.35, CLINICS)  # logit-scale clinic variation
    clinic_effect -= clinic_effect.mean()
    patient = 0
    line = 0
    for c in range(CLINICS):
        for m in range(MONTHS):
            post = m >= INTERVENTION_MONTH
            base = FIRST_LINE_POST if post else FIRST_LINE_PRE
            logit = np.log(base / (1 - base)) + clinic_effect[c]
            p_first = 1.0 / (1.0 + np.exp(-logit))
            n = int(rng.poisson(per_clinic_month * clinic_size[c]))
            first_days = month_start(m)
            span = (month_start(m + 1) - first_days).days
            days_choice = rng.choice(
                DURATION_DAYS, size=n, p=DURATION_POST if post else DURATION_PRE
            )
            first = rng.random(n) < p_first
            other = rng.random(n) < 0.15
            offsets = rng.integers(0, span, n)
            ages = rng.integers(0, 18, n)
            for i in range(n):
                patient += 1
                line += 1
                order_date = first_days + timedelta(days=int(offsets[i]))
                birth = order_date - timedelta(days=int(ages[i]) * 365 + int(rng.integers(1, 360)))
                dx = OTHER_DX[i % 2] if other[i] else UTI_DX[int(rng.integers(0, 3))]
                drugs = FIRST_LINE if first[i] else SECOND_LINE
                drug = drugs[int(rng.integers(0, len(drugs)))][0]
                yield Order(
                    line=line,
                    clinic=c + 1,
                    prescriber=c * 4 + int(rng.integers(0, 4)) + 1,
                    patient=patient,
                    order_date=order_date,
                    birth_date=birth,
                    dx_system="icd10cm" if dx[0] == ICD10 else "snomed",
                    dx_code=dx[1],
                    drug_code=drug,
                    days=int(days_choice[i]),
                    setting="emergency" if (patient % 10 == 0) else "ambulatory",
                )


def orders_table(
    orders: Iterator[Order] | list[Order], *, patient_key: object = None
) -> dict[str, list[object]]:
    """Columns of the normalized schema (patient_key is the synthetic id unless a keyer is given)."""
    from cmepath.outcomes.ingest.normalize import age_band

    cols: dict[str, list[object]] = {
        "order_date": [],
        "unit": [],
        "prescriber": [],
        "patient_key": [],
        "age": [],
        "age_band": [],
        "setting": [],
        "dx_system": [],
        "dx_code": [],
        "drug_system": [],
        "drug_code": [],
        "days_supply": [],
    }
    for o in orders:
        age = _age(o.birth_date, o.order_date)
        cols["order_date"].append(o.order_date)
        cols["unit"].append(f"Clinic {o.clinic:02d}")
        cols["prescriber"].append(f"P{o.prescriber:03d}")
        key = f"pat-{o.patient:07d}"
        cols["patient_key"].append(patient_key(key) if callable(patient_key) else key)
        cols["age"].append(age)
        cols["age_band"].append(age_band(age))
        cols["setting"].append(o.setting)
        cols["dx_system"].append(o.dx_system)
        cols["dx_code"].append(o.dx_code)
        cols["drug_system"].append("rxnorm")
        cols["drug_code"].append(o.drug_code)
        cols["days_supply"].append(float(o.days))
    return cols


def _age(birth: date, on: date) -> int:
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return min(years, 90)


@dataclass(frozen=True)
class FhirFiles:
    directory: Path
    files: tuple[Path, ...]
    orders: int
    bytes: int


_ENC_CLASS = {"ambulatory": "AMB", "emergency": "EMER"}


def write_fhir(
    directory: Path,
    *,
    per_clinic_month: float = 20.0,
    seed: int = 20240601,
    identifier_share: int = 10,
    faults: bool = False,
) -> FhirFiles:
    """Write Organization, Practitioner, Patient, Encounter, Condition and MedicationRequest
    NDJSON files. Every ``identifier_share``-th order refers to its patient and clinic by a
    conditional identifier reference (``Patient?identifier=system|value``) instead of by id.
    With ``faults`` a malformed line and an unresolved reference are added to
    MedicationRequest.ndjson (lines 3 and 5) for the tests."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        name: directory / f"{name}.ndjson"
        for name in (
            "Organization",
            "Practitioner",
            "Patient",
            "Encounter",
            "Condition",
            "MedicationRequest",
        )
    }
    handles = {name: path.open("w", encoding="utf-8", newline="\n") for name, path in paths.items()}
    count = 0
    try:
        org = handles["Organization"]
        for c in range(1, CLINICS + 1):
            org.write(
                f'{{"resourceType":"Organization","id":"org-{c:02d}","identifier":[{{"system":"{CLINIC_SYSTEM}",'
                f'"value":"C{c:02d}"}}],"name":"Clinic {c:02d}","meta":{{"tag":[{{"code":"synthetic"}}]}}}}\n'
            )
        prac = handles["Practitioner"]
        for p in range(1, CLINICS * 4 + 1):
            prac.write(
                f'{{"resourceType":"Practitioner","id":"prac-{p:03d}","identifier":[{{"system":"{PRESCRIBER_SYSTEM}",'
                f'"value":"P{p:03d}"}}],"meta":{{"tag":[{{"code":"synthetic"}}]}}}}\n'
            )
        mr_line = 0
        for o in generate_orders(per_clinic_month=per_clinic_month, seed=seed):
            count += 1
            pid = f"pat-{o.patient:07d}"
            handles["Patient"].write(
                f'{{"resourceType":"Patient","id":"{pid}","identifier":[{{"system":"{MRN_SYSTEM}","value":"M{o.patient:07d}"}}],'
                f'"gender":"{"female" if o.patient % 3 else "male"}","birthDate":"{o.birth_date.isoformat()}",'
                f'"meta":{{"tag":[{{"code":"synthetic"}}]}}}}\n'
            )
            by_identifier = identifier_share > 0 and o.patient % identifier_share == 0
            subject = (
                f"Patient?identifier={MRN_SYSTEM}|M{o.patient:07d}"
                if by_identifier
                else f"Patient/{pid}"
            )
            provider = (
                f"Organization?identifier={CLINIC_SYSTEM}|C{o.clinic:02d}"
                if by_identifier
                else f"Organization/org-{o.clinic:02d}"
            )
            day = o.order_date.isoformat()
            handles["Encounter"].write(
                f'{{"resourceType":"Encounter","id":"enc-{o.patient:07d}","status":"finished","class":{{"system":'
                f'"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"{_ENC_CLASS[o.setting]}"}},'
                f'"subject":{{"reference":"Patient/{pid}"}},"serviceProvider":{{"reference":"{provider}"}},'
                f'"period":{{"start":"{day}T10:00:00Z","end":"{day}T10:30:00Z"}}}}\n'
            )
            dx_sys = ICD10 if o.dx_system == "icd10cm" else SNOMED
            handles["Condition"].write(
                f'{{"resourceType":"Condition","id":"cond-{o.patient:07d}","clinicalStatus":{{"coding":[{{"system":'
                f'"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},'
                f'"code":{{"coding":[{{"system":"{dx_sys}","code":"{o.dx_code}"}}]}},'
                f'"subject":{{"reference":"Patient/{pid}"}},"encounter":{{"reference":"Encounter/enc-{o.patient:07d}"}},'
                f'"recordedDate":"{day}"}}\n'
            )
            mr = handles["MedicationRequest"]
            mr_line += 1
            if faults and mr_line == 3:
                mr.write('{"resourceType":"MedicationRequest","id":"broken", "subject": \n')
                mr_line += 1
            if faults and mr_line == 5:
                mr.write(_medication_request("mr-dangling", "Patient/does-not-exist", o, dx_sys))
                mr_line += 1
            mr.write(_medication_request(f"mr-{o.patient:07d}", subject, o, dx_sys))
    finally:
        for h in handles.values():
            h.close()
    files = tuple(paths.values())
    return FhirFiles(directory, files, count, sum(p.stat().st_size for p in files))


def _medication_request(rid: str, subject: str, o: Order, dx_sys: str) -> str:
    # half the orders carry the diagnosis as reasonReference, half as reasonCode
    if o.patient % 2:
        reason = f'"reasonReference":[{{"reference":"Condition/cond-{o.patient:07d}"}}]'
    else:
        reason = f'"reasonCode":[{{"coding":[{{"system":"{dx_sys}","code":"{o.dx_code}"}}]}}]'
    return (
        f'{{"resourceType":"MedicationRequest","id":"{rid}","status":"completed","intent":"order",'
        f'"medicationCodeableConcept":{{"coding":[{{"system":"{RXNORM}","code":"{o.drug_code}"}}]}},'
        f'"subject":{{"reference":"{subject}"}},"encounter":{{"reference":"Encounter/enc-{o.patient:07d}"}},'
        f'"authoredOn":"{o.order_date.isoformat()}T10:20:00Z",'
        f'"requester":{{"reference":"Practitioner/prac-{o.prescriber:03d}"}},{reason},'
        f'"dosageInstruction":[{{"text":"as directed","timing":{{"repeat":{{"frequency":2,"period":1,"periodUnit":"d"}}}}}}],'
        f'"dispenseRequest":{{"expectedSupplyDuration":{{"value":{o.days},"unit":"days","system":"http://unitsofmeasure.org","code":"d"}}}}}}\n'
    )
