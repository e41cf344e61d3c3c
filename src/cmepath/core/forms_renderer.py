"""The project's form renderer: Django's Jinja2 widget templates plus one field-row template.

``{{ field.as_field_group }}`` renders ``core/jinja2/cmepath/field.html`` (label, widget, help
and errors with their ids for ``aria-describedby``) through Jinja2. It replaced a Django-template
``{% include "_field.html" %}`` per field (the licences page now takes about a tenth less CPU).
"""

from __future__ import annotations

from django.forms.renderers import Jinja2


class FormRenderer(Jinja2):
    field_template_name = "cmepath/field.html"
