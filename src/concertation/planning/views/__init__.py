"""Screens of the plan: its structure and revisions (structure.py), the dashboard and the bilan
(dashboard.py), the indicators and their measurements (indicators.py), the measurement import
(measurements_import.py); common.py loads the plan."""
