"""Open data of a territory's public governance (issue 19, item 2): a Popolo-compatible JSON export
and CSV tables of the plan and its indicators (the decisions' CSV is the register's own).

Everything here is what an anonymous visitor may see on the pages, asked of the apps' own rules and
selectors with an anonymous user: a public space, a published meeting, a decided proposal's counts,
a person's name only where she agreed (accounts/privacy.py). Never a ballot, never who voted what.
"""
