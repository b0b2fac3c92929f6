from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Priority
from cases.services.bulk import ACTIONS
from cases.services.reference import reference_example
from psm.accounts.models import User
from psm.cachedlists import Choices
from psm.ui.fields import datalist

MAX_BULK = 200


def person_label(user: Any) -> str:
    """Name, role, kelurahan, open and overdue cases (when annotated), so the work is balanced."""
    where = ""
    volunteer = getattr(user, "volunteer", None)
    if volunteer is not None:
        where = f" · {volunteer.kelurahan}"
    overdue = getattr(user, "overdue_cases", 0)
    values = {
        "name": user,
        "role": user.get_role_display(),
        "where": where,
        "n": getattr(user, "open_cases", 0),
        "late": overdue,
    }
    if overdue:
        return str(_("%(name)s (%(role)s%(where)s) — %(n)d open, %(late)d overdue") % values)
    return str(_("%(name)s (%(role)s%(where)s) — %(n)d open") % values)


class PersonSearchInput(forms.TextInput):
    """A text box for a username or full name; with JavaScript, htmx fills a <datalist> with
    matching people as one types (cases:assignee_search). Rendering never lists everybody:
    the 500+ <option>s of a select made the triage page 30x slower at scale (bench M2)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-get": reverse_lazy("cases:assignee_search"),
                "hx-trigger": "input changed delay:300ms, focus once",
                "hx-sync": "this:replace",
                "hx-push-url": "false",
                "hx-indicator": "this",
                **(attrs or {}),
            }
        )

    def _options_id(self, name: str, attrs: dict[str, Any] | None) -> str:
        return f"{self.build_attrs(self.attrs, attrs).get('id') or name}-people"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        options = self._options_id(name, attrs)
        context["widget"]["attrs"]["list"] = options
        context["widget"]["attrs"]["hx-target"] = f"#{options}"
        return context

    def fast_extras(self, ident: str) -> tuple[dict[str, str], SafeString]:
        """For psm.ui.fields: the attributes get_context adds, and the <datalist> after."""
        options = f"{ident}-people"
        return (
            {"list": options, "hx-target": f"#{options}"},
            datalist(options),
        )

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        box = super().render(name, value, attrs, renderer)
        return box + datalist(self._options_id(name, attrs))


class PersonField(forms.ModelChoiceField):
    """A person chosen by username (what the suggestions fill in), exact full name (when only
    one person has it) or id (old links), among the field's queryset."""

    widget = PersonSearchInput
    default_error_messages = {
        "invalid_choice": _("No one with this username or name can take cases here."),
    }

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "_meta"):
            return value.username
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = " ".join(str(value).split())[:150]
        if "\x00" in text:  # as CharField's ProhibitNullCharactersValidator; text columns refuse it
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        qs = self.queryset if self.queryset is not None else User.objects.none()
        found = list(qs.filter(username=text)[:1]) or list(qs.filter(full_name__iexact=text)[:2])
        if len(found) != 1 and text.isascii() and text.isdigit():  # "²".isdigit() too
            found = list(qs.filter(pk=text)[:1])
        if len(found) != 1:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found[0]


class BulkActionForm(forms.Form):
    """One triage action for the selected cases (one or many)."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Select at least one case."),
            "invalid_choice": _("A selected case no longer exists."),
            "invalid_pk_value": _("A selected case no longer exists."),
        },
    )
    action = forms.ChoiceField(label=_("Action"), choices=Choices(ACTIONS.items()))
    assignee = PersonField(
        queryset=User.objects.none(),
        required=False,
        label=_("Assign to"),
        help_text=_("Type a name; choose from the suggestions."),
    )
    priority = forms.ChoiceField(
        choices=Choices((("", _("Choose a priority")), *Priority.choices)),
        required=False,
        label=_("Priority"),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True),
        required=False,
        label=_("Category"),
        empty_label=_("Choose a category"),
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    duplicate_of = forms.CharField(
        required=False,
        max_length=20,
        label=_("Duplicate of (reference)"),
        widget=forms.TextInput(attrs={"placeholder": lazy(reference_example, str)()}),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        cases: QuerySet[Case],
        assignees: QuerySet[User],
        category_choices: Iterable[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        # Its own ids: on /triage/ the filter form has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        if category_choices is not None:  # reuse the list the filter already loaded
            self.fields["category"].choices = Choices(  # type: ignore[attr-defined]
                (("", _("Choose a category")), *category_choices)
            )
        self.fields["cases"].queryset = cases  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]
        self._visible_cases = cases

    def clean_cases(self) -> Any:
        cases = self.cleaned_data["cases"]
        if len(cases) > MAX_BULK:
            raise forms.ValidationError(_("Select at most %(n)d cases at once.") % {"n": MAX_BULK})
        return cases

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        required = {
            "assign": ("assignee", _("Choose who gets the cases.")),
            "priority": ("priority", _("Choose a priority.")),
            "category": ("category", _("Choose a category.")),
            "reject": ("reason", _("Give a reason for the rejection.")),
            "duplicate": ("duplicate_of", _("Give the reference of the original case.")),
        }
        if action in required:
            name, message = required[action]
            value = data.get(name)
            # A value that was refused already has its message ("no one with this name").
            refused = name in self.errors
            if not refused and (not value or (isinstance(value, str) and not value.strip())):
                self.add_error(name, message)
        if action == "duplicate" and data.get("duplicate_of"):
            reference = data["duplicate_of"].strip().upper()
            original = self._visible_cases.filter(reference=reference).first()
            if original is None:
                self.add_error("duplicate_of", _("No case has this reference."))
            elif original in (data.get("cases") or []):
                self.add_error("duplicate_of", _("A case cannot be a duplicate of itself."))
            else:
                data["duplicate_of"] = original
        return data
