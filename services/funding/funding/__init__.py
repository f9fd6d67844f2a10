"""Funding service (资金台账): the double-entry ledger, budgets, funding rules, awards, disbursements."""

__version__ = "0.1.0"
