"""Pydantic models: the import format, the service's results and the HTTP API schema in one place."""
from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Language = Literal["en", "it", "pt"]
Kind = Literal["document", "company"]
Sector = Literal[
    "naval-offshore", "petrochemical", "automotive", "wind", "metal-mechanical", "aerospace",
    "agri-food", "eco-industry", "creative-cultural", "health", "advanced-manufacturing",
    "sustainable-mobility",
]
PartnershipType = Literal[
    "commercial", "subcontracting", "joint-venture", "technology-transfer", "research", "training"
]
MAX_K = 100

# Column or key names that hold contact data in exports ("email", "Telefone", "contact_person", …),
# folded to lower case without separators; they always land in `contact`, never in a public field.
_CONTACT_KEYS = {
    "email": "email", "mail": "email", "emailaddress": "email", "correoelectronico": "email",
    "phone": "phone", "telephone": "phone", "tel": "phone", "telefone": "phone", "telefono": "phone",
    "mobile": "phone", "cell": "phone", "cellphone": "phone", "celular": "phone", "cellulare": "phone",
    "whatsapp": "phone", "fax": "phone", "phonenumber": "phone",
    "contactname": "name", "contactperson": "name", "referente": "name", "contato": "name", "contatto": "name",
    "contact": "name", "person": "name",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: an international prefix, or a run of digit groups with at least 9 digits in all.
_PHONE = re.compile(r"(?<![\w/.-])(?:\+\s?\d[\d\s().-]{6,}\d|\(?\d{2,5}\)?(?:[\s.-]\d{2,6}){2,5})(?![\w/-])")


def contact_key(name: str) -> str | None:
    """Which contact field a column or key name means, if any."""
    lowered = name.strip().lower()
    rest = re.sub(r"[^a-z]", "", lowered.removeprefix("contact_").removeprefix("contact."))
    if lowered.startswith(("contact_", "contact.")) and rest in ("name", "email", "phone"):
        return rest
    return _CONTACT_KEYS.get(re.sub(r"[^a-z]", "", lowered)) or (
        _CONTACT_KEYS.get(rest) if lowered.startswith(("contact_", "contact.")) else None)


def scrub(text: str) -> str:
    """A public text with anything that looks like an email address or a phone number removed."""
    text = _EMAIL.sub("[contact removed]", text)

    def phone(m: re.Match) -> str:
        digits = sum(ch.isdigit() for ch in m.group(0))
        return "[contact removed]" if digits >= 9 or (m.group(0).lstrip().startswith("+") and digits >= 8) else m.group(0)

    return _PHONE.sub(phone, text)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    return value


# --- company profiles -------------------------------------------------------------------------

class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class CompanyProfile(BaseModel):
    """One record of `company-profile.schema.json`; unknown fields end up in `metadata`."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: str | None = None
    city: str | None = None
    kind: Literal["sme", "anchor", "cluster", "institution"] = "sme"
    employees: int | None = Field(None, ge=0)
    sectors: list[Sector] = []
    nace: list[str] = []
    description: str = Field(min_length=1, max_length=10000)
    offers: list[str] = []
    seeks: list[str] = []
    partnership: list[PartnershipType] = []
    certifications: list[str] = []
    languages: list[str] = []
    website: str | None = None
    contact: Contact | None = None
    metadata: dict[str, Any] = {}

    @model_validator(mode="after")
    def _collect_extras(self) -> "CompanyProfile":
        for code in self.nace:
            if not re.fullmatch(r"[A-U]([0-9]{2}(\.[0-9]{1,2})?)?", code):
                raise ValueError(f"nace code {code!r} is not a NACE Rev. 2 code")
        extras = dict(self.__pydantic_extra__ or {})
        # Contact data under any name ("email", "telefone", a metadata "phone") goes to `contact`.
        contact = self.contact.model_dump(exclude_none=True) if self.contact else {}
        for source in (extras, self.metadata):
            for key in list(source):
                field_name = contact_key(key)
                if field_name and isinstance(source[key], (str, int)) and str(source[key]).strip():
                    contact.setdefault(field_name, str(source.pop(key)).strip())
        if contact:
            self.contact = Contact.model_validate(contact)
        if extras:
            self.metadata = {**self.metadata, **extras}
        if self.__pydantic_extra__:
            self.__pydantic_extra__.clear()
        # Whatever still looks like an email address or a phone number leaves the public fields.
        self.description = scrub(self.description)
        self.offers = [scrub(o) for o in self.offers if o]
        self.seeks = [scrub(s) for s in self.seeks if s]
        self.certifications = [scrub(c) for c in self.certifications]
        for name in ("region", "city", "website"):
            value = getattr(self, name)
            if value:
                setattr(self, name, scrub(value))
        self.metadata = _scrub_value(self.metadata)
        return self

    def public(self) -> dict[str, Any]:
        """The profile as anyone may see it: never the contact block."""
        return self.model_dump(exclude={"contact"}, exclude_none=True)


class CompanyPublic(BaseModel):
    """A profile as returned by the API; `contact` only for staff and admin callers."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    country: str
    region: str | None = None
    city: str | None = None
    kind: str = "sme"
    employees: int | None = None
    sectors: list[str] = []
    nace: list[str] = []
    description: str
    offers: list[str] = []
    seeks: list[str] = []
    partnership: list[str] = []
    certifications: list[str] = []
    languages: list[str] = []
    website: str | None = None
    metadata: dict[str, Any] = {}
    contact: Contact | None = None


class CompanyList(BaseModel):
    companies: list[CompanyPublic]
    total: int


# --- search -----------------------------------------------------------------------------------

class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: str | list[str] | None = None
    region: str | list[str] | None = None
    sector: str | list[str] | None = None
    partnership: str | list[str] | None = None
    certification: str | list[str] | None = Field(None, description="held by the company (\"ISO 9001\", \"API 6D\")")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1)
    k: int = Field(5, ge=1, le=MAX_K, strict=True)
    kind: Kind | None = None
    filters: Filters | None = None


