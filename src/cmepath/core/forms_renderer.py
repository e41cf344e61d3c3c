"""The project's form renderer: Django's Jinja2 widget templates plus one field-row template.

``{{ field.as_field_group }}`` renders ``core/jinja2/cmepath/field.html`` (label, widget, help
and errors with their ids for ``aria-describedby``) through Jinja2. It replaced a Django-template
``{{ field.as_field_group }}`` per field, which cost about a third of a form page's CPU.
"""

from __future__ import annotations

from django.forms.renderers import Jinja2


class FormRenderer(Jinja2):
    field_template_name = "cmepath/field.html"
