"""The machine-readable catalogue: DCAT-AP_IT (the Italian profile of DCAT-AP) in JSON-LD."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from consult.opendata.services import (
    DATASETS, EU_FILE_TYPES, EU_THEMES, LICENSE_NAME, LICENSE_URL, PUBLISHER, PUBLISHER_IPA,
    Dataset, last_modified,
)

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ITALIAN = {"@id": "http://publications.europa.eu/resource/authority/language/ITA"}
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}

Url = Callable[..., str]


def _text(value: str) -> dict:
    return {"@value": str(value), "@language": "it"}


def _date(value: datetime | None) -> dict | None:
    if value is None:
        return None
    return {"@value": value.date().isoformat(), "@type": "xsd:date"}


def _publisher(url: Url) -> dict:
    return {
        "@id": url("opendata.index") + "#publisher",
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "foaf:name": PUBLISHER,
        "dct:identifier": PUBLISHER_IPA,
    }


def _license() -> dict:
    return {
        "@id": LICENSE_URL,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "dct:type": {"@id": "http://purl.org/adms/licencetype/Attribution"},
        "foaf:name": LICENSE_NAME,
    }


def _distribution(url: Url, dataset: Dataset, fmt: str) -> dict:
    name, media_type = FORMATS[fmt]
    download = url("opendata.download", name=dataset.name, fmt=fmt)
    return {
        "@id": download,
        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
        "dct:title": _text(f"{dataset.title} ({name})"),
        "dct:description": _text(dataset.description),
        "dcat:accessURL": {"@id": url("opendata.index")},
        "dcat:downloadURL": {"@id": download},
        "dct:format": {"@id": EU_FILE_TYPES + name},
        "dcat:mediaType": media_type,
        "dct:license": _license(),
    }


def _dataset(url: Url, dataset: Dataset) -> dict:
    entry = {
        "@id": url("opendata.index") + f"#{dataset.name}",
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": f"{PUBLISHER_IPA}:lecce-partecipa-{dataset.name}",
        "dct:title": _text(dataset.title),
        "dct:description": _text(dataset.description),
        "dct:publisher": _publisher(url),
        "dct:rightsHolder": _publisher(url),
        "dct:language": ITALIAN,
        "dct:accrualPeriodicity": {"@id": "http://publications.europa.eu/resource/authority/frequency/CONT"},
        "dcat:theme": [{"@id": EU_THEMES + theme} for theme in dataset.themes],
        "dcat:keyword": list(dataset.keywords),
        "dcat:contactPoint": {
            "@id": url("opendata.index") + "#contact",
            "@type": ["vcard:Organization", "dcatapit:Organization"],
            "vcard:fn": "Comune di Lecce – Ufficio Programmazione Strategica",
            "vcard:hasURL": {"@id": url("opendata.index")},
        },
        "dcat:landingPage": {"@id": url("opendata.index")},
        "dcat:distribution": [_distribution(url, dataset, fmt) for fmt in FORMATS],
    }
    modified = _date(last_modified(dataset))
    if modified:
        entry["dct:modified"] = modified
    return entry


def catalog(url: Url, title: str, description: str) -> dict:
    """The catalogue, with one dataset per export (one query per dataset for its date)."""
    datasets = [_dataset(url, dataset) for dataset in DATASETS.values()]
    dates = [d["dct:modified"]["@value"] for d in datasets if "dct:modified" in d]
    entry = {
        "@context": CONTEXT,
        "@id": url("opendata.catalog_jsonld"),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _text(title),
        "dct:description": _text(description),
        "dct:publisher": _publisher(url),
        "dct:language": ITALIAN,
        "foaf:homepage": {"@id": url("opendata.index")},
        "dcat:themeTaxonomy": {"@id": "http://publications.europa.eu/resource/authority/data-theme"},
        "dct:license": _license(),
        "dcat:dataset": datasets,
    }
    if dates:
        entry["dct:modified"] = {"@value": max(dates), "@type": "xsd:date"}
    return entry
