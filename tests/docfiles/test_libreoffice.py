"""The export's marker after a real save in LibreOffice (issue 21): an exported .docx and
.odt are opened and saved again by `soffice --headless --convert-to` (what "Save" writes),
then re-imported into the same document. Runs only where LibreOffice is installed
(Debian: `apt-get install libreoffice-writer-nogui`)."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from consult.docfiles import services
from consult.extensions import db
from consult.filecheck import identify
from tests.docfiles import files

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not on PATH: apt-get install libreoffice-writer-nogui")

FILTERS = {"docx": "docx:MS Word 2007 XML", "odt": "odt:writer8"}


def saved_by_libreoffice(data: bytes, kind: str, folder: Path, edit: bool = False) -> bytes:
    """The file as LibreOffice writes it after opening it (a private profile, so parallel
    runs do not share one). With `edit`, it is first edited as a person would, then saved."""
    source = folder / f"exported.{kind}"
    if edit:
        data = (files.edit_docx if kind == "docx" else files.edit_odt)(
            data, {"Solar panels on school roofs.": "Solar panels on every school roof."})
    source.write_bytes(data)
    out = folder / "saved"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", FILTERS[kind], "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return (out / source.name).read_bytes()


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_the_marker_survives_a_save_in_libreoffice_and_the_file_reimports(staff, document, kind, tmp_path):
    exported = services.export_file(document, kind).data
    saved = saved_by_libreoffice(exported, kind, tmp_path, edit=True)
    assert saved != exported
    before, after = (services.read_marker(identify(data, {kind})) for data in (exported, saved))
    assert after is not None and after == before
    token = services.read_for_reimport(staff, document, FileStorage(io.BytesIO(saved), filename=f"d.{kind}"))
    plan = services.reimport_plan(staff, document, token)
    kinds = {entry.heading: entry.kind for entry in plan.sections}
    assert kinds == {"Mobility": services.UNCHANGED, "Energy": services.CHANGED}, kinds
    services.apply_reimport(staff, document, token, {}, {})
    db.session.commit()
    energy = next(section for section in document.sections if section.heading == "Energy")
    assert "Solar panels on every school roof." in energy.text
