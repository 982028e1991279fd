"""Voting through the web: plain forms, redirects, refusals shown on the proposal page."""
from urllib.parse import parse_qs, urlsplit

from consult.extensions import db
from consult.votes import services
from tests.factories import make_user
from tests.proposals.factories import make_proposal


def test_vote_then_change_then_withdraw(login_as, participant, proposal):
    client = login_as(participant)
    response = client.post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    assert response.status_code == 302
    assert response.location.endswith(f"/proposals/{proposal.id}#votes-proposal-{proposal.id}")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Your vote: In favour." in page
    assert "Change my vote" in page

    client.post(f"/votes/proposal/{proposal.id}", data={"choice": "against"})
    assert services.my_vote(participant, proposal) == "against"
    assert services.tally(proposal).total == 1

    response = client.post(f"/votes/proposal/{proposal.id}/withdraw")
    assert response.status_code == 302
    assert services.my_vote(participant, proposal) is None


def test_the_confirmation_shows_in_the_vote_block_where_the_redirect_lands(login_as, participant, proposal):
    client = login_as(participant)
    response = client.post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    block = response.location.split("#")[1]
    page = client.get(response.location).get_data(as_text=True)
    section = page[page.index(f'<section id="{block}"'):]
    section = section[:section.index("</section>")]
    assert "Your vote has been recorded: In favour." in section
    assert page.count("Your vote has been recorded") == 1  # not also at the top of the page

    response = client.post(f"/votes/proposal/{proposal.id}/withdraw")
    page = client.get(response.location).get_data(as_text=True)
    assert page.index("Your vote has been withdrawn.") > page.index(f'<section id="{block}"')


def test_anonymous_voter_is_sent_to_login_and_back(client, participant, proposal):
    response = client.post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/account/login"
    back = parse_qs(location.query)["next"][0]
    assert back.startswith(f"/proposals/{proposal.id}")
    login = client.post(f"/account/login?next={back.replace('#', '%23')}",
                        data={"email": participant.email, "password": "correct horse battery staple 42"})
    assert login.status_code == 302
    assert login.location.startswith(f"/proposals/{proposal.id}")


def test_anonymous_reader_sees_a_login_link_instead_of_the_form(client, proposal):
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Log in to vote" in page
    assert 'name="choice"' not in page


def test_vote_on_closed_voting_shows_message_on_the_page(login_as, participant, process):
    closed = make_proposal(process, voting_open=False)
    response = login_as(participant).post(f"/votes/proposal/{closed.id}", data={"choice": "favor"})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Voting is closed for this item." in page
    assert closed.title in page  # the proposal page itself, not an error page
    assert services.tally(closed).total == 0


def test_blocked_account_vote_refused_with_message(login_as, proposal):
    blocked = make_user(blocked=True)
    response = login_as(blocked).post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    assert response.status_code == 403
    assert "blocked" in response.get_data(as_text=True)
    assert services.tally(proposal).total == 0


def test_unconfirmed_account_vote_refused_with_message(login_as, proposal):
    unconfirmed = make_user(confirmed=False)
    response = login_as(unconfirmed).post(f"/votes/proposal/{proposal.id}", data={"choice": "favor"})
    assert response.status_code == 403
    assert "Confirm your e-mail address before you vote." in response.get_data(as_text=True)


def test_missing_choice_is_a_clear_error(login_as, participant, proposal):
    response = login_as(participant).post(f"/votes/proposal/{proposal.id}", data={})
    assert response.status_code == 422
    assert "Choose in favour, against or abstain." in response.get_data(as_text=True)


def test_unknown_target_type_and_id_are_404(login_as, participant, proposal):
    client = login_as(participant)
    assert client.post("/votes/potato/1", data={"choice": "favor"}).status_code == 404
    assert client.post("/votes/proposal/999999", data={"choice": "favor"}).status_code == 404
    assert client.post(f"/votes/proposal/{2**70}", data={"choice": "favor"}).status_code == 404


def test_withdraw_on_closed_voting_refused(login_as, participant, proposal):
    services.cast_vote(participant, proposal, "favor")
    proposal.voting_open = False
    db.session.commit()
    response = login_as(participant).post(f"/votes/proposal/{proposal.id}/withdraw")
    assert response.status_code == 403
    assert services.tally(proposal).total == 1


def test_proposal_page_shows_chart_with_accessible_name_and_table(client, proposal):
    services.cast_vote(make_user(category="business"), proposal, "favor")
    services.cast_vote(make_user(category="academia"), proposal, "against")
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert '<svg class="consult-chart" role="img"' in page
    assert 'aria-labelledby="votes-proposal-%d-chart-title' % proposal.id in page
    assert "<caption>Votes by stakeholder category</caption>" in page
    assert '<th scope="row">Business</th>' in page
    assert "2 votes: 1 in favour, 1 against, 0 abstaining." in page
    assert "style=" not in page.split('<svg class="consult-chart"')[1].split("</svg>")[0]
