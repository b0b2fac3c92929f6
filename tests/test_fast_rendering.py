"""The Python-drawn parts of the busiest pages (bench M1/M2) say what the templates said:
psm.ui.fields against crispy-forms, cases.display against the queue's SQL rule, the
dashboard's long tables against humanize's number format, psm.ui's badges and dates against
what the templates draw with the same definitions."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import QueryDict
from django.utils import translation

from cases.display import needs_reassignment
from cases.forms.queue import BulkActionForm
from cases.models import Case
from cases.selectors.queue import CaseFilter, needs_reassignment_q
from cases.services import case_assign
from psm.accounts.models import User
from psm.ui.dates import list_datetime
from psm.ui.fields import render_field
from reports.forms.dashboard import DashboardForm
from reports.views.dashboard import _long_tables
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    """What a user and a screen reader get from a field: its controls with their state,
    the labels and what they label, option texts, help and error texts."""

    KEEP = ("name", "id", "type", "value", "for", "list", "hx-get", "hx-target", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple] = []
        self._text_of: list | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea", "option", "label", "legend", "datalist"):
            state = tuple(
                sorted(
                    k for k in ("checked", "selected", "required", "multiple", "disabled") if k in a
                )
            )
            invalid = "is-invalid" in (a.get("class") or "").split()
            kept = tuple((k, a[k]) for k in self.KEEP if a.get(k) is not None)
            item: list[Any] = [tag, kept, state, invalid, ""]
            self.items.append(item)  # type: ignore[arg-type]
            self._text_of = item if tag in ("option", "label", "legend", "textarea") else None
        elif "form-text" in (a.get("class") or "") or "invalid-feedback" in (a.get("class") or ""):
            item = ["help" if "form-text" in a.get("class", "") else "error", (), (), False, ""]
            self.items.append(item)  # type: ignore[arg-type]
            self._text_of = item

    def handle_data(self, data: str) -> None:
        if self._text_of is not None:
            self._text_of[4] = " ".join((self._text_of[4] + " " + data).split())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "label", "legend", "textarea", "div", "span"):
            self._text_of = None


def controls(html: str) -> list[list]:
    parser = _Controls()
    parser.feed(str(html))
    return [
        [*i[:4], i[4].replace("*", "").strip()] if i[0] == "label" else list(i)
        for i in parser.items
    ]


def _same(bf) -> None:
    fast, crispy = controls(render_field(bf)), controls(as_crispy_field(bf))
    assert fast == crispy, (bf.name, fast, crispy)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "status": ["new", "assigned"],
            "priority": "high",
            "overdue": "on",
            "q": 'Siti "<b>"',
            "created_from": "2026-01-02",
            "assignee": "nobody-here",
        },
        {"created_to": "not a date", "category": "999999", "kelurahan": "abc"},
    ],
)
def test_filter_fields_draw_what_crispy_drew(petugas, data):
    query = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        query.setlist(key, value if isinstance(value, list) else [value])
    with translation.override("id"):
        case_filter = CaseFilter(query if data else None, queryset=Case.objects.all(), user=petugas)
        case_filter.is_valid()
        for bf in case_filter.form:
            _same(bf)


def test_bulk_fields_with_errors_draw_what_crispy_drew(petugas):
    with translation.override("id"):
        form = BulkActionForm(
            {"action": "assign", "reason": "x" * 3, "duplicate_of": "BJM-1", "cases": ["0"]},
            cases=Case.objects.all(),
            assignees=User.objects.all(),
        )
        assert not form.is_valid()
        assert form["assignee"].errors and form["cases"].errors
        for name in ("action", "assignee", "priority", "category", "duplicate_of", "reason"):
            _same(form[name])


def test_dashboard_fields_draw_what_crispy_drew():
    with translation.override("id"):
        for data in (None, {"period": "custom", "start": "2026-02-01", "end": "bad"}):
            form = DashboardForm(data)
            form.fields["kecamatan"].widget.choices = [("", "Semua"), (1, "Banjarmasin Utara")]
            form.fields["category"].widget.choices = [("", "Semua"), (3, "Lansia")]
            form.is_valid()
            for bf in form:
                _same(bf)


def test_an_error_is_announced_with_its_field():
    form = DashboardForm({"period": "custom", "start": "2026-02-01", "end": "tidak"})
    assert not form.is_valid()
    html = str(render_field(form["end"]))
    assert 'aria-invalid="true"' in html and 'aria-describedby="error_1_id_end"' in html
    assert 'id="error_1_id_end"' in html


def test_the_python_reassignment_rule_is_the_sql_one(petugas, relawan_alalak, relawan_kuin):
    """cases.display.needs_reassignment (drawn per row) agrees with needs_reassignment_q (the
    queue's filter) for every kind of assignee and state."""
    from volunteers.models import Volunteer

    cases = []
    for who in (relawan_alalak, relawan_kuin, petugas):
        for closed in (False, True):
            case = file_case(relawan_alalak)
            case_assign(case=case, assignee=who, actor=petugas)
            if closed:
                Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
            cases.append(case.pk)
    cases.append(file_case(relawan_alalak).pk)  # nobody assigned
    Volunteer.objects.filter(user=relawan_kuin).update(status="suspended")
    User.objects.filter(pk=petugas.pk).update(is_active=False)
    rows = Case.objects.filter(pk__in=cases).select_related("assignee__volunteer")
    python = {c.pk for c in rows if needs_reassignment(c)}
    sql = set(
        Case.objects.filter(needs_reassignment_q(), pk__in=cases).values_list("pk", flat=True)
    )
    assert sql == python and len(python) == 2


def test_long_dashboard_tables_group_thousands_like_intcomma():
    board = SimpleNamespace(
        by_category=[("Lansia <terlantar>", 12345)],
        by_kelurahan=[SimpleNamespace(name="Alalak Utara", kecamatan="Utara", count=1234567)],
        trend=[(dt.date(2026, 8, 17), 1500, 7)],
    )
    with translation.override("id"):
        tables = _long_tables(board)
        assert f'<td class="text-end">{intcomma(12345)}</td>' in tables["category_rows"]
        assert "Lansia &lt;terlantar&gt;" in tables["category_rows"]
        assert f">{intcomma(1234567)}</td>" in tables["kelurahan_rows"]
        assert "<td>17 Agu 2026</td>" in tables["trend_rows"]
    empty = _long_tables(SimpleNamespace(by_category=[], by_kelurahan=[], trend=[]))
    assert 'colspan="2"' in empty["category_rows"]


def test_short_datetime_is_the_date_filter():
    from django.template.defaultfilters import date
    from django.utils import timezone

    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)  # 1 Jan in WITA
    with translation.override("id"):
        expected = date(timezone.localtime(moment), "d M Y H:i")
        assert list_datetime(moment) == expected == "01 Jan 2027 07:30"
    assert list_datetime(None) == "—"


