"""The plan-file format (plans/README.md): a government plan as data, validated and cross-checked.

Imported by every service that seeds from a plan; holds no database or HTTP code."""

from planfile.format import (
    Agency,
    Deliverable,
    OverallTarget,
    PlanFile,
    PlanFileError,
    PlanInfo,
    Task,
    load_plan_file,
)

__all__ = ["Agency", "Deliverable", "OverallTarget", "PlanFile", "PlanFileError", "PlanInfo", "Task",
           "load_plan_file"]
