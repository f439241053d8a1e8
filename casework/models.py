"""The staff side's own records (inspections, advice, decisions, payments) arrive with issues 4 and 5."""
