"""What followers of a process hear about its questionnaires: opened, results published."""
from __future__ import annotations

from flask import url_for

from consult.follows import services as follows


def opened(questionnaire, actor) -> int:
    url = follows._in_request(lambda: url_for("questionnaires.detail",
                                              questionnaire_id=questionnaire.id))
    return follows.notify_followers(questionnaire.process, "follow.questionnaire_opened",
                                    actor=actor, url=url, item=questionnaire.title)


def results_published(questionnaire, actor) -> int:
    url = follows._in_request(lambda: url_for("questionnaires.results",
                                              questionnaire_id=questionnaire.id))
    return follows.notify_followers(questionnaire.process, "follow.questionnaire_results",
                                    actor=actor, url=url, item=questionnaire.title)
