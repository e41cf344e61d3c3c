"""Project reports: the analysis of a measure series, its Plotly figures and a PDF export.

- ``build``: ``build_report`` (pure: cells in, a ``Report`` built from the protected series
  out; ``build_project_reports`` for all of a project's measures at once) and the chart
  data the figures and the PDF are both drawn from;
- ``figures``: the page's Plotly figure dicts;
- ``pdf``: ``report_pdf``, the export, with its reportlab charts (look: ``core.pdf``);
- ``text``: number formatting and the charts' captions.
"""

from cmepath.outcomes.reports.build import Cell, Report, build_project_reports, build_report
from cmepath.outcomes.reports.pdf import report_pdf

__all__ = ["Cell", "Report", "build_project_reports", "build_report", "report_pdf"]
