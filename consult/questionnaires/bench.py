"""Bench data for the questionnaire results page (consult.bench.generate calls this):
questionnaire 1 in process 1, past its closing time with public results, a question of every kind,
one response per account from account 11 on, answers drawn at random."""
from __future__ import annotations

import itertools
from collections.abc import Iterator

QUESTIONS = (  # id, kind, text, options, max_choices, scale
    (1, "single_choice", "Quale mezzo usi di più?", ("Autobus", "Bicicletta", "Auto", "A piedi"), None),
    (2, "multiple_choice", "Quali servizi contano?", ("Wi-Fi", "Parcheggi", "Luci", "Panchine", "Verde"), 2),
    (3, "scale", "Quanto sei soddisfatto?", (), None),
    (4, "ranking", "Metti in ordine le priorità", ("Verde", "Traffico", "Cultura", "Energia"), None),
    (5, "short_text", "Una parola per Lecce", (), None),
    (6, "long_text", "Che cosa cambieresti?", (), None),
)


def write_questionnaire(sink, random, user_category: list[str], responses: int) -> None:
    if responses <= 0:
        return
    now = sink.now
    sink.write("questionnaires", (
        "id", "process_id", "title", "description", "opens_at", "closes_at", "results_public",
        "state", "opened_at", "closed_at", "open_announced_at", "results_announced_at",
        "created_by_id", "updated_at", "is_demo", "created_at"),
        # Past its closing time, not yet marked closed: `flask bench generate` then runs the
        # periodic job, which closes it and keeps its counts, as in production.
        [(1, 1, "Questionario sulla mobilità", "Dati di prova per il bench.", None, now, True,
          "open", now, None, now, None, 2, now, False, now)])
    options, option_id = {}, itertools.count(1)
    question_rows, option_rows = [], []
    for position, (question_id, kind, text, labels, max_choices) in enumerate(QUESTIONS, 1):
        scale = (1, 5) if kind == "scale" else (None, None)
        question_rows.append((question_id, 1, position, kind, text, position == 1, max_choices,
                              *scale, "Per niente" if scale[0] else "", "Molto" if scale[0] else "",
                              None, None))
        options[question_id] = []
        for order, label in enumerate(labels, 1):
            options[question_id].append(next(option_id))
            option_rows.append((options[question_id][-1], question_id, order, label))
    sink.write("questionnaire_questions", (
        "id", "questionnaire_id", "position", "kind", "text", "required", "max_choices",
        "scale_min", "scale_max", "scale_min_label", "scale_max_label", "section_id", "plan_id"),
        question_rows)
    sink.write("questionnaire_options", ("id", "question_id", "position", "label"), option_rows)
    first_user = 11
    sink.write("questionnaire_responses", (
        "id", "questionnaire_id", "user_id", "category", "submitted_at", "is_demo", "created_at"),
        ((n, 1, first_user + n - 1, user_category[first_user + n - 1] or "citizen", now, False, now)
         for n in range(1, responses + 1)))

    def answers() -> Iterator[tuple]:
        for n in range(1, responses + 1):
            category = user_category[first_user + n - 1] or "citizen"
            yield (n, 1, 1, category, random.choice(options[1]), None, None, None)
            for option in random.sample(options[2], random.randint(1, 2)):
                yield (n, 1, 2, category, option, None, None, None)
            yield (n, 1, 3, category, None, None, random.randint(1, 5), None)
            for rank, option in enumerate(random.sample(options[4], 4), 1):
                yield (n, 1, 4, category, option, rank, None, None)
            if n % 3 == 0:
                yield (n, 1, 5, category, None, None, None, "Barocca")
            if n % 7 == 0:
                yield (n, 1, 6, category, None, None, None, "Più alberi e piste ciclabili.")

    sink.write("questionnaire_answers", (
        "response_id", "questionnaire_id", "question_id", "category", "option_id", "rank",
        "value", "text"), answers())
