"""Property-based run of the whole API against its own OpenAPI document (schemathesis):
no input may cause a server error, and every answer must match the documented status
codes, content types, headers and schemas. Bounded to a few examples per operation."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from consult.comments import services as comments
from consult.extensions import db
from tests.api.conftest import token_for
from tests.documents.factories import first_section, make_amendment, make_document
from tests.factories import make_organization, make_user
from tests.plans.factories import make_plan
from tests.proposals.factories import make_process, make_proposal

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
# (generation mode, whether path ids name the seeded objects, examples per operation)
RUNS = [(GenerationMode.POSITIVE, False, 4), (GenerationMode.POSITIVE, True, 6),
        (GenerationMode.NEGATIVE, False, 4)]
TARGET_OF_PATH = {"proposals": "proposal_id", "action-plans": "plan_id",
                  "amendments": "amendment_id", "sections": "section_id"}


def _seed() -> tuple[object, dict[str, int]]:
    """One of everything, and the staff account that drives the run."""
    staff = make_user(role="staff", category="institution")
    participant = make_user()
    process = make_process()
    document = make_document(process, staff=staff)
    section = first_section(document)
    amendment = make_amendment(section, participant)
    proposal = make_proposal(process)
    plan = make_plan(process, proposals=[proposal], sections=[section])
    organization = make_organization()
    comment = comments.post_comment(participant, proposal, body="A first comment.")
    db.session.commit()
    return staff, {"organization_id": organization.id, "process_id": process.id,
                   "document_id": document.id, "section_id": section.id, "number": 1,
                   "amendment_id": amendment.id, "proposal_id": proposal.id,
                   "plan_id": plan.id, "comment_id": comment.id, "user_id": participant.id}


def _path_ids(path: str, ids: dict[str, int]) -> dict[str, int]:
    names = re.findall(r"{(\w+)}", path)
    values = {name: ids[name] for name in names if name in ids}
    if "target_id" in names:
        values["target_id"] = ids[TARGET_OF_PATH[path.split("/")[3]]]
    return values


@pytest.mark.timeout(600)
def test_api_conforms_to_its_openapi_document(app):
    staff, ids = _seed()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    token = [token_for(staff)]
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, seeded, examples in RUNS:
            path_parameters = _path_ids(operation.path, ids) if seeded else {}
            if seeded and not path_parameters:
                continue

            @given(case=operation.as_strategy(generation_mode=mode,
                                              path_parameters=path_parameters or None))
            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def run(case):
                # identity: schemathesis's WSGI transport would not decode a compressed body
                response = case.call(headers={"Authorization": f"Bearer {token[0]}",
                                              "Accept-Encoding": "identity"})
                db.session.rollback()
                if operation.path.endswith("/tokens/current") and response.status_code == 204:
                    token[0] = token_for(staff)  # that call revoked it
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                pass  # nothing to vary (an operation without parameters or body)
            except Exception as error:  # collect every operation's failure, then report
                failures.append(f"{operation.label} [{mode}, seeded={seeded}]: {error}")
    assert not failures, "\n\n".join(failures)