class SearchResult(BaseModel):
    id: str
    kind: Kind
    source_id: str
    title: str
    snippet: str
    score: float
    metadata: dict[str, Any] = {}


class SearchResponse(BaseModel):
    results: list[SearchResult]


# --- matching ---------------------------------------------------------------------------------

class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    company_id: str | None = None
    need: str | None = None
    k: int = Field(5, ge=1, le=MAX_K, strict=True)
    filters: Filters | None = None
    language: Language | None = None

    @model_validator(mode="after")
    def _one_of(self) -> "MatchRequest":
        if (self.company_id is None) == (self.need is None or not self.need.strip()):
            raise ValueError("give exactly one of 'company_id' or a non-empty 'need'")
        return self


class Match(BaseModel):
    company_id: str
    name: str
    country: str
    region: str
    sectors: list[str]
    sector_names: list[str] = Field(default_factory=list, description="the sectors in the reply's language, for display")
    score: float
    reasons: list[str]
    fit: Literal["strong", "good", "partial"] | None = Field(
        None, description="How well the company's closest offer meets the need (a free-text need, or the asking "
        "company's needs). 'strong': far above what unrelated questions reach; 'partial': well below the best "
        "suggestion's fit.")


class MatchResponse(BaseModel):
    matches: list[Match]


# --- chat -------------------------------------------------------------------------------------

class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1)
    conversation_id: str | None = Field(None, max_length=64)
    language: Language | None = None
    stream: bool = Field(False, strict=True)


class Citation(BaseModel):
    source_id: str
    title: str
    snippet: str
    score: float
    url: str | None = None


class ChatResponse(BaseModel):
    conversation_id: str
    answer: str
    language: Language
    grounded: bool
    citations: list[Citation]
    partners: list[Match] = []


# --- ingest and documents -----------------------------------------------------------------------

class Rejection(BaseModel):
    source: str
    line: int | None = None
    reason: str


class IngestReport(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = []
    documents: int = 0
    companies: int = 0
    chunks: int = 0


class DocumentInfo(BaseModel):
    id: str
    title: str
    source: str
    chunks: int
    url: str | None = None


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


class Deleted(BaseModel):
    id: str
    deleted: bool = True


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail
