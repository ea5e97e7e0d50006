# fr-CA formats following the Office québécois de la langue française:
# « mardi 7 octobre 2025 », « 18 h 30 », « 4,3 », « 120 000 $ » (non-breaking spaces).
DATE_FORMAT = "l j F Y"
# Django's format strings cannot say « 1er » nor drop « 00 » (« 18 h 00 »): pages use
# core/formatting.py; these serve Django's own filters (the admin, forms). No ISO date on a page.
SHORT_DATE_FORMAT = "j N Y"
TIME_FORMAT = "G\u00a0\\h\u00a0i"
DATETIME_FORMAT = "l j F Y, G\u00a0\\h\u00a0i"
SHORT_DATETIME_FORMAT = "j N Y, G\u00a0\\h\u00a0i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 0
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
