"""Choices and constants of the accounts app (one home)."""

from django.db import models


class Profession(models.TextChoices):
    MD = "MD", "Physician (MD)"
    DO = "DO", "Physician (DO)"
    NP = "NP", "Nurse practitioner (NP)"
    PA = "PA", "Physician assistant (PA)"
    RN = "RN", "Registered nurse (RN)"
    PHARMD = "PharmD", "Pharmacist (PharmD)"
    OTHER = "other", "Other"


class NpiStatus(models.TextChoices):
    NONE = "none", "Not entered"
    INVALID = "invalid", "Invalid number"
    NOT_FOUND = "not_found", "Not found in the NPI Registry"
    MISMATCH = "mismatch", "Registry record does not match the profile"
    MATCHED = "matched", "Matched with the NPI Registry"


class ProofStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


US_STATES = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
]

BOARDS = [
    ("ABIM", "American Board of Internal Medicine"),
    ("ABFM", "American Board of Family Medicine"),
    ("ABP", "American Board of Pediatrics"),
    ("ABEM", "American Board of Emergency Medicine"),
    ("ABA", "American Board of Anesthesiology"),
    ("ABPN", "American Board of Psychiatry and Neurology"),
    ("ABS", "American Board of Surgery"),
    ("ABOG", "American Board of Obstetrics and Gynecology"),
    ("ABR", "American Board of Radiology"),
    ("AOBIM", "American Osteopathic Board of Internal Medicine"),
    ("AOBFP", "American Osteopathic Board of Family Physicians"),
    ("NCCPA", "National Commission on Certification of Physician Assistants"),
    ("AANPCB", "American Academy of Nurse Practitioners Certification Board"),
    ("ANCC", "American Nurses Credentialing Center"),
    ("BPS", "Board of Pharmacy Specialties"),
    ("other", "Other"),
]

PROOF_ALLOWED_KINDS = frozenset({"pdf", "png", "jpeg"})