def test_queue_rows_escape_what_people_typed(login, petugas, relawan_alalak):
    from django.urls import reverse

    from tests.cases_support import beneficiary

    person = beneficiary(name='Budi <script>alert("x")</script> & Sari')
    case = file_case(relawan_alalak, beneficiary=person, priority="emergency")
    html = login(petugas).get(reverse("cases:triage")).content.decode()
    assert "<script>alert" not in html
    assert "Budi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sari" in html
    assert '<tr class="table-danger"><td><input class="form-check-input" type="checkbox"' in html
    assert f'href="/cases/{case.reference}/">{case.reference}</a>' in html


class _Odd(forms.Form):
    """Fields the list pages do not use today, so the renderer is right for the next page."""

    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Utara", [("1", "Alalak Utara"), ("2", "Kuin Utara")]), ("3", "X")]
    )
    maybe = forms.NullBooleanField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    kinds = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        disabled=True,
        required=False,
        help_text="Pilih satu atau lebih.",
    )
    since = forms.DateField(required=False, show_hidden_initial=True)
    agree = forms.BooleanField()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"grouped": "2", "maybe": "true", "secret": "rahasia", "since": "2026-01-02"},
        {"grouped": "nope", "maybe": "false", "kinds": ["a"], "agree": "on"},
    ],
)
def test_other_widgets_draw_what_crispy_drew(data):
    form = _Odd(data, initial={"since": dt.date(2026, 1, 1)})
    form.is_valid()
    for bf in form:
        _same(bf)
    if data and data.get("secret"):
        assert "rahasia" not in str(render_field(form["secret"]))
    assert 'type="hidden" name="initial-since"' in str(render_field(form["since"]))
    assert str(render_field(form["kinds"])).count(" disabled") == 2


