"""Search: Italian stemming, ranking, visibility, snippets, messages, pagination, query counts
(on SQLite FTS5 and PostgreSQL full text alike)."""
import pytest

from consult.database import utcnow
from consult.errors import InvalidInput
from consult.extensions import db
from consult.search import services
from consult.search.italian import query_stems, stem_text
from tests.search.factories import (
    make_amendment, make_comment, make_draft, make_plan, make_proposal, make_section,
)


def _ids(kind, q):
    group = services.search(q, kind=kind).groups[0]
    return [hit.id for hit in group.hits]


# --- Italian words -------------------------------------------------------------------------

def test_stems_are_those_of_postgresql_italian():
    assert query_stems("mobilità sostenibili") == ["mobil", "sosten"]
    assert stem_text("La mobilità sostenibile dell'ambiente") == "mobil sosten ambient"


def test_inflected_forms_find_the_base_form(process):
    found = make_proposal(process, title="Trasporti", body="Una mobilità sostenibile per Lecce.")
    make_proposal(process, title="Cultura", body="Teatri e musei aperti la sera.")
    assert _ids("proposal", "sostenibili") == [found.id]
    assert _ids("proposal", "mobile") == [found.id]
    assert _ids("proposal", "MOBILITÀ Sostenibilità") == []  # "sostenibilità" is another word
    assert _ids("proposal", "mobilita sostenibili") == [found.id]


def test_every_word_must_be_found(process):
    both = make_proposal(process, title="Piste ciclabili", body="Piste ciclabili sicure verso la stazione.")
    make_proposal(process, title="Stazione", body="Un nuovo parcheggio alla stazione.")
    assert _ids("proposal", "ciclabile stazione") == [both.id]


def test_title_matches_rank_above_body_matches(process):
    in_body = make_proposal(process, title="Idee per il centro", body="Più alberi e più verde.")
    in_title = make_proposal(process, title="Alberi in ogni quartiere", body="Ombra d'estate.")
    assert _ids("proposal", "alberi") == [in_title.id, in_body.id]


def test_each_kind_is_searched(process, participant):
    make_proposal(process, title="Energia solare", body="Pannelli sui tetti.")
    make_plan(process, title="Scuole", description="Pannelli solari sulle scuole.")
    section = make_section(process, heading="Energia", text="Comunità energetiche e pannelli.")
    make_amendment(section, participant, text="Pannelli anche sugli uffici.", rationale="Risparmio.")
    make_comment(section, participant, "Servono pannelli ovunque.")
    results = services.search("pannelli")
    assert {g.kind: g.total for g in results.groups} == {
        "proposal": 1, "plan": 1, "section": 1, "amendment": 1, "comment": 1}


def test_section_heading_and_current_text_are_searched(process):
    section = make_section(process, heading="Mobilità", text="Autobus ogni dieci minuti.")
    assert _ids("section", "mobilità") == [section.id]
    assert _ids("section", "autobus") == [section.id]


def test_a_new_revision_replaces_the_old_text(process):
    from consult.documents.models import SectionRevision

    section = make_section(process, heading="Verde", text="Parchi urbani.")
    revision = SectionRevision(section_id=section.id, number=2, text="Giardini condivisi.")
    db.session.add(revision)
    db.session.flush()
    section.current_revision_id = revision.id
    db.session.commit()
    assert _ids("section", "giardini") == [section.id]
    assert _ids("section", "parchi") == []


def test_edited_text_is_found_and_the_old_one_is_not(process):
    proposal = make_proposal(process, title="Bus", body="Autobus elettrici.")
    proposal.body = "Tram moderni."
    db.session.commit()
    assert _ids("proposal", "tram") == [proposal.id]
    assert _ids("proposal", "elettrici") == []


# --- what is not public never appears -----------------------------------------------------

def test_hidden_and_deleted_comments_never_appear(process, participant):
    proposal = make_proposal(process)
    visible = make_comment(proposal, participant, "Biciclette per tutti.")
    make_comment(proposal, participant, "Biciclette gratis.", hidden=True)
    deleted = make_comment(proposal, participant, "Biciclette ovunque.")
    deleted.deleted_at = utcnow()
    db.session.commit()
    assert _ids("comment", "biciclette") == [visible.id]


