"""Bootstrap 5 form fields rendered in Python: the markup crispy-forms' bootstrap5 pack gives
(`div_id_*`, `form-label`, `form-select`, `form-check`, `is-invalid`, `form-text`), without
its template per field and Django's template per <option>.

Used where a page draws many fields on every request: the case list and the triage queue
draw 19 (filters and bulk action) and crispy took half of their server time (bench M2).
Forms drawn once in a while (intake, detail) keep `|crispy`. Widgets this module does not
know fall back to Django's own rendering, so nothing is ever dropped.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.widgets import ChoiceWidget, Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from psm.ui.escape import escape

# The widgets drawn here; their subclasses too (PersonSearchInput is a TextInput).
_CHOICE_CHECKBOXES = forms.CheckboxSelectMultiple
_SELECTS = (forms.Select, forms.SelectMultiple)
CHECKED = SafeString(" checked")
SELECTED = SafeString(" selected")
DISABLED = SafeString(" disabled")


def datalist(ident: str) -> SafeString:
    """An empty <datalist> a search box fills through htmx (cases.forms.queue.PersonSearchInput)."""
    return format_html('<datalist id="{}"></datalist>', ident)


def _flatatt(attrs: dict[str, Any]) -> str:
    """django.forms.utils.flatatt (sorted key="value" pairs, then the true booleans), each
    key and value escaped once (psm.ui.escape) instead of a format_html per attribute."""
    pairs = sorted((k, v) for k, v in attrs.items() if v is not None and not isinstance(v, bool))
    flags = sorted(k for k, v in attrs.items() if v is True)
    return "".join(f' {escape(k)}="{escape(v)}"' for k, v in pairs) + "".join(
        f" {escape(k)}" for k in flags
    )


def _input_class(widget: forms.Widget) -> str:
    """crispy's class pair: the widget's lower-cased class name, then Bootstrap's."""
    name = widget.__class__.__name__.lower()
    if isinstance(widget, forms.CheckboxInput):
        return f"{name} form-check-input"
    if isinstance(widget, _SELECTS):
        return (
            "select form-select"
            if not isinstance(widget, forms.SelectMultiple)
            else ("selectmultiple form-select")
        )
    return f"{name} form-control"


def _values(bf: BoundField, widget: ChoiceWidget) -> set[str]:
    """The chosen option values as the widget's own template sees them (None: ""); some
    widgets (NullBooleanSelect) format to one string, not a list."""
    value = widget.format_value(bf.value())
    return {value} if isinstance(value, str) else {str(v) for v in value}


def _drawn_here(widget: forms.Widget) -> bool:
    """Widgets this module draws exactly. Grouped choices (optgroups), and inputs whose own
    get_context changes what is drawn (PasswordInput drops the value), go to Django."""
    if isinstance(widget, ChoiceWidget):
        return not any(isinstance(label, list | tuple) for _v, label in widget.choices)
    if isinstance(widget, forms.CheckboxInput):
        return True  # its get_context only adds "checked", drawn here from check_test
    if isinstance(widget, Input):
        return (
            not isinstance(widget, forms.FileInput)
            and type(widget).get_context is Input.get_context
        ) or hasattr(widget, "fast_extras")
    return isinstance(widget, forms.Textarea)


def _errors(bf: BoundField, ident: str) -> SafeString:
    return format_html_join(
        "",
        '<span id="error_{}_{}" class="invalid-feedback d-block"><strong>{}</strong></span>',
        ((n, ident, message) for n, message in enumerate(bf.errors, 1)),
    )


def _help(bf: BoundField, ident: str) -> SafeString:
    if not bf.help_text:
        return SafeString("")
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', ident, bf.help_text)


def _described_by(bf: BoundField, ident: str) -> str:
    described = [f"{ident}_helptext"] if bf.help_text else []
    described += [f"error_{n}_{ident}" for n in range(1, len(bf.errors) + 1)]
    return " ".join(described)


def _attrs(bf: BoundField, widget: forms.Widget, ident: str, extra_class: str) -> dict[str, Any]:
    attrs: dict[str, Any] = dict(widget.attrs)
    css = _input_class(widget)
    if bf.errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
    if attrs.get("class"):
        css = f"{css} {attrs['class']}"
    attrs["class"] = f"{css} {extra_class}".strip()
    described = _described_by(bf, ident)
    if described:
        attrs["aria-describedby"] = described
    attrs["id"] = ident
    return bf.build_widget_attrs(attrs, widget)  # required and disabled, as Django decides


def _options(bf: BoundField, widget: ChoiceWidget) -> SafeString:
    chosen = _values(bf, widget)
    keys = (
        ("" if v is None else str(getattr(v, "value", v)), label) for v, label in widget.choices
    )
    return SafeString(  # nosec B703 - every value and label escaped
        "".join(
            f'<option value="{escape(key)}"{SELECTED if key in chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in keys
        )
    )


