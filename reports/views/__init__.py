"""The reports app's views: the dashboard and the exports (monthly report, case list, log)."""