# --- psm.ui's badges and dates: one definition for the templates and the Python renderers ---


def _render(source: str, **context: Any) -> str:
    from django.template import Context, Template

    return Template(source).render(Context(context))


@pytest.mark.parametrize("name", sorted(__import__("psm.ui.dates").ui.dates.FORMATS))
def test_each_named_date_format_is_the_date_filter_in_templates_and_python(name):
    from django.utils import timezone

    from psm.ui.dates import FORMATS, shown

    moment = dt.datetime(2026, 8, 16, 23, 5, 9, tzinfo=dt.UTC)  # 17 Aug in WITA
    day = dt.date(2026, 2, 3)
    with translation.override("id"):
        for value in (moment, day):
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                if any(c in FORMATS[name] for c in "HisG"):
                    continue  # a time format of a bare date
            template = _render(f'{{% load ui %}}{{{{ v|ui_date:"{name}" }}}}', v=value)
            filtered = _render(f'{{{{ v|date:"{FORMATS[name]}" }}}}', v=value)
            assert template == filtered == shown(value, name), (name, template, filtered)
        assert _render('{% load ui %}{{ v|ui_date:"' + name + '"|default:"—" }}', v=None) == "—"
        assert shown(timezone.now(), name)


def test_the_hand_list_dates_are_the_named_formats_every_month():
    from django.utils import timezone

    from psm.ui.dates import list_date, list_datetime, list_datetimes, shown

    for language in ("id", "en"):
        with translation.override(language):
            page = list_datetimes()  # a page's formatter, made once (psm.ui.rows)
            for month in range(1, 13):
                day = dt.date(2026, month, 9)
                moment = dt.datetime(2026, month, 9, 16, 7, tzinfo=dt.UTC)
                assert list_date(day) == shown(day, "list_date")
                assert list_datetime(moment) == shown(moment, "list_datetime")
                assert page(moment) == shown(moment, "list_datetime")
    # The page's formatter keeps the zone it was made in (16:07 UTC is 01:07 in Jayapura).
    with timezone.override("Asia/Jayapura"):
        moment = dt.datetime(2026, 3, 9, 16, 7, tzinfo=dt.UTC)
        assert list_datetimes()(moment) == shown(moment, "list_datetime") == "10 Mar 2026 01:07"


def test_the_badge_tag_is_the_python_badge_and_the_markup_the_pages_had():
    from psm.ui.badges import TONES, badge

    assert str(badge("Terlambat", "danger", data_due_state="overdue")) == (
        '<span class="badge text-bg-danger" data-due-state="overdue">Terlambat</span>'
    )
    assert str(badge(3, "danger", pill=True, data_unread=3)) == (
        '<span class="badge rounded-pill text-bg-danger" data-unread="3">3</span>'
    )
    assert str(badge("", "warning", data_outbox_count=True, hidden=True)) == (
        '<span class="badge text-bg-warning" data-outbox-count hidden></span>'
    )
    assert str(badge("<b>", "light", extra="me-1")) == (
        '<span class="badge text-bg-light border me-1">&lt;b&gt;</span>'
    )
    for tone in TONES:
        drawn = _render(
            '{% load ui %}{% badge text tone data_x=n extra="me-1" %}', text="A & B", tone=tone, n=2
        )
        assert drawn == badge("A & B", tone, extra="me-1", data_x=2)