def _label(bf: BoundField, ident: str, css: str = "form-label") -> SafeString:
    if bf.field.required:
        return SafeString(  # nosec B703 - every value escaped
            f'<label for="{escape(ident)}" class="{escape(css)} requiredField">'
            f'{escape(bf.label)}<span class="asteriskField">*</span></label>'
        )
    return SafeString(  # nosec B703 - every value escaped
        f'<label for="{escape(ident)}" class="{escape(css)}">{escape(bf.label)}</label>'
    )


def render_field(bf: BoundField, extra_class: str = "") -> SafeString:
    """One field as crispy's bootstrap5 `as_crispy_field` would draw it."""
    widget = bf.field.widget
    ident = bf.auto_id or f"id_{bf.html_name}"
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return SafeString(str(bf))  # nosec B703 - BoundField.__str__ is Django's own safe HTML
    drawn = _draw(bf, widget, ident, extra_class)
    if bf.field.show_hidden_initial:
        return format_html("{}{}", drawn, bf.as_hidden(only_initial=True))
    return drawn


def _draw(bf: BoundField, widget: forms.Widget, ident: str, extra_class: str) -> SafeString:
    if not _drawn_here(widget):  # Django's own widget, with crispy's classes and frame
        control = bf.as_widget(attrs=_attrs(bf, widget, ident, extra_class))
        return _framed(bf, ident, control)
    if isinstance(widget, _CHOICE_CHECKBOXES):
        chosen = _values(bf, widget)
        invalid = " is-invalid" if bf.errors else ""
        state = DISABLED if bf.field.disabled else ""
        boxes = format_html_join(
            "",
            '<div class="form-check"><input type="checkbox" class="form-check-input{}"'
            ' name="{}" value="{}" id="{}_{}"{}{}><label for="{}_{}" class="form-check-label">'
            "{}</label></div>",
            (
                (invalid, bf.html_name, value, ident, n, state)
                + (CHECKED if str(value) in chosen else "", ident, n, label)
                for n, (value, label) in enumerate(widget.choices)
            ),
        )
        described = _described_by(bf, ident)
        return format_html(
            '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label fs-6">{}'
            "</legend><div>{}</div>{}{}</fieldset></div>",
            ident,
            format_html(' aria-describedby="{}"', described) if described else "",
            bf.label,
            boxes,
            _errors(bf, ident),
            _help(bf, ident),
        )
    if isinstance(widget, forms.CheckboxInput):
        attrs = _attrs(bf, widget, ident, extra_class)
        checked = widget.check_test(bf.value())
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">'
            '<input type="checkbox" name="{}"{}{}>{}{}{}</div></div>',
            ident,
            bf.html_name,
            SafeString(_flatatt(attrs)),  # nosec B703 - escaped
            CHECKED if checked else "",
            _label(bf, ident, "form-check-label"),
            _errors(bf, ident),
            _help(bf, ident),
        )
    if isinstance(widget, _SELECTS):
        attrs = _attrs(bf, widget, ident, extra_class)
        if isinstance(widget, forms.SelectMultiple):
            attrs["multiple"] = True
        control = format_html(
            '<select name="{}"{}>{}</select>',
            bf.html_name,
            SafeString(_flatatt(attrs)),  # nosec B703 - escaped
            _options(bf, widget),
        )
    elif isinstance(widget, forms.Textarea):
        attrs = _attrs(bf, widget, ident, extra_class)
        value = bf.value()
        control = format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            bf.html_name,
            SafeString(_flatatt(attrs)),  # nosec B703 - escaped
            widget.format_value(value) or "",
        )
    else:  # an Input (see _drawn_here)
        attrs = _attrs(bf, widget, ident, extra_class)
        extras = getattr(widget, "fast_extras", None)
        more, after = extras(ident) if extras else ({}, "")
        attrs.update(more)
        value = widget.format_value(bf.value())
        control = format_html(
            '<input type="{}" name="{}"{}{}>',
            widget.input_type,  # type: ignore[attr-defined]  # an Input (_drawn_here)
            bf.html_name,
            format_html(' value="{}"', value) if value not in (None, "") else "",
            SafeString(_flatatt(attrs)),  # nosec B703 - escaped
        )
        if after:  # e.g. the person search box's <datalist>
            control = format_html("{}{}", control, after)
    return _framed(bf, ident, control)


def _framed(bf: BoundField, ident: str, control: SafeString) -> SafeString:
    return SafeString(  # nosec B703 - every value escaped
        f'<div id="div_{escape(ident)}" class="mb-3">{_label(bf, ident)}{escape(control)}'
        f"{_errors(bf, ident)}{_help(bf, ident)}</div>"
    )