def test_a_comment_hidden_later_disappears_and_comes_back_when_restored(process, participant):
    comment = make_comment(make_proposal(process), participant, "Monopattini in centro.")
    comment.hidden_at = utcnow()
    db.session.commit()
    assert _ids("comment", "monopattini") == []
    comment.hidden_at = None
    db.session.commit()
    assert _ids("comment", "monopattini") == [comment.id]


def test_unpublished_documents_and_private_drafts_stay_out(process, participant):
    hidden_section = make_section(process, heading="Bozza riservata", text="Fotovoltaico.", published=False)
    make_amendment(hidden_section, participant, text="Fotovoltaico ovunque.")
    make_comment(hidden_section, participant, "Fotovoltaico, sì.")
    private = make_draft(process, participant, private=True)
    make_comment(private, participant, "Fotovoltaico nella bozza privata.")
    public = make_draft(process, participant)
    shown = make_comment(public, participant, "Fotovoltaico nella bozza pubblica.")
    results = services.search("fotovoltaico")
    assert {g.kind: g.total for g in results.groups}["section"] == 0
    assert {g.kind: g.total for g in results.groups}["amendment"] == 0
    assert [h.id for g in results.groups for h in g.hits if g.kind == "comment"] == [shown.id]


# --- snippets ------------------------------------------------------------------------------

def test_snippet_is_escaped_and_marks_the_words(process, participant):
    make_comment(make_proposal(process), participant,
                 "<script>alert(1)</script> La **mobilità** <b>dolce</b>: costi < 5% & meno auto.")
    snippet = str(services.search("mobilita", kind="comment").groups[0].hits[0].snippet)
    assert "<script" not in snippet and "<b>" not in snippet and "**" not in snippet
    assert "&lt; 5% &amp; meno auto" in snippet
    assert "<mark>mobilità</mark>" in snippet


def test_long_text_snippet_is_cut_around_the_match(process):
    body = " ".join(["parola"] * 200) + " ciclovia " + " ".join(["altro"] * 200)
    make_proposal(process, title="Lunga", body=body)
    snippet = str(services.search("ciclovia", kind="proposal").groups[0].hits[0].snippet)
    assert "<mark>ciclovia</mark>" in snippet
    assert len(snippet) < 400


# --- messages instead of errors ------------------------------------------------------------

@pytest.mark.parametrize("q", ["", "   ", "x" * 1000, "il la di e", "?!"])
def test_bad_searches_give_a_clear_message(q):
    with pytest.raises(InvalidInput) as error:
        services.parse_query(q)
    assert error.value.message


