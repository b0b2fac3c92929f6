from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Priority
from cases.services.bulk import ACTIONS
from psm.accounts.models import User

MAX_BULK = 200


class AssigneeChoiceField(forms.ModelChoiceField):
    """Shows each person's open-case count so the work is balanced."""

    def label_from_instance(self, obj: Any) -> str:
        where = ""
        volunteer = getattr(obj, "volunteer", None)
        if volunteer is not None:
            where = f" · {volunteer.kelurahan}"
        role = obj.get_role_display()
        overdue = getattr(obj, "overdue_cases", 0)
        values = {
            "name": obj,
            "role": role,
            "where": where,
            "n": getattr(obj, "open_cases", 0),
            "late": overdue,
        }
        if overdue:
            return str(_("%(name)s (%(role)s%(where)s) — %(n)d open, %(late)d overdue") % values)
        return str(_("%(name)s (%(role)s%(where)s) — %(n)d open") % values)


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
    action = forms.ChoiceField(label=_("Action"), choices=list(ACTIONS.items()))
    assignee = AssigneeChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Assign to"),
        empty_label=_("Choose a person"),
    )
    priority = forms.ChoiceField(
        choices=[("", _("Choose a priority")), *Priority.choices],
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
        widget=forms.TextInput(attrs={"placeholder": "BJM-2026-000123"}),
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
        category_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if category_choices is not None:  # reuse the list the filter already loaded
            self.fields["category"].choices = [  # type: ignore[attr-defined]
                ("", _("Choose a category")),
                *category_choices,
            ]
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
            if not value or (isinstance(value, str) and not value.strip()):
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
