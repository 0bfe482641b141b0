"""Post an admin change page back as a person would: its current values, with some changed."""

from datetime import date, datetime

from django import forms


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


def change_page_data(client, url: str, **changes) -> dict:
    """The change form's values as the browser would send them, then ``changes`` on top."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        page_forms.append(inline.formset.management_form)
        page_forms.extend(inline.formset.forms)
    data: dict = {}
    for form in page_forms:
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            widget = bound.field.widget
            if isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(widget, forms.SplitDateTimeWidget):
                if value:
                    data[bound.html_name + "_0"] = value.date().isoformat()
                    data[bound.html_name + "_1"] = value.time().strftime("%H:%M:%S")
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = _plain(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data


def post_change(client, url: str, **changes):
    response = client.post(url, change_page_data(client, url, **changes))
    if response.status_code != 302:
        raise AssertionError(response.context["adminform"].form.errors)
    return response