@pytest.mark.parametrize("q", ["", "a" * 1000, "della"])
def test_search_page_shows_the_message_not_an_error(client, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert 'id="search-q-error"' in response.get_data(as_text=True)


def test_search_page_without_a_query_shows_the_form(client):
    page = client.get("/search").get_data(as_text=True)
    assert 'name="q"' in page and "search-q-error" not in page


def test_unknown_kind_gives_a_message(client, process):
    response = client.get("/search?q=bus&type=users")
    assert response.status_code == 200 and "search-q-error" in response.get_data(as_text=True)


def test_odd_query_syntax_is_only_words(process):
    proposal = make_proposal(process, title='Bus "notturni"', body="NEAR(a b) OR c*")
    assert _ids("proposal", 'notturni" OR * NEAR(') == [proposal.id]


# --- the page ------------------------------------------------------------------------------

def test_results_are_grouped_by_kind_with_links(client, process, participant):
    proposal = make_proposal(process, title="Mercato coperto", body="Un mercato rinnovato.")
    comment = make_comment(proposal, participant, "Il mercato il sabato!")
    page = client.get("/search?q=mercati").get_data(as_text=True)
    assert 'id="results-proposal"' in page and 'id="results-comment"' in page
    assert 'id="results-plan"' not in page
    assert f'href="/proposals/{proposal.id}"' in page
    assert f'href="/search/comment/{comment.id}"' in page
    assert "<mark>mercato</mark>" in page.lower() or "<mark>Mercato</mark>" in page


def test_a_hit_found_only_in_its_title_is_highlighted_there(client, process):
    proposal = make_proposal(process, title="Ciclovia <del> del mare", body="Un percorso lungo la costa.")
    page = client.get("/search?q=ciclovie").get_data(as_text=True)
    link = page[page.index(f'href="/proposals/{proposal.id}"'):]
    assert link[:link.index("</a>")].endswith("<mark>Ciclovia</mark> &lt;del&gt; del mare")


def test_one_kind_is_paginated(client, process, participant):
    proposal = make_proposal(process)
    for n in range(25):
        make_comment(proposal, participant, f"Lampioni a led numero {n}.", commit=False)
    db.session.commit()
    first = services.search("lampioni", kind="comment", page=1).groups[0]
    third = services.search("lampioni", kind="comment", page=3).groups[0]
    assert first.total == 25 and len(first.hits) == 10 and len(third.hits) == 5
    assert services.search("lampioni").groups[-1].hits.__len__() == services.OVERVIEW_PER_KIND
    page = client.get("/search?q=lampioni&type=comment&page=2").get_data(as_text=True)
    assert "Page 2 of 3" in page
    assert client.get("/search?q=lampioni&type=comment&page=99").status_code == 200


def test_comment_link_leads_to_its_thread(client, process, participant):
    proposal = make_proposal(process)
    comment = make_comment(proposal, participant, "Fontane pubbliche.")
    response = client.get(f"/search/comment/{comment.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/proposals/{proposal.id}")
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")


def test_link_to_a_hidden_comment_is_not_found(client, process, participant):
    comment = make_comment(make_proposal(process), participant, "Segreto.", hidden=True)
    assert client.get(f"/search/comment/{comment.id}").status_code == 404
    assert client.get("/search/comment/99999999999999999999").status_code == 404


def test_every_page_has_the_search_box(client):
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'action="/search"' in page


def test_search_runs_a_fixed_number_of_queries(client, process, participant, count_queries):
    proposal = make_proposal(process, title="Rifiuti", body="Raccolta dei rifiuti.")
    section = make_section(process, heading="Rifiuti", text="Rifiuti differenziati.")

    def add(n):
        for i in range(n):
            make_comment(proposal if i % 2 else section, participant, f"Rifiuti e riciclo {i}.",
                         commit=False)
        db.session.commit()

    def measure():
        with count_queries() as counter:
            assert client.get("/search?q=rifiuti").status_code == 200
        return counter.count

    add(10)
    small = measure()
    assert small <= 5  # the ranking, every kind's hits at once, the two kinds of item commented on
    add(190)
    assert measure() == small


def test_matching_filters_another_list(process):
    from sqlalchemy import select

    from consult.proposals.models import Proposal

    wanted = make_proposal(process, title="Porto turistico", body="Barche.")
    make_proposal(process, title="Altro", body="Niente.")
    ids = db.session.scalars(select(Proposal.id).where(
        Proposal.id.in_(services.matching("proposal", "porti")))).all()
    assert ids == [wanted.id]


def test_counting_stops_at_the_cap(client, process, participant, monkeypatch):
    monkeypatch.setattr(services, "COUNT_CAP", 5)
    proposal = make_proposal(process)
    for n in range(8):
        make_comment(proposal, participant, f"Panchine nuove {n}.", commit=False)
    db.session.commit()
    group = services.search("panchine", kind="comment").groups[0]
    assert group.capped and group.total == 5
    page = client.get("/search?q=panchine").get_data(as_text=True)
    assert "more than 5" in page and "Many results" in page


def test_hidden_amendments_leave_the_index(process, participant):
    section = make_section(process, heading="Verde", text="Parchi.")
    amendment = make_amendment(section, participant, text="Giardini pensili.")
    assert _ids("amendment", "pensili") == [amendment.id]
    amendment.hidden_at = utcnow()
    db.session.commit()
    assert _ids("amendment", "pensili") == []
    amendment.hidden_at = None
    db.session.commit()
    assert _ids("amendment", "pensili") == [amendment.id]


def test_a_comment_on_a_hidden_draft_does_not_show_the_draft_title(process, participant):
    draft = make_draft(process, participant, title="Titolo segreto")
    make_comment(draft, participant, "Fioriere sul balcone.")
    draft.hidden_at = utcnow()
    db.session.commit()
    hit = services.search("fioriere", kind="comment").groups[0].hits[0]
    assert "segreto" not in hit.title
