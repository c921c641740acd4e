"""KPIs: measured in SQL, for managers and auditors."""
