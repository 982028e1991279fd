"""The contract's error shapes: JSON for every failure under /api, never HTML, never 500."""
from __future__ import annotations

from tests.api.conftest import error_code


def test_malformed_json_is_bad_request(api_as, staff):
    response = api_as(staff).post("/organizations", data="{not json",
                                  content_type="application/json")
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


def test_body_that_is_not_an_object_is_bad_request(api_as, staff):
    client = api_as(staff)
    for body in ("[1, 2]", '"text"', "3", "null", ""):
        response = client.post("/organizations", data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert error_code(response) == "bad_request"


def test_json_without_a_content_type_is_still_read(api_as, staff):
    response = api_as(staff).post("/organizations", data='{"name": "Firm", "kind": "firm"}')
    assert response.status_code == 201


def test_nan_and_lone_surrogates_are_not_json(api_as, staff):
    client = api_as(staff)
    for body in ('{"name": NaN, "kind": "firm"}', '{"name": "a\\ud800", "kind": "firm"}'):
        response = client.post("/organizations", data=body, content_type="application/json")
        assert response.status_code == 400, body


def test_unknown_fields_wrong_types_and_missing_fields_are_listed(api_as, staff):
    response = api_as(staff).post("/organizations", json={"name": 5, "colour": "red"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "colour", "kind"}
    assert all(isinstance(m, str) and m for ms in error["fields"].values() for m in ms)


def test_types_are_not_coerced(api_as, staff):
    response = api_as(staff).post("/organizations",
                                  json={"name": "Firm", "kind": "firm", "is_partner": "yes"})
    assert response.status_code == 422
    assert "is_partner" in response.get_json()["error"]["fields"]


def test_nul_characters_are_refused_with_the_field_named(api_as, staff):
    response = api_as(staff).post("/organizations", json={"name": "a\x00b", "kind": "firm"})
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_per_page_over_100_is_a_validation_error(api):
    response = api.get("/organizations?per_page=101")
    assert response.status_code == 422
    assert "per_page" in response.get_json()["error"]["fields"]


def test_non_numeric_page_is_a_validation_error(api):
    response = api.get("/organizations?page=two")
    assert response.status_code == 422
    assert error_code(response) == "validation_error"


def test_unknown_route_under_api_is_json_404(api):
    response = api.get("/no/such/thing")
    assert response.status_code == 404
    assert response.is_json and error_code(response) == "not_found"


def test_wrong_method_is_json_405_with_allow(api):
    response = api.put("/organizations", json={})
    assert response.status_code == 405
    assert response.is_json and error_code(response) == "method_not_allowed"
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_unknown_id_is_json_404(api_as, staff):
    response = api_as(staff).post("/organizations/999999/members",
                                  json={"user_id": staff.id, "role": "member"})
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_absurd_id_is_404_not_500(api_as, staff):
    response = api_as(staff).post(f"/organizations/{2**70}/members",
                                  json={"user_id": staff.id, "role": "member"})
    assert response.status_code == 404
