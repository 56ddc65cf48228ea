"""Read company-profile files (.jsonl, .json, .csv) into validated records and line-numbered rejections."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from ..models import CompanyProfile, Rejection, contact_key

PROFILE_SUFFIXES = {".jsonl", ".json", ".csv"}
LIST_FIELDS = {"sectors", "nace", "offers", "seeks", "partnership", "certifications", "languages"}
REQUIRED = ("id", "name", "country", "description")


@dataclass
class ParsedProfiles:
    records: list[tuple[int, CompanyProfile]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def explain(exc: ValidationError) -> str:
    """The first few validation problems as one readable line."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "record"
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _from_csv_row(row: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    contact: dict[str, str] = {}
    for key, value in row.items():
        if key is None:  # more cells than header columns
            raise ValueError("row has more cells than the header has columns")
        key = key.strip()
        value = (value or "").strip()
        if not value:
            continue
        field_name = contact_key(key)
        if field_name:
            contact.setdefault(field_name, value)
        elif key in LIST_FIELDS:
            record[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key == "employees":
            try:
                record[key] = int(value)
            except ValueError as exc:
                raise ValueError(f"employees: {value!r} is not a whole number") from exc
        else:
            record[key] = value
    if contact:
        record["contact"] = contact
    return record


def _json_array_items(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line, value, error) for each element of a top-level JSON array, surviving a broken element."""
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    n = len(text)

    def skip(p: int) -> int:
        while p < n and text[p] in " \t\r\n,":
            p += 1
        return p

    pos = skip(pos)
    while pos < n and text[pos] != "]":
        line = text.count("\n", 0, pos) + 1
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield line, None, f"invalid JSON: {exc.msg}"
            # Resume at the next object that starts a line: the usual layout of an exported array.
            nxt = text.find("\n", pos)
            while nxt != -1 and not text[nxt + 1:].lstrip(" \t").startswith("{"):
                nxt = text.find("\n", nxt + 1)
            if nxt == -1:
                return
            pos = skip(nxt + 1)
            continue
        yield line, value, None
        pos = skip(end)


def _raw_records(path: Path, max_record_bytes: int) -> Iterator[tuple[int, Any, str | None]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if len(raw) > max_record_bytes:
                    yield number, None, f"record is {len(raw):,} bytes; the limit is {max_record_bytes:,}"
                    continue
                line = raw.decode("utf-8", errors="replace").strip()
                if not line:
                    continue
                try:
                    yield number, json.loads(line), None
                except json.JSONDecodeError as exc:
                    yield number, None, f"invalid JSON: {exc.msg}"
        return
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if suffix == ".json":
        stripped = text.lstrip()
        if stripped.startswith("["):
            yield from _json_array_items(text)
        else:
            try:
                yield 1, json.loads(text), None
            except json.JSONDecodeError as exc:
                yield exc.lineno, None, f"invalid JSON: {exc.msg}"
        return
    # .csv
    if "\x00" in text[:4096]:
        yield 1, None, "not a CSV file (binary content)"
        return
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        yield 1, None, f"missing required column(s): {', '.join(missing)}"
        return
    start = 2
    for row in reader:
        try:
            yield start, _from_csv_row(row), None
        except ValueError as exc:
            yield start, None, str(exc)
        start = reader.line_num + 1


def parse_profiles(path: Path, max_record_bytes: int) -> ParsedProfiles:
    out = ParsedProfiles()
    seen: dict[str, int] = {}
    source = str(path)
    for line, value, error in _raw_records(path, max_record_bytes):
        if error is None and not isinstance(value, dict):
            error = "a profile must be a JSON object"
        if error is None and len(json.dumps(value)) > max_record_bytes:
            error = f"record is larger than {max_record_bytes:,} bytes"
        if error is None:
            try:
                profile = CompanyProfile.model_validate(value)
            except ValidationError as exc:
                error = explain(exc)
        if error is None and profile.id in seen:
            error = f"duplicate id {profile.id!r} in this file (first at line {seen[profile.id]})"
        if error is not None:
            out.rejected.append(Rejection(source=source, line=line, reason=error))
            continue
        seen[profile.id] = line
        out.records.append((line, profile))
    return out
