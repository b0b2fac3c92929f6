"""Banjarmasin's time zone (WITA, UTC+8): the clock of due times, months and reports,
whatever TIME_ZONE a deployment sets for display."""

from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")
