"""The reports app's forms: the dashboard filter and the export forms."""
