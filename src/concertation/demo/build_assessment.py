"""The self-assessment of the demo (demo/data/insights_assessment.toml): rounds over, opened and
answered through the services on their own days (anonymous, once per person); no notification is
made for the demo's past."""

from __future__ import annotations

from concertation.demo.context import DemoContext, data, fr
from concertation.insights.assessments import services
from concertation.insights.assessments.themes import SCORE_FIELDS
from concertation.insights.models import AssessmentRound
from concertation.insights.rules_assessments import may_answer
from concertation.spaces.audience import space_audience


def _answers(item: dict) -> dict:
    scores = item["scores"]
    if len(scores) != len(SCORE_FIELDS):
        raise ValueError(f"an answer has {len(SCORE_FIELDS)} scores: {scores!r}")
    return {**dict(zip(SCORE_FIELDS, scores, strict=True)), "plus": fr(item.get("plus", "")),
            "delta": fr(item.get("delta", ""))}


def build_assessment(ctx: DemoContext) -> None:
    if AssessmentRound.objects.filter(space__territory=ctx.territory).exists():
        return
    for item in data("insights_assessment")["rounds"]:
        space = ctx.space(item["space"])
        opens_on, closes_on = ctx.on(item["opens"]), ctx.on(item["closes"])
        assessment_round = services.round_open(space=space, title=item["title"], closes_on=closes_on,
                                               by=ctx.person(item["by"]), today=opens_on, announce=False)
        people = [person for person in space_audience(space, on=opens_on) if may_answer(person, space)]
        if len(people) < len(item["answers"]):
            raise ValueError(f"{space.slug}: {len(item['answers'])} answers for {len(people)} people")
        for person, answer in zip(people, item["answers"], strict=False):
            services.answer_submit(assessment_round=assessment_round, person=person, answers=_answers(answer),
                                   today=opens_on)
