"""Test data for questionnaires. Each factory commits, so web requests of a test see it."""
from __future__ import annotations

from consult.extensions import db
from consult.questionnaires import services
from tests.plans.factories import make_process  # noqa: F401  (re-exported for the tests)

# One question of every kind.
EVERY_KIND = [
    {"kind": "single_choice", "text": "Which mode do you use most?", "required": True,
     "options": ["Bus", "Bike", "Car"]},
    {"kind": "multiple_choice", "text": "Which services matter?", "options": ["Wi-Fi", "Parking",
                                                                          "Lighting", "Benches"],
     "max_choices": 2},
    {"kind": "scale", "text": "How satisfied are you?", "scale_min": 1, "scale_max": 5,
     "scale_min_label": "Not at all", "scale_max_label": "Very"},
    {"kind": "ranking", "text": "Rank the priorities", "options": ["Green", "Traffic", "Culture"]},
    {"kind": "short_text", "text": "One word for Lecce"},
    {"kind": "long_text", "text": "What else?"},
]


def make_questionnaire(staff, process=None, *, questions=None, state="open", **fields):
    process = process or make_process()
    questionnaire = services.create_questionnaire(
        staff, process, title=fields.pop("title", "Mobility survey"),
        questions=EVERY_KIND if questions is None else questions, **fields)
    if state != "draft":
        services.open_questionnaire(staff, questionnaire)
    if state == "closed":
        services.close_questionnaire(staff, questionnaire)
    db.session.commit()
    return questionnaire


def full_answers(questionnaire, *, single=0, multiple=(0, 1), value=4, ranking=(2, 0, 1),
                 short="Baroque", long="More trees in the old town."):
    """Valid answers to the EVERY_KIND questions, chosen by option index."""
    q = questionnaire.questions
    return [
        {"question_id": q[0].id, "option_ids": [q[0].options[single].id]},
        {"question_id": q[1].id, "option_ids": [q[1].options[i].id for i in multiple]},
        {"question_id": q[2].id, "value": value},
        {"question_id": q[3].id, "option_ids": [q[3].options[i].id for i in ranking]},
        {"question_id": q[4].id, "text": short},
        {"question_id": q[5].id, "text": long},
    ]
