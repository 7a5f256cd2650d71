"""Forms built from the contract's fact models: any fact kind gets its form from its model.

    form = build_form(FactType, Options(ledger, cluster_id, year), raw, errors)   # then render
    raw, body, errors = read_form(FactType, await request.form())               # what was sent

Render a form's fields with `{% from "forms/fields.html" import fields with context %}` and
`{{ fields(form.widgets) }}`; see pages/record.py and pages/correct.py."""

from thidua_web.forms.fields import NEW_ID_FIELDS, FieldSpec, fact_specs, specs_of
from thidua_web.forms.form import (
           ADD_ROW,
           KEY,
           REFRESH,
           Form,
           Widget,
           build_form,
           fact_type_named,
           ledger_errors,
           read_form,
           sent_key,
)
from thidua_web.forms.options import Options, year_entity_id
from thidua_web.forms.values import body_from_raw, parse_date, raw_from_data, raw_from_form

__all__ = ["ADD_ROW", "KEY", "NEW_ID_FIELDS", "REFRESH", "FieldSpec", "Form", "Options", "Widget", "body_from_raw",
           "build_form", "fact_specs", "fact_type_named", "ledger_errors", "parse_date", "raw_from_data",
           "raw_from_form", "read_form", "sent_key", "specs_of", "year_entity_id"]
