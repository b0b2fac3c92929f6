"""The cases app's forms (validation only; the services write), one module per screen family."""

from cases.forms.case import (
    AssignForm,
    AttachmentForm,
    MergeForm,
    NoteForm,
    TransitionForm,
    VisitForm,
)
from cases.forms.intake import IntakeForm

__all__ = [
    "AssignForm",
    "AttachmentForm",
    "IntakeForm",
    "MergeForm",
    "NoteForm",
    "TransitionForm",
    "VisitForm",
]
