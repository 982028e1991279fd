"""The benchmark data generator: Decide-Madrid-sized data, in bulk, deterministic from a seed.

Rows are written with PostgreSQL COPY (psycopg's cursor.copy()) or, on SQLite, with
executemany in chunks; ids are given explicitly so that foreign keys are known without
reading anything back. Secondary indexes of the big tables are dropped during the load
and rebuilt afterwards (sorting once beats millions of B-tree inserts). Denormalised
counters are then set from the raw rows, one UPDATE ... FROM (SELECT ... GROUP BY) each.
"""
from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from werkzeug.security import generate_password_hash

from consult.bench.content import Writer

BENCH_DOMAIN = "bench.invalid"
BENCH_PASSWORD = "bench-password-not-secret"
# Accounts 1..VOTERS are always confirmed, unblocked participants: the load clients log in as them.
VOTERS = 2000
SEARCH_TERM = "ciclabili"
CATEGORY_SHARES = (("citizen", 80), ("business", 8), ("academia", 4), ("institution", 3),
                   ("association", 5))
# Every fifth process at most is not voting, so that even 5 processes hold voting ones.
PHASE_CYCLE = ("voting", "consultation", "information", "co-drafting", "voting", "closed",
               "consultation", "voting", "information", "co-drafting")
STATUS_SHARES = (("published", 60), ("evaluating", 20), ("accepted", 8), ("rejected", 7),
                 ("implemented", 3), ("withdrawn", 2))
CHOICE_PATTERN = ("favor",) * 12 + ("against",) * 5 + ("abstain",) * 3
PLAN_STATUSES = ("planned", "in_progress", "completed", "cancelled")
FUNDING = ("eu", "national", "regional", "municipal", "private")
THEMES = ("mobility", "energy", "environment", "digital_services", "culture_tourism",
          "social_inclusion", "other")
ORG_KINDS = ("university", "research_centre", "technology_district", "firm", "public_body",
             "association")
START = datetime(2023, 1, 9, 8, 0, tzinfo=UTC)
SPAN_SECONDS = 700 * 24 * 3600
CHUNK = 10_000
BIG_TABLES = ("users", "votes", "comments")
# Tables whose row count `bench info` reports, so `make bench` can tell data of this generator
# from data an older one made (which it regenerates): Counts.expected_rows.
COUNTED_TABLES = ("proposals", "questionnaire_responses", "meetings", "news_items",
                  "funding_calls")


@dataclass(frozen=True)
class Counts:
    users: int
    processes: int
    proposals: int
    votes: int
    comments: int
    plans: int
    sections: int
    revisions_per_section: int = 20
    showcase_comments: int = 2000
    questionnaire_responses: int = 0
    meetings: int = 0
    meeting_registrations: int = 0
    news: int = 0
    funding_calls: int = 0

    @classmethod
    def for_scale(cls, scale: float) -> Counts:
        """At scale 1, Decide Madrid: 500k accounts, 30k proposals, 5M votes, 1M comments.
        The features Decide Madrid lacks follow the same proportions (docs/performance.md):
        3,000 meetings with 100,000 registrations (Decidim Barcelona's 1,300 meetings for its
        13,000 proposals, about 35 people a session), 2,000 news items, 1,000 funding calls."""
        if not 0.01 <= scale <= 1:
            raise ValueError("the scale must be between 0.01 and 1")
        return cls(users=round(500_000 * scale), processes=max(5, round(50 * scale)),
                   proposals=round(30_000 * scale), votes=round(5_000_000 * scale),
                   comments=round(1_000_000 * scale), plans=max(5, round(2_000 * scale)),
                   sections=max(2, round(200 * scale)),
                   questionnaire_responses=round(50_000 * scale),
                   meetings=max(5, round(3_000 * scale)),
                   meeting_registrations=round(100_000 * scale),
                   news=max(5, round(2_000 * scale)), funding_calls=max(5, round(1_000 * scale)))

    def expected_rows(self) -> dict[str, int]:
        """The rows of COUNTED_TABLES that generate() writes with these counts."""
        responses = min(self.questionnaire_responses, self.users - 10)
        return {"proposals": self.proposals, "questionnaire_responses": 2 * responses,
                "meetings": self.meetings, "news_items": self.news,
                "funding_calls": self.funding_calls}

    def check(self) -> None:
        if self.users < 20 or self.proposals < 2 or self.processes < 1:
            raise ValueError("at least 20 accounts, 2 proposals and 1 process are needed")
        if self.votes > self.users * self.proposals:
            raise ValueError("more votes than accounts × proposals cannot be unique")


