"""The self-assessment of a space (issue 18, item 3): rounds of a short anonymous questionnaire."""
