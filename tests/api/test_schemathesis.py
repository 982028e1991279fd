"""Property-based run of the whole API against its own OpenAPI document (schemathesis):
no input may cause a server error, and every answer must match the documented status
codes, content types, headers and schemas. Bounded to a few examples per operation."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, negative_data_rejection, response_headers_conformance,
    response_schema_conformance, status_code_conformance,
)

from consult.extensions import db
from tests.api.conftest import token_for
from tests.documents.factories import first_section, make_amendment, make_document
from tests.factories import make_organization, make_user
from tests.plans.factories import make_plan
from tests.proposals.factories import make_process, make_proposal

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 6}


def _seed() -> None:
    """One of everything, so that small generated ids often name real objects."""
    staff = make_user(role="staff", category="institution")
    participant = make_user()
    process = make_process()
    document = make_document(process, staff=staff)
    section = first_section(document)
    amendment = make_amendment(section, participant)
    proposal = make_proposal(process)
    make_plan(process, proposals=[proposal], sections=[section])
    make_organization()
    from consult.comments import services as comments

    comments.post_comment(participant, proposal, body="A first comment.")
    comments.post_comment(participant, amendment, body="On the amendment.")
    db.session.commit()


@pytest.mark.timeout(600)
def test_api_conforms_to_its_openapi_document(app):
    _seed()
    staff = db.session.scalars(db.select(db.metadata.tables["users"].c.id)).first()
    from consult.accounts.models import User

    actor = db.session.get(User, staff)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in EXAMPLES.items():
            checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def run(case):
                # A fresh token each time: DELETE /tokens/current revokes the one it is sent.
                headers = {"Authorization": f"Bearer {token_for(actor)}"}
                response = case.call(headers=headers)
                db.session.rollback()
                case.validate_response(response, checks=checks)

            try:
                run()
            except Unsatisfiable:
                pass  # nothing to get wrong (an operation without parameters or body)
            except Exception as error:  # collect every operation's failure, then report
                failures.append(f"{operation.label} [{mode}]: {error}")
    assert not failures, "\n\n".join(failures)
