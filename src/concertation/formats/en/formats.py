# Display formats for Django's own filters (the admin, forms); pages use core/formatting.py, whose
# « 6 p.m. », « 10:15 a.m. » these follow. No ISO date on a page: ISO stays in the input formats.
DATE_FORMAT = "l, F j, Y"
SHORT_DATE_FORMAT = "N j, Y"
TIME_FORMAT = "P"
DATETIME_FORMAT = "l, F j, Y, P"
SHORT_DATETIME_FORMAT = "N j, Y, P"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 0
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