@dataclass
class Report:
    counts: Counts
    seconds: dict[str, float] = field(default_factory=dict)
    showcase_proposal_id: int = 1

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


# --- distributions -------------------------------------------------------------------------

def shares(pattern: tuple[tuple[str, int], ...]) -> list[str]:
    return [name for name, weight in pattern for _ in range(weight)]


def skewed_counts(total: int, n: int, cap: int, exponent: float) -> list[int]:
    """`total` split over `n` ranks, Zipf-like (rank 0 gets most), none above `cap`."""
    if n == 0:
        return []
    if total > n * cap:
        raise ValueError(f"{total} cannot be split over {n} items of at most {cap}")
    weights = [1 / (rank + 2) ** exponent for rank in range(n)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing = total - sum(counts)
    rank = n - 1
    while missing > 0:
        if counts[rank] < cap:
            counts[rank] += 1
            missing -= 1
        rank = rank - 1 if rank else n - 1
    return counts


def stamp(moment: datetime) -> str:
    """Naive UTC text, the format SQLAlchemy's DateTime stores on SQLite; PostgreSQL reads it too."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# --- writing -------------------------------------------------------------------------------

class Sink:
    """Bulk writes on one raw DBAPI connection: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: Engine, tables: dict[str, Table], now: str):
        self.engine = engine
        self.tables = tables
        self.now = now
        self.postgres = engine.dialect.name == "postgresql"
        self.raw = engine.raw_connection()
        self.dbapi = self.raw.driver_connection
        if not self.postgres:
            # The driver's own BEGIN before the first INSERT (consult.sqlite_engine turns it
            # off for the application): the bulk rows go in one transaction, not one each.
            self.dbapi.isolation_level = "DEFERRED"
        self.rows_written: dict[str, int] = {}

    def execute(self, sql: str, params: tuple = ()) -> list:
        cursor = self.dbapi.cursor()
        cursor.execute(sql, params) if params else cursor.execute(sql)
        rows = cursor.fetchall() if cursor.description else []
        cursor.close()
        return rows

    def _defaults(self, table: Table, given: tuple[str, ...]) -> tuple[tuple[str, ...], tuple]:
        """Columns the generator does not set but the model fills in Python (e.g. is_demo)."""
        names, values = [], []
        for column in table.columns:
            if column.name in given or column.default is None:
                continue
            default = column.default
            if default.is_scalar:
                value = default.arg
            elif default.is_callable:
                value = self.now if "Date" in type(column.type).__name__ else default.arg(None)
            else:
                continue
            names.append(column.name)
            values.append(value)
        return tuple(names), tuple(values)

    def write(self, table_name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        table = self.tables[table_name]
        extra_names, extra_values = self._defaults(table, columns)
        names = columns + extra_names
        if extra_values:
            rows = (row + extra_values for row in rows)
        count = 0
        if self.postgres:
            cursor = self.dbapi.cursor()
            quoted = ", ".join(f'"{name}"' for name in names)
            with cursor.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            cursor.close()
        else:
            sql = (f'INSERT INTO "{table_name}" ({", ".join(names)}) '
                   f'VALUES ({", ".join("?" for _ in names)})')
            cursor = self.dbapi.cursor()
            rows = iter(rows)
            while chunk := list(itertools.islice(rows, CHUNK)):
                cursor.executemany(sql, chunk)
                count += len(chunk)
            cursor.close()
        self.rows_written[table_name] = self.rows_written.get(table_name, 0) + count
        return count

    def commit(self) -> None:
        self.dbapi.commit()

    def close(self) -> None:
        self.raw.close()


# --- the generator -------------------------------------------------------------------------

class Generator:
    def __init__(self, sink: Sink, counts: Counts, seed: int):
        self.sink = sink
        self.counts = counts
        self.seed = seed
        self.random = random.Random(seed)
        self.words = Writer(seed)
        self.user_category: list[str] = []
        self.proposal_created: list[datetime] = []
        self.process_ids: list[int] = []
        self.voting_processes: set[int] = set()
        self.showcase_proposal_id = 1

    # each step returns nothing; rows go straight to the sink

    def organizations(self) -> None:
        names = ("Università del Salento", "CNR Nanotec", "CMCC", "CETMA", "DHITECH", "DiTNE",
                 "Camera di Commercio di Lecce", "Confartigianato Lecce", "Legambiente Lecce",
                 "ASL Lecce", "Provincia di Lecce", "Ordine degli Ingegneri", "Coop. Sociale Il Faro",
                 "Lecce Bike", "Startup Salento", "Fondazione Città", "Archeoclub Lecce",
                 "Rete Scuole Lecce", "Consorzio Energia Sud", "Associazione Commercianti Centro")
        rows = ((i + 1, f"bench-org-{i + 1}", name, ORG_KINDS[i % len(ORG_KINDS)], i < 8,
                 f"{name}: partner del Comune." if i < 8 else "", None, False, self.sink.now)
                for i, name in enumerate(names))
        self.sink.write("organizations", ("id", "slug", "name", "kind", "is_partner",
                                          "description", "website", "is_demo", "created_at"), rows)
        self.organization_ids = list(range(1, len(names) + 1))

    def users(self) -> None:
        n = self.counts.users
        password_hash = generate_password_hash(BENCH_PASSWORD)  # one hash shared by every account
        categories = shares(CATEGORY_SHARES)
        r = self.random
        self.user_category = [""] * (n + 1)
        self.staff_ids = [2, 3, 4]

        def rows() -> Iterator[tuple]:
            for uid in range(1, n + 1):
                category = categories[r.randrange(len(categories))]
                self.user_category[uid] = category
                role = ("admin" if uid == 1 else "staff" if uid in (2, 3, 4)
                        else "moderator" if uid in (5, 6) else "participant")
                created = START + timedelta(seconds=uid * SPAN_SECONDS // (n + 1))
                created_text = stamp(created)
                roll = r.random() if uid > VOTERS else 1.0
                confirmed = None if roll < 0.03 else created_text
                blocked = created_text if 0.03 <= roll < 0.035 else None
                deleted = created_text if 0.035 <= roll < 0.04 else None
                yield (uid, f"user{uid}@{BENCH_DOMAIN}", self.words.name(uid), password_hash,
                       role, category, "it" if uid % 5 else "en", created_text, confirmed,
                       blocked, "spam" if blocked else None, deleted, 1, False, created_text)

        self.sink.write("users", (
            "id", "email", "display_name", "password_hash", "role", "category", "locale",
            "consent_at", "email_confirmed_at", "blocked_at", "blocked_reason", "deleted_at",
            "session_version", "is_demo", "created_at"), rows())
        self.active_authors = n  # comment authors are drawn from every account

    def city(self) -> None:
        self.sink.write("city_profiles", (
            "id", "name", "office", "population", "mission_it", "mission_en", "declared_projects",
            "declared_investments_eur", "source_note", "is_demo"),
            [(1, "Lecce", "Ufficio Programmazione Strategica", 95_000,
              "Una città che decide insieme.", "A city that decides together.", None, None,
              "bench data", False)])

    def processes(self) -> None:
        phases = PHASE_CYCLE
        n = self.counts.processes
        rows = []
        for pid in range(1, n + 1):
            phase = phases[(pid - 1) % len(phases)]
            if phase == "voting":
                self.voting_processes.add(pid)
            starts = date(2023, 1, 1) + timedelta(days=pid * 7)
            created = stamp(START + timedelta(days=pid))
            rows.append((pid, f"percorso-{pid}", f"Percorso partecipativo {pid}: "
                         f"{self.words.title()}", self.words.body(2), phase, starts.isoformat(),
                         (starts + timedelta(days=180)).isoformat(), 2, created, False, created))
        self.sink.write("processes", ("id", "slug", "title", "summary", "phase", "starts_on",
                                      "ends_on", "created_by_id", "updated_at", "is_demo",
                                      "created_at"), rows)
        self.process_ids = list(range(1, n + 1))

    def proposals(self) -> None:
        n, r = self.counts.proposals, self.random
        statuses = shares(STATUS_SHARES)

        def rows() -> Iterator[tuple]:
            for pid in range(1, n + 1):
                process_id = self.process_ids[(pid - 1) % len(self.process_ids)]
                created = START + timedelta(seconds=pid * SPAN_SECONDS // (n + 1)
                                            + r.randrange(3600))
                self.proposal_created.append(created)
                status = statuses[r.randrange(len(statuses))]
                voting = process_id in self.voting_processes and status != "withdrawn"
                if pid == self.showcase_proposal_id:
                    status, voting = "published", True
                answered = status in ("accepted", "rejected", "implemented")
                yield (pid, process_id, self.words.title(), self.words.body(3),
                       THEMES[pid % len(THEMES)], status,
                       "L'ufficio ha valutato la proposta. " + self.words.paragraph(2)
                       if answered else None,
                       stamp(created + timedelta(days=30)) if answered else None,
                       2 if answered else None, voting, 0, 0, 2, stamp(created), False,
                       stamp(created))

        self.sink.write("proposals", (
            "id", "process_id", "title", "body", "theme", "status", "answer", "answered_at",
            "answered_by_id", "voting_open", "votes_count", "comments_count", "author_id",
            "updated_at", "is_demo", "created_at"), rows())

    def votes(self) -> None:
        """Unique per (account, proposal): each proposal's voters are an arithmetic
        progression modulo the number of accounts with a step coprime to it."""
        users, proposals = self.counts.users, self.counts.proposals
        counts = skewed_counts(self.counts.votes, proposals, users, 0.8)
        order = list(range(1, proposals + 1))
        self.random.shuffle(order)
        per_proposal = dict(zip(order, counts))
        stamps = [stamp(START + timedelta(seconds=i * SPAN_SECONDS // 5000)) for i in range(5000)]
        steps = [s for s in range(7919, 7919 + 4000) if _coprime(s, users)][:200] or [1]
        r, category = self.random, self.user_category

        def rows() -> Iterator[tuple]:
            vid = 0
            for pid in range(1, proposals + 1):
                n = per_proposal[pid]
                start, step = r.randrange(users), steps[r.randrange(len(steps))]
                base = pid * 5000 // (proposals + 1)
                for k in range(n):
                    uid = (start + k * step) % users + 1
                    vid += 1
                    moment = stamps[(base + k) % 5000]
                    yield (vid, "proposal", pid, uid, CHOICE_PATTERN[(k * 7 + pid) % 20],
                           category[uid], moment, moment, False)

        self.sink.write("votes", ("id", "target_type", "target_id", "user_id", "choice",
                                  "category", "created_at", "updated_at", "is_demo"), rows())

    def comments(self, plan_ids: list[int], section_paragraphs: dict[int, int]) -> None:
        """Threads three levels deep; 1% hidden, 2% deleted. 90% on proposals (one proposal
        gets exactly `showcase_comments`), 5% on plans, 5% on section paragraphs."""
        total = self.counts.comments
        showcase = min(self.counts.showcase_comments, total // 2)
        on_plans = total * 5 // 100 if plan_ids else 0
        on_sections = total * 5 // 100 if section_paragraphs else 0
        on_proposals = total - showcase - on_plans - on_sections
        others = list(range(2, self.counts.proposals + 1))
        self.random.shuffle(others)
        cap = max(1, showcase - 1)  # the showcase stays the most commented proposal
        targets: list[tuple[str, int, int]] = [("proposal", self.showcase_proposal_id, showcase)]
        for pid, n in zip(others, skewed_counts(on_proposals, len(others), cap, 0.9)):
            targets.append(("proposal", pid, n))
        for plan_id, n in zip(plan_ids, skewed_counts(on_plans, len(plan_ids), 10**9, 0.5)):
            targets.append(("plan", plan_id, n))
        sections = sorted(section_paragraphs)
        for section_id, n in zip(sections, skewed_counts(on_sections, len(sections), 10**9, 0.5)):
            targets.append(("section", section_id, n))
        r, users, words = self.random, self.counts.users, self.words
        hidden_by = 5

        def rows() -> Iterator[tuple]:
            cid = 0
            for target_type, target_id, n in targets:
                if target_type == "proposal":
                    begin = self.proposal_created[target_id - 1]
                else:
                    begin = START + timedelta(days=30)
                parents: list[tuple[int, int, int | None, int | None]] = []
                paragraphs = section_paragraphs.get(target_id, 1)
                for j in range(n):
                    cid += 1
                    if not parents or r.random() < 0.6:
                        depth, parent_id, root_id = 0, None, None
                        paragraph = r.randrange(paragraphs) if target_type == "section" else None
                    else:
                        p_id, p_depth, p_root, paragraph = parents[
                            r.randrange(max(0, len(parents) - 40), len(parents))]
                        depth, parent_id, root_id = p_depth + 1, p_id, p_root or p_id
                    roll = r.random()
                    hidden, deleted = roll < 0.01, 0.01 <= roll < 0.03
                    if depth < 2 and not hidden and not deleted:
                        parents.append((cid, depth, root_id, paragraph))
                    moment = stamp(begin + timedelta(seconds=60 * j + r.randrange(50)))
                    yield (cid, target_type, target_id, paragraph, parent_id, root_id, depth,
                           (cid * 7919) % users + 1, ("favor", "against", "neutral")[cid % 3],
                           words.comment(), None, moment if deleted else None,
                           moment if hidden else None, "spam" if hidden else None,
                           hidden_by if hidden else None, False, moment)

        self.sink.write("comments", (
            "id", "target_type", "target_id", "paragraph", "parent_id", "root_id", "depth",
            "author_id", "stance", "body", "edited_at", "deleted_at", "hidden_at",
            "hidden_reason", "hidden_by_id", "is_demo", "created_at"), rows())

    def plans(self) -> list[int]:
        n, r = self.counts.plans, self.random
        plan_rows, partners, linked, milestones = [], [], [], []
        for plan_id in range(1, n + 1):
            created = START + timedelta(days=60 + plan_id * 600 // (n + 1))
            status = PLAN_STATUSES[r.choices(range(4), weights=(4, 4, 2, 1))[0]]
            budget = f"{r.randrange(20_000, 5_000_000)}.{r.randrange(100):02d}"
            progress = {"planned": 0, "completed": 100}.get(status, r.randrange(5, 95))
            plan_rows.append((plan_id, self.process_ids[plan_id % len(self.process_ids)],
                              f"Progetto {plan_id}: {self.words.title()}", self.words.body(2),
                              budget, FUNDING[plan_id % len(FUNDING)], "PNRR M2C2",
                              status, progress, 0, 2, stamp(created), False, stamp(created)))
            for org in r.sample(self.organization_ids[:8], 1 + plan_id % 3):
                partners.append((plan_id, org))
            for proposal_id in r.sample(range(1, self.counts.proposals + 1),
                                        min(plan_id % 3, self.counts.proposals)):
                linked.append((plan_id, proposal_id))
            for m in range(3):
                due = created.date() + timedelta(days=90 * (m + 1))
                milestones.append((len(milestones) + 1, plan_id, f"Fase {m + 1}", due.isoformat(),
                                   status == "completed" or m == 0 and progress > 30, None,
                                   None, False, stamp(created)))
        self.sink.write("action_plans", (
            "id", "process_id", "title", "description", "budget_eur", "funding_source",
            "programme", "status", "progress_percent", "comments_count", "created_by_id",
            "updated_at", "is_demo", "created_at"), plan_rows)
        self.sink.write("plan_partners", ("plan_id", "organization_id"), partners)
        self.sink.write("plan_proposals", ("plan_id", "proposal_id"), linked)
        self.sink.write("plan_milestones", ("id", "plan_id", "title", "due_on", "done",
                                            "done_at", "removed_at", "is_demo", "created_at"),
                        milestones)
        return list(range(1, n + 1))

    def questionnaire(self) -> None:
        """Questionnaire 1, closed with public results: a question of every kind and
        `questionnaire_responses` responses from different accounts (the results page)."""
        from consult.questionnaires.bench import write_questionnaire

        write_questionnaire(self.sink, self.random, self.user_category,
                            min(self.counts.questionnaire_responses, self.counts.users - 10))

    def meetings(self) -> None:
        from consult.meetings.bench import write_meetings

        documents = max(1, -(-self.counts.sections // 20))
        sections_of_process: dict[int, list[int]] = {}
        for section_id in range(1, self.counts.sections + 1):
            document_id = (section_id - 1) // 20 + 1
            if document_id <= documents:
                process_id = self.process_ids[(document_id - 1) % len(self.process_ids)]
                sections_of_process.setdefault(process_id, []).append(section_id)
        write_meetings(self.sink, self.random, self.words, count=self.counts.meetings,
                       registrations=self.counts.meeting_registrations, users=self.counts.users,
                       process_ids=self.process_ids, proposals=self.counts.proposals,
                       sections_of_process=sections_of_process,
                       organization_ids=self.organization_ids, start=START,
                       past_end=START + timedelta(seconds=SPAN_SECONDS), stamp=stamp)

    def news(self) -> None:
        from consult.news.bench import write_news

        write_news(self.sink, self.random, self.words, count=self.counts.news,
                   process_ids=self.process_ids, start=START,
                   past_end=START + timedelta(seconds=SPAN_SECONDS), stamp=stamp)

    def funding_calls(self) -> None:
        from consult.funding.bench import write_calls

        write_calls(self.sink, self.random, self.words, count=self.counts.funding_calls,
                    plans=self.counts.plans, organization_ids=self.organization_ids, start=START,
                    past_end=START + timedelta(seconds=SPAN_SECONDS), stamp=stamp)

    def documents(self) -> dict[int, int]:
        """Documents of 20 sections; every section with its revisions. Returns
        {section_id: number of paragraphs} for the paragraph comments."""
        sections, per = self.counts.sections, self.counts.revisions_per_section
        documents = max(1, -(-sections // 20))
        self.sink.write("documents", ("id", "process_id", "title", "is_published",
                                      "published_at", "created_by_id", "is_demo", "created_at"),
                        [(d, self.process_ids[(d - 1) % len(self.process_ids)],
                          f"Documento programmatico {d}", True, self.sink.now, 2, False,
                          self.sink.now) for d in range(1, documents + 1)])
        section_rows, revision_rows, paragraphs = [], [], {}
        revision_id = 0
        for section_id in range(1, sections + 1):
            texts = [self.words.paragraph(3) for _ in range(5)]
            parent = None
            for number in range(1, per + 1):
                revision_id += 1
                texts[(number * 3) % len(texts)] = self.words.paragraph(3)
                moment = stamp(START + timedelta(days=10 + number, seconds=section_id))
                revision_rows.append((revision_id, section_id, number, parent,
                                      self.staff_ids[number % 3], f"Revisione {number}",
                                      "\n\n".join(texts), None, False, moment))
                parent = revision_id
            section_rows.append((section_id, (section_id - 1) // 20 + 1,
                                 f"{section_id}. {self.words.title()}", (section_id - 1) % 20,
                                 None, False, self.sink.now))
            paragraphs[section_id] = len(texts)
        # Sections and revisions point at each other: sections first, then their
        # revisions, then each section's current revision.
        self.sink.write("sections", ("id", "document_id", "heading", "position",
                                     "current_revision_id", "is_demo", "created_at"), section_rows)
        self.sink.write("section_revisions", ("id", "section_id", "number", "parent_id",
                                              "author_id", "message", "text", "amendment_id",
                                              "merged", "created_at"), revision_rows)
        self.sink.execute("UPDATE sections SET current_revision_id = (SELECT MAX(r.id) FROM "
                          "section_revisions AS r WHERE r.section_id = sections.id)")
        return paragraphs


def _coprime(a: int, b: int) -> bool:
    while b:
        a, b = b, a % b
    return a == 1


# --- schema work around the load -----------------------------------------------------------

def _drop_secondary_indexes(sink: Sink) -> list[str]:
    """Drop the big tables' secondary indexes and unique constraints; return the DDL
    that rebuilds them."""
    rebuild = []
    for table in BIG_TABLES:
        if sink.postgres:
            for name, definition in sink.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u'", (table,)):
                sink.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            for name, definition in sink.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                    "WHERE conrelid = %s::regclass)", (table, table)):
                sink.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
        else:
            for name, definition in sink.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND sql IS NOT NULL", (table,)):
                sink.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
    return rebuild


def _reset_sequences(sink: Sink) -> None:
    if not sink.postgres:
        return
    for table in sink.rows_written:
        if "id" in sink.tables[table].c:
            sink.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                         f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"')


def counter_updates() -> list[str]:
    """One UPDATE ... FROM (SELECT ... GROUP BY) per denormalised counter of a registered
    comment target or votable (whatever features keep counters, they are covered)."""
    from consult.comments.targets import TARGET_TYPES, get_target
    from consult.votes.targets import get_votable

    statements = []
    for target_type in TARGET_TYPES:
        target = get_target(target_type)
        if target is not None and "comments_count" in target.model.__table__.c:
            table = target.model.__tablename__
            statements.append(
                f'UPDATE "{table}" SET comments_count = 0 WHERE comments_count <> 0')
            statements.append(
                f'UPDATE "{table}" SET comments_count = c.n FROM (SELECT target_id, COUNT(*) AS n '
                f"FROM comments WHERE target_type = '{target_type}' AND deleted_at IS NULL "
                f'AND hidden_at IS NULL GROUP BY target_id) AS c WHERE "{table}".id = c.target_id')
        votable = get_votable(target_type)
        if votable is not None and votable.has_counter:
            table = votable.model.__tablename__
            statements.append(f'UPDATE "{table}" SET votes_count = 0 WHERE votes_count <> 0')
            statements.append(
                f'UPDATE "{table}" SET votes_count = v.n FROM (SELECT target_id, COUNT(*) AS n '
                f"FROM votes WHERE target_type = '{target_type}' GROUP BY target_id) AS v "
                f'WHERE "{table}".id = v.target_id')
    statements += ["DELETE FROM vote_tallies",
                   "INSERT INTO vote_tallies (target_type, target_id, category, choice, count) "
                   "SELECT target_type, target_id, category, choice, COUNT(*) FROM votes "
                   "GROUP BY target_type, target_id, category, choice"]
    return statements


# --- entry points --------------------------------------------------------------------------

def is_empty(engine: Engine, tables: dict[str, Table]) -> bool:
    with engine.connect() as connection:
        return all(connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is None
                   for name in tables)


def holds_only_bench_data(engine: Engine) -> bool:
    """True when the accounts are all bench accounts (and there is at least one)."""
    with engine.connect() as connection:
        users = connection.execute(text("SELECT COUNT(*) FROM users")).scalar()
        foreign = connection.execute(text(
            "SELECT 1 FROM users WHERE email IS NULL OR email NOT LIKE :pattern LIMIT 1"),
            {"pattern": f"%@{BENCH_DOMAIN}"}).first()
    return bool(users) and foreign is None


def wipe(engine: Engine, tables: dict[str, Table]) -> None:
    """Remove every row of the application's tables (the search index follows)."""
    from consult.search.schema import create_search_schema, drop_search_schema

    names = list(tables)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in names) + " RESTART IDENTITY CASCADE"))
        else:
            drop_search_schema(connection)
            # Checked at commit, when every table is empty (the schema has cycles).
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for name in names:
                connection.exec_driver_sql(f'DELETE FROM "{name}"')
            create_search_schema(connection)


def generate(url: str, counts: Counts, seed: int = 1,
             log: Callable[[str], None] = lambda message: None) -> Report:
    """Fill the (empty) database at `url` with bench data."""
    from consult.extensions import db
    from consult.search.schema import create_search_schema, drop_search_schema

    counts.check()
    engine = create_engine(url, poolclass=NullPool)
    tables = {t.name: t for t in db.metadata.sorted_tables}
    report = Report(counts)
    sink = Sink(engine, tables, stamp(START + timedelta(days=700)))
    generator = Generator(sink, counts, seed)

    def step(name: str, action: Callable[[], object]):
        began = time.perf_counter()
        result = action()
        report.seconds[name] = time.perf_counter() - began
        log(f"{name}: {report.seconds[name]:.1f} s")
        return result

    # The search index is filled by triggers row by row; made again afterwards, in bulk.
    step("drop search index", lambda: _with_connection(engine, drop_search_schema))
    try:
        if sink.postgres:
            sink.execute("SET synchronous_commit = off")
            sink.execute("SET maintenance_work_mem = '512MB'")
            try:  # rows are consistent by construction: skip the per-row FK triggers
                sink.execute("SET session_replication_role = replica")
            except Exception:  # not a superuser: the checks just run
                sink.dbapi.rollback()
        else:
            sink.execute("PRAGMA synchronous = OFF")
            sink.execute("PRAGMA foreign_keys = OFF")
        rebuild = step("drop indexes", lambda: _drop_secondary_indexes(sink))
        step("organizations, city", lambda: (generator.organizations(), generator.city()))
        step("users", generator.users)
        step("processes", generator.processes)
        step("proposals", generator.proposals)
        plan_ids = step("plans", generator.plans)
        paragraphs = step("documents", generator.documents)
        step("votes", generator.votes)
        step("comments", lambda: generator.comments(plan_ids, paragraphs))
        step("questionnaire", generator.questionnaire)
        step("meetings", generator.meetings)
        step("news", generator.news)
        step("funding calls", generator.funding_calls)
        sink.commit()
        step("rebuild indexes", lambda: [sink.execute(sql) for sql in rebuild])
        step("counters", lambda: [sink.execute(sql) for sql in counter_updates()])
        _reset_sequences(sink)
        sink.commit()
    finally:
        sink.close()
    step("search index", lambda: _with_connection(engine, create_search_schema))
    step("analyze", lambda: _analyze(engine))
    engine.dispose()
    report.showcase_proposal_id = generator.showcase_proposal_id
    return report


def _with_connection(engine: Engine, action: Callable) -> None:
    with engine.begin() as connection:
        action(connection)


def _analyze(engine: Engine) -> None:
    """Fresh statistics (and, on PostgreSQL, the visibility map for index-only scans)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                                   else "ANALYZE")
