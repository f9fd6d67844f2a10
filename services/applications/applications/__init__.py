"""Applications service (申报): programs, cycles, quotas, applications, reviews, public notices."""

__version__ = "0.1.0"
