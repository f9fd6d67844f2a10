"""Agencies service (责任矩阵): the plan as data, tasks, agencies, deliverables, progress, supervision."""

__version__ = "0.1.0"
