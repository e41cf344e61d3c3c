"""Career planner: career goals as data, the plan solver (``solver.py``, HiGHS) and saved plans."""
