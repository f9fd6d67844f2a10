"""Supervision (督查督办): reporting schedules, overdue reports, and the escalation ladder
提醒 → 约谈 → 函询 → 通报."""
