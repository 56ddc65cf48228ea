"""Read a document file into light Markdown text (headings, paragraphs, list items).

Every format ends up in the same shape so chunking has one job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = {".md", ".txt", ".pdf", ".html", ".htm", ".docx"}


class UnreadableDocument(Exception):
    """The file is not what its name says, or holds no text."""


@dataclass
class LoadedDocument:
    title: str
    text: str
    url: str | None = None
    about: str | None = None  # front-matter facts (source, author, date) as one citable sentence
    language: str | None = None  # declared in front matter (`language: it`)
    translation_of: str | None = None  # front matter `translation_of: original-file.md`


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise UnreadableDocument("binary content in a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """`key: value` lines between `---` fences at the top of a Markdown file."""
    m = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip('"')
    return meta, text[m.end():]


def _plain_markdown(text: str) -> str:
    """Drop inline Markdown markup that would otherwise end up quoted in answers."""
    text = re.sub(r"^\s*([-*_])(\s*\1){2,}\s*$", "", text, flags=re.M)  # horizontal rules
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images keep their text
    text = re.sub(r"(?<![\w\\])(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1(?!\w)", r"\2", text)
    return re.sub(r"\\([*_#\[\]\\`])", r"\1", text)


# The card in the document's language, as plain sentences (they embed closer to "who wrote it?"
# than "Author: …" labels); the English one names the other languages' words too, so "quem é o
# autor" or "chi è l'autore" find an English document's card.
_ABOUT = {
    "en": {"author": "The author (autore, autor) of this document is {}.", "source": "It was published in {}.",
           "date": "Its date (data) is {}."},
    "it": {"author": "L'autore di questo documento è {}.", "source": "È stato pubblicato in: {}.",
           "date": "La sua data è {}."},
    "pt": {"author": "O autor deste documento é {}.", "source": "Foi publicado em: {}.", "date": "Sua data é {}."},
}


def _about(meta: dict[str, str]) -> str | None:
    """Front matter as one citable passage, so "who wrote it" or "when was it published" find it.

    One passage rather than a segment per field: very short lines look alike to the encoder and
    would match unrelated questions.
    """
    lang = (meta.get("language") or "en").lower()[:2]
    sentences = _ABOUT.get(lang, _ABOUT["en"])
    parts = [template.format(meta[key]) for key, template in sentences.items() if meta.get(key)]
    return " ".join(parts) or None


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocument(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many internal types on corrupt files
        raise UnreadableDocument(f"not a readable PDF ({exc.__class__.__name__})") from exc
    return "\n\n".join(pages)


def _read_html(raw: bytes) -> tuple[str, str | None]:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(_decode(raw))
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    for node in tree.css("script, style, nav, footer, noscript"):
        node.decompose()
    blocks = []
    for node in tree.css("h1, h2, h3, h4, p, li, td, pre, blockquote"):
        text = " ".join(node.text(separator=" ").split())
        if not text:
            continue
        if node.tag in ("h1", "h2", "h3", "h4"):
            blocks.append("#" * int(node.tag[1]) + " " + text)
        elif node.tag == "li":
            blocks.append("- " + text)
        else:
            blocks.append(text)
    if not blocks:  # bare text without block tags
        body = tree.body.text(separator="\n") if tree.body else ""
        blocks = [body]
    return "\n\n".join(blocks), title


def _read_docx(path: Path) -> str:
    import zipfile

    try:
        import docx

        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(f"not a readable DOCX ({exc.__class__.__name__})") from exc
    except Exception as exc:
        raise UnreadableDocument(f"not a readable DOCX ({exc.__class__.__name__})") from exc
    blocks = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith("heading"):
            level = "".join(ch for ch in style if ch.isdigit()) or "2"
            blocks.append("#" * int(level) + " " + text)
        elif "list" in style:
            blocks.append("- " + text)
        else:
            blocks.append(text)
    return "\n\n".join(blocks)


def load_document(path: Path) -> LoadedDocument:
    suffix = path.suffix.lower()
    title: str | None = None
    url = None
    about = None
    meta: dict[str, str] = {}
    if suffix == ".pdf":
        with path.open("rb") as fh:
            if fh.read(5) != b"%PDF-":
                raise UnreadableDocument("not a PDF (no %PDF header)")
        text = _read_pdf(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix in (".html", ".htm"):
        text, title = _read_html(path.read_bytes())
    else:
        text = _decode(path.read_bytes())
        if suffix == ".md":
            meta, text = _front_matter(text)
            title = meta.get("title")
            url = meta.get("url") or meta.get("source_url")
            about = _about(meta)
            text = _plain_markdown(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableDocument("no text could be extracted")
    if not title:
        m = re.search(r"^#\s+(.+)$", text, re.M)
        title = m.group(1).strip() if m else path.stem.replace("-", " ").replace("_", " ")
    return LoadedDocument(title=title, text=text, url=url, about=about,
                          language=(meta.get("language") or meta.get("lang") or "").lower()[:2] or None,
                          translation_of=meta.get("translation_of") or None)
