"""Progress: reports by agencies, their review by lead agencies, approvals counted for derived deliverables,
and the progress figures (value, percent, status colour) shown everywhere."""
