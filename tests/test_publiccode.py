"""publiccode.yml parses and carries the keys the Developers Italia standard requires."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PUBLICCODE = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))

REQUIRED = ("publiccodeYmlVersion", "name", "url", "platforms", "developmentStatus",
            "softwareType", "description", "legal", "maintenance", "localisation")
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {"standalone/mobile", "standalone/iot", "standalone/desktop",
                  "standalone/web", "standalone/backend", "standalone/other", "addon",
                  "library", "configurationFiles"}


def test_required_top_level_keys_are_there():
    missing = [key for key in REQUIRED if key not in PUBLICCODE]
    assert missing == []
    assert PUBLICCODE["developmentStatus"] in DEVELOPMENT_STATUSES
    assert PUBLICCODE["softwareType"] in SOFTWARE_TYPES
    assert PUBLICCODE["url"].startswith("https://")
    assert PUBLICCODE["platforms"] == ["web"]


def test_descriptions_in_italian_and_english_within_the_standard_lengths():
    for language in ("it", "en"):
        description = PUBLICCODE["description"][language]
        assert len(description["shortDescription"]) <= 150
        assert 150 <= len(description["longDescription"]) <= 10_000
        assert description["features"]
        assert all(len(feature) <= 100 for feature in description["features"])


def test_legal_maintenance_and_localisation():
    assert PUBLICCODE["legal"]["license"] == "AGPL-3.0-or-later"
    maintenance = PUBLICCODE["maintenance"]
    assert maintenance["type"] in {"internal", "contract", "community", "none"}
    if maintenance["type"] in {"internal", "community"}:
        assert maintenance["contacts"] and all("name" in c for c in maintenance["contacts"])
    localisation = PUBLICCODE["localisation"]
    assert localisation["localisationReady"] is True
    assert set(localisation["availableLanguages"]) == {"it", "en"}


def test_a_version_comes_with_its_release_date():
    if "softwareVersion" in PUBLICCODE:
        date.fromisoformat(PUBLICCODE["releaseDate"])


def test_the_version_is_the_package_version():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{PUBLICCODE["softwareVersion"]}"' in pyproject
