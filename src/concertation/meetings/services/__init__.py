"""The writes of the meetings app, one service module per subject; views call them, never the ORM.

- ``agenda``: create, edit, convene, update and cancel a meeting; build its agenda (items, documents,
  items proposed by members);
- ``calendar``: a person's secret calendar address;
- ``rsvp``: answers to a notice;
- ``attendance``: who is present (the quorum itself is read by ``meetings.attendance``);
- ``meeting``: opening and closing the meeting, notes and conflicts of interest item by item;
- ``followups``: follow-ups decided in a meeting, their status and their review at the next one;
- ``minutes``: the minutes' draft, circulation, comments and adoption;
- ``evaluation``: the anonymous evaluation of a meeting.

Decisions taken in a meeting (electronic vote, show of hands, the decision entering the register)
are written by ``services.votes``, which asks ``decisions`` for the count.

Services are keyword-only and atomic; a refused action raises ``DomainError`` with a translated
message. Reads (pages, lists, the quorum) are in ``meetings.selectors``, ``meetings.attendance``,
``meetings.pages`` and the subject modules (``followups``, ``minutes``, ``evaluation``, ``rsvp``).
"""