def test_case_badges_in_templates_are_the_ones_the_rows_draw(login, petugas, relawan_alalak):
    """{% priority_badge %} / {% due_badge %} (case page, volunteer home) and the list's rows
    take their tones from cases.display alone."""
    from django.urls import reverse

    from cases.display import DUE_STATES, PRIORITY_TONE, due_badge, priority_badge
    from cases.models import Priority

    assert PRIORITY_TONE == {Priority.EMERGENCY: "danger", Priority.HIGH: "warning"}
    assert {state: tone for state, (_w, tone) in DUE_STATES.items()} == {
        "overdue": "danger",
        "due_soon": "warning",
    }
    client = login(petugas)
    with translation.override("id"):
        for priority in ("emergency", "high", "normal", "low"):
            case = file_case(relawan_alalak, priority=priority)
            drawn = str(_render("{% load case_tags %}{% priority_badge c %}", c=case))
            assert drawn == priority_badge(priority, case.get_priority_display())
            page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
            assert drawn in page
            rows = client.get(reverse("cases:list")).content.decode()
            assert f'<td class="c-priority" data-label="Prioritas">{drawn}</td>' in rows
            Case.objects.filter(pk=case.pk).update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            case.refresh_from_db()
            assert case.due_state == "overdue"
            due = str(_render("{% load case_tags %}{% due_badge c %}", c=case))
            assert due == due_badge("overdue") and 'data-due-state="overdue">Terlambat<' in due
            assert due in client.get(reverse("cases:list")).content.decode()


def test_short_dashboard_tables_are_what_the_template_drew():
    """psm.ui.tables' status, SLA, kecamatan and volunteer rows: the template loops they
    replaced, cell for cell (grouping, decimal comma, escaping, the em dash)."""
    from django.template import engines

    from reports.views.dashboard import _short_tables

    board = SimpleNamespace(
        status_rows=lambda: [("new", "Baru <b>", 12345), ("closed", "Ditutup", 0)],
        sla_rows=lambda: [
            {
                "key": "high",
                "label": "Tinggi",
                "due": 1500,
                "met": 1000,
                "percent": 66.7,
                "overdue": 2500,
            },
            {"key": "all", "label": "Semua", "due": 0, "met": 0, "percent": None, "overdue": 0},
        ],
        by_kecamatan=[("Banjarmasin <Utara>", 1186)],
        volunteers=[
            {
                "kecamatan": "Utara & Co",
                "volunteers": 1234,
                "active_30d": 5,
                "cases_filed": 0,
                "visits": 7,
            }
        ],
    )
    template = engines["django"].from_string(
        "{% load humanize %}"
        '{% for status, label, n in status_rows %}<tr><td>{{ label }}</td><td class="text-end" data-status="{{ status }}">{{ n|intcomma }}</td></tr>{% endfor %}|'  # noqa: E501
        '{% for row in sla_rows %}<tr><td>{{ row.label }}</td><td class="text-end">{{ row.due|intcomma }}</td><td class="text-end">{{ row.met|intcomma }}</td><td class="text-end" data-sla="{{ row.key }}">{% if row.percent is not None %}{{ row.percent }}{% else %}—{% endif %}</td><td class="text-end" data-overdue="{{ row.key }}">{{ row.overdue|intcomma }}</td></tr>{% endfor %}|'  # noqa: E501
        '{% for name, n in board.by_kecamatan %}<tr><td>{{ name }}</td><td class="text-end" data-kecamatan="{{ name }}">{{ n|intcomma }}</td></tr>{% endfor %}|'  # noqa: E501
        '{% for row in board.volunteers %}<tr><td>{{ row.kecamatan }}</td><td class="text-end">{{ row.volunteers }}</td><td class="text-end">{{ row.active_30d }}</td><td class="text-end">{{ row.cases_filed }}</td><td class="text-end">{{ row.visits }}</td></tr>{% endfor %}'  # noqa: E501
    )
    with translation.override("id"):
        expected = template.render(
            {"status_rows": board.status_rows(), "sla_rows": board.sla_rows(), "board": board}
        )
        drawn = _short_tables(board)
    assert (
        "|".join(drawn[k] for k in ("status_rows", "sla_rows", "kecamatan_rows", "volunteer_rows"))
        == expected
    )
    assert "66,7" in expected and "12.345" in expected and "&lt;b&gt;" in expected
