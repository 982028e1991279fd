"""Processes (percorsi partecipativi)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from consult.api.auth import current_api_user
from consult.api.common import Page, page_json
from consult.api.routing import operation
from consult.api.validation import Body, PageQuery, PatchBody
from consult.database import get_or_404
from consult.documents import services as documents
from consult.processes import services
from consult.processes.models import PHASES, Process


class ProcessOut(BaseModel):
    id: int
    slug: str
    title: str
    summary: str
    phase: Literal[PHASES]
    starts_on: date | None
    ends_on: date | None
    voting_requires_verified: bool


class ProcessDetailOut(ProcessOut):
    document_ids: list[int]


class ProcessIn(Body):
    title: str
    summary: str = ""
    phase: Literal[PHASES] = "information"
    starts_on: date | None = None
    ends_on: date | None = None
    voting_requires_verified: bool = False


class ProcessPatch(PatchBody):
    title: str = None
    summary: str = None
    starts_on: date | None = None
    ends_on: date | None = None
    voting_requires_verified: bool = None


def process_json(process: Process) -> dict:
    return {"id": process.id, "slug": process.slug, "title": process.title,
            "summary": process.summary, "phase": process.phase,
            "starts_on": process.starts_on.isoformat() if process.starts_on else None,
            "ends_on": process.ends_on.isoformat() if process.ends_on else None,
            "voting_requires_verified": process.voting_requires_verified}


def process_detail_json(process: Process) -> dict:
    visible = documents.visible_documents(current_api_user(), process)
    return {**process_json(process), "document_ids": [document.id for document in visible]}


@operation("GET", "/processes", summary="List processes", tag="Processes", query=PageQuery,
           response=Page[ProcessOut])
def list_processes(query: PageQuery):
    """Open processes first, newest first."""
    result = services.list_processes(page=query.page, per_page=query.per_page)
    return page_json(result.items, page=query.page, per_page=query.per_page,
                     total=result.total or 0, serialize=process_json)


@operation("POST", "/processes", summary="Create a process (staff)", tag="Processes",
           body=ProcessIn, response=ProcessDetailOut, status=201, auth=True)
def create_process(data: ProcessIn):
    process = services.create_process(current_api_user(), title=data.title, summary=data.summary,
                                      phase=data.phase, starts_on=data.starts_on,
                                      ends_on=data.ends_on,
                                      voting_requires_verified=data.voting_requires_verified)
    return process_detail_json(process), 201


@operation("PATCH", "/processes/<int:process_id>", summary="Change a process (staff)",
           tag="Processes", body=ProcessPatch, response=ProcessDetailOut, auth=True)
def update_process(process_id: int, data: ProcessPatch):
    """Any of the fields; those left out keep their value. `voting_requires_verified`
    admits only verified accounts (SPID/CIE) to the process's votes, questionnaires and meetings."""
    process = get_or_404(Process, process_id)
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    services.update_process(
        current_api_user(), process, title=changes.get("title", process.title),
        summary=changes.get("summary", process.summary),
        starts_on=changes.get("starts_on", process.starts_on),
        ends_on=changes.get("ends_on", process.ends_on),
        voting_requires_verified=changes.get("voting_requires_verified"))
    return process_detail_json(process)


@operation("GET", "/processes/<int:process_id>", summary="A process, with its document ids",
           tag="Processes", response=ProcessDetailOut)
def get_process(process_id: int):
    """`document_ids` lists the documents the reader may see (published ones for the public)."""
    return process_detail_json(get_or_404(Process, process_id))
