"""Bench data for the questionnaire results pages (consult.bench.generate calls this):
questionnaires 1 (past its closing time, public results) and 2 (open) in process 1, a question
of every kind, one response per account from account 11 on, answers drawn at random."""
from __future__ import annotations

import itertools
from collections.abc import Iterator

QUESTIONS = (  # number, kind, text, options, max_choices
    (1, "single_choice", "Quale mezzo usi di più?", ("Autobus", "Bicicletta", "Auto", "A piedi"), None),
    (2, "multiple_choice", "Quali servizi contano?", ("Wi-Fi", "Parcheggi", "Luci", "Panchine", "Verde"), 2),
    (3, "scale", "Quanto sei soddisfatto?", (), None),
    (4, "ranking", "Metti in ordine le priorità", ("Verde", "Traffico", "Cultura", "Energia"), None),
    (5, "short_text", "Una parola per Lecce", (), None),
    (6, "long_text", "Che cosa cambieresti?", (), None),
)


def write_questionnaire(sink, random, user_category: list[str], responses: int) -> None:
    """Questionnaire 1 (closed with public results: its page reads the counts kept at the
    closing) and questionnaire 2 (open: staff see its results counted live), the same
    questions and as many responses each."""
    if responses <= 0:
        return
    now = sink.now
    sink.write("questionnaires", (
        "id", "process_id", "title", "description", "opens_at", "closes_at", "results_public",
        "state", "opened_at", "closed_at", "open_announced_at", "results_announced_at",
        "created_by_id", "updated_at", "is_demo", "created_at"),
        # 1: past its closing time, not yet marked closed: `flask bench generate` then runs the
        # periodic job, which closes it and keeps its counts, as in production.
        # 2: open, with no closing time.
        [(1, 1, "Questionario sulla mobilità", "Dati di prova per il bench.", None, now, True,
          "open", now, None, now, None, 2, now, False, now),
         (2, 1, "Questionario sul verde urbano", "Dati di prova per il bench.", None, None, True,
          "open", now, None, now, None, 2, now, False, now)])
    options: dict[int, list[int]] = {}
    option_id = itertools.count(1)
    question_rows, option_rows = [], []
    for questionnaire_id in (1, 2):
        base = (questionnaire_id - 1) * len(QUESTIONS)
        for position, (number, kind, text, labels, max_choices) in enumerate(QUESTIONS, 1):
            scale = (1, 5) if kind == "scale" else (None, None)
            question_rows.append((base + number, questionnaire_id, position, kind, text,
                                  position == 1, max_choices, *scale,
                                  "Per niente" if scale[0] else "", "Molto" if scale[0] else "",
                                  None, None))
            options[base + number] = []
            for order, label in enumerate(labels, 1):
                options[base + number].append(next(option_id))
                option_rows.append((options[base + number][-1], base + number, order, label))
    sink.write("questionnaire_questions", (
        "id", "questionnaire_id", "position", "kind", "text", "required", "max_choices",
        "scale_min", "scale_max", "scale_min_label", "scale_max_label", "section_id", "plan_id"),
        question_rows)
    sink.write("questionnaire_options", ("id", "question_id", "position", "label"), option_rows)
    first_user = 11

    def category(n: int) -> str:
        return user_category[first_user + n - 1] or "citizen"

    sink.write("questionnaire_responses", (
        "id", "questionnaire_id", "user_id", "category", "submitted_at", "is_demo", "created_at"),
        ((q * responses + n, q + 1, first_user + n - 1, category(n), now, False, now)
         for q in (0, 1) for n in range(1, responses + 1)))

    def answers() -> Iterator[tuple]:
        for q in (0, 1):
            questionnaire_id, base = q + 1, q * len(QUESTIONS)
            for n in range(1, responses + 1):
                response_id, c = q * responses + n, category(n)
                yield (response_id, questionnaire_id, base + 1, c, random.choice(options[base + 1]),
                       None, None, None)
                for option in random.sample(options[base + 2], random.randint(1, 2)):
                    yield (response_id, questionnaire_id, base + 2, c, option, None, None, None)
                yield (response_id, questionnaire_id, base + 3, c, None, None, random.randint(1, 5),
                       None)
                for rank, option in enumerate(random.sample(options[base + 4], 4), 1):
                    yield (response_id, questionnaire_id, base + 4, c, option, rank, None, None)
                if n % 3 == 0:
                    yield (response_id, questionnaire_id, base + 5, c, None, None, None, "Barocca")
                if n % 7 == 0:
                    yield (response_id, questionnaire_id, base + 6, c, None, None, None,
                           "Più alberi e piste ciclabili.")

    sink.write("questionnaire_answers", (
        "response_id", "questionnaire_id", "question_id", "category", "option_id", "rank",
        "value", "text"), answers())
