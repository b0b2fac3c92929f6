"""The only place markup is drawn in Python (tests/test_layers.py holds the rule).

* `fields`: Bootstrap form fields as crispy-forms draws them, for the pages that draw many;
* `rows`: the <tr>s of the case list and the triage queue;
* `tables`: the dashboard's long <tbody>s, sortable column headers;
* `badges`: each tone's colour, one badge markup;
* `dates`: each date format, by name.

The templates use the same definitions through `{% load ui %}` (`psm/ui/templatetags/ui.py`).
psm.ui imports no app above it: which status or priority takes which tone is the app's
knowledge, handed in as data (cases/display.py).
"""
