"""Read a document file into light Markdown text (headings, paragraphs, list items).

Every format ends up in the same shape so chunking has one job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = {".md", ".txt", ".pdf", ".html", ".htm", ".docx"}
# Changes when the readers read differently (a layout, a table, an encoding): ingest then reads the
# files again although their bytes did not change.
READER_VERSION = 2


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
        pass
    try:  # Windows' Western code page: latin-1 plus “curly quotes”, ’ and € where latin-1 has controls
        return raw.decode("cp1252")
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


_MD_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _md_cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def _md_tables(text: str) -> str:
    """Pipe tables (a header row, a `|---|---|` row, then rows) as `table_lines`: one paragraph per row."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if "|" in lines[i] and i + 1 < len(lines) and _MD_DELIMITER.match(lines[i + 1]) and "|" in lines[i + 1]:
            rows = [_md_cells(lines[i])]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_md_cells(lines[i]))
                i += 1
            out.extend(_paragraphs(table_lines(rows, header=True)))
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _plain_markdown(text: str) -> str:
    """Drop inline Markdown markup that would otherwise end up quoted in answers; pipe tables become rows."""
    text = _md_tables(text)
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


def _paragraphs(lines: list[str]) -> list[str]:
    """`lines` as paragraphs of their own: a blank line before each and after the last."""
    return ["", *(x for line in lines for x in (line, ""))]


def table_lines(rows: list[list[str]], header: bool) -> list[str]:
    """A table as one line per row, each a paragraph of its own, so a row is embedded, found and
    quoted as a sentence ("Quota di partecipazione per impresa: 1.200 euro"). A row of two cells
    reads as a label and its value; with a header row, each cell of a wider row is named by its
    column ("Data: 3 de dezembro; Evento: Rodada de negócios…; Local: Recife"). Cells merged across
    columns (repeated by the readers) are written once."""
    cleaned = []
    for row in rows:
        cells = [" ".join(c.split()) for c in row]
        cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
        if any(cells):
            cleaned.append(cells)
    if not cleaned:
        return []
    names = None
    if header and len(cleaned) > 1:
        # A header over two columns ("Voce | Importo") says nothing that "label: value" does not.
        names, cleaned = (cleaned[0] if max(map(len, cleaned)) > 2 else None), cleaned[1:]
    lines = []
    for row in cleaned:
        filled = [c for c in row if c]
        if names and len(row) == len(names):
            lines.append("; ".join(f"{n}: {c}" if n else c for n, c in zip(names, row) if c))
        elif len(filled) == 2:
            lines.append(f"{filled[0].rstrip(':')}: {filled[1]}")
        else:
            lines.append(" | ".join(filled))
    return lines


# Lines at the top or bottom of most pages (the document's name, "Page 3 of 10") are page
# furniture, not text: read as text they run into the sentences around them.
_PAGE_NUMBER = re.compile(r"^(?:(?:page|pag|pagina|página|p)\.?\s*)?[-–—]?\s*\d+\s*(?:(?:of|di|de|/)\s*\d+)?\s*[-–—]?$", re.I)
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+([^\W\d_])")


def _numbered(line: str) -> bool:
    """"2. Who can apply", "3.1 Scope": a section number, then a capital ("10 percent of" is not)."""
    m = _NUMBERED.match(line)
    return bool(m) and m.group(1).isupper()


_SENTENCE_END = (".", "!", "?")
_SENTENCE_DONE = _SENTENCE_END + (":", ";", "…")
_PDF_ITEM = re.compile(r"^(?:[-*•▪◦●‣–]|\d{1,2}[.)])\s+")
_COLUMN_GAP = re.compile(r"(?<=\S)\s{3,}(?=\S)")


# Bullets drawn in a symbol font come out as a private-use or control character ("\uf0b7", "\x7f").
_ODD_BULLET = re.compile(r"^(\s*)[\x00-\x08\x0e-\x1f\x7f\uf0a7\uf0b7\uf0d8\uf0fc\uf076\u25aa\u25cf\u2022](?=\s)")


def _bullet(line: str) -> str:
    return _ODD_BULLET.sub(r"\1•", line)


def _plain_lines(plain: str) -> list[str]:
    """A page's lines from pypdf's plain reading (the content stream's order: columns one after the other)."""
    return [_bullet(ln).strip() for ln in plain.splitlines() if ln.strip()]


def _page_lines(layout: str) -> list[str] | None:
    """One page's lines from pypdf's layout reading: "" where a vertical gap ends a paragraph, and a
    table row as its cells joined by tabs (a first cell wrapped over the lines around its row is
    put back together). None for a page where two lines are two runs of prose side by side (five
    words or more each), or one line is (eight or more): it is set in columns, even if only in part,
    which the layout reading would interleave, and its plain reading is read instead."""
    rows = [_bullet(r) for r in layout.splitlines()]
    body = [r for r in rows if r.strip()]
    sides = [min(len(c.split()) for c in cells) for r in body if len(cells := _COLUMN_GAP.split(r.strip())) == 2]
    if not body or sum(n >= 5 for n in sides) >= 2 or any(n >= 8 for n in sides):
        return None
    out: list[str] = []
    wrapped = -1  # the row whose first cell began on the line above it
    indent = 0  # where the last line of text began
    for row in rows:
        text = row.strip()
        if not text:
            if out and out[-1]:
                out.append("")
            wrapped = -1
            continue
        starts = len(row) - len(row.lstrip())
        if _COLUMN_GAP.search(text) and not _PDF_ITEM.match(text):  # "•    item" is a list item, not a row
            cells = _COLUMN_GAP.split(text)
            # "Welding" / a row whose first cell is empty / "subcontractors": a few words left of the
            # row's first text, that end no sentence and are no list item, began its first cell.
            if out and out[-1] and "\t" not in out[-1] and len(out[-1].split()) <= 3 and starts >= indent + 3 \
                    and not _PDF_ITEM.match(out[-1]) and not out[-1].endswith(_SENTENCE_DONE):
                cells = [out.pop()] + cells
                wrapped = len(out)
            out.append("\t".join(cells))
        elif 0 <= wrapped == len(out) - 1 and len(text.split()) <= 3:
            first, _, rest = out[-1].partition("\t")
            out[-1] = f"{first} {text}\t{rest}"
            wrapped = -1
        else:
            out.append(text)
            wrapped = -1
        indent = starts
    return out


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())  # "Page 3 of 10" and "Page 4 of 10" are one line


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked) found among the first or last two lines of at least half the pages."""
    if len(pages) < 2:
        return set()
    seen: dict[str, int] = {}
    for lines in pages:
        lines = [ln for ln in lines if ln]
        for key in {_furniture_key(line) for line in lines[:2] + lines[-2:]}:
            seen[key] = seen.get(key, 0) + 1
    return {key for key, n in seen.items() if n >= max(2, len(pages) / 2)}


def _table_header(rows: list[list[str]]) -> bool:
    """A PDF table's first row names its columns when it is short words without figures over rows of
    three cells or more ("Category | Certificate required | Audit interval")."""
    first = rows[0]
    return len(rows) > 2 and len(first) > 2 and not any(ch.isdigit() for c in first for ch in c) \
        and all(len(c.split()) <= 4 for c in first)


def _pdf_text(pages: list[list[str]]) -> str:
    """Page lines (`_page_lines`, `_plain_lines`) as light Markdown: page furniture dropped, words split by a hyphen at
    a line's end joined, numbered or capitalised short lines made headings, table rows made one
    paragraph each, and a paragraph ended where a line ends a sentence well short of the usual line
    width. Pages run on into each other, as the sentences across their breaks do."""
    furniture = _furniture(pages)
    lines: list[str] = []
    for page in pages:
        filled = [i for i, ln in enumerate(page) if ln]
        edges = set(filled[:2] + filled[-2:])
        kept = [line for i, line in enumerate(page)
                if not (i in edges and (_furniture_key(line) in furniture or _PAGE_NUMBER.match(line)))]
        while kept and not kept[-1]:
            kept.pop()
        while kept and not kept[0]:
            kept.pop(0)
        if lines and kept and lines[-1].endswith(_SENTENCE_END):
            lines.append("")  # a page break is a paragraph break only where a sentence ended
        for line in kept:
            if line or (lines and lines[-1]):
                lines.append(line)
    widths = sorted(len(ln) for ln in lines if ln and "\t" not in ln)
    usual = widths[len(widths) * 3 // 4] if widths else 0
    # The nearest line of text before and after each line, found in one pass each way.
    before, after = [""] * len(lines), [""] * len(lines)
    for i in range(1, len(lines)):
        before[i] = lines[i - 1] or before[i - 1]
    for i in range(len(lines) - 2, -1, -1):
        after[i] = lines[i + 1] or after[i + 1]
    out: list[str] = []
    table: list[list[str]] = []
    for i, line in enumerate(lines):
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table and not line and "\t" in after[i]:
            continue  # rows set apart by space are still one table
        if table:
            out.extend(_paragraphs(table_lines(table, _table_header(table))))
            table = []
        if not line:
            out.append("")
            continue
        prev, nxt = before[i], after[i]
        short = len(line.split()) <= 10 and not line.endswith(_SENTENCE_DONE + (",",))
        numbered = _numbered(line) and not _numbered(prev) and not _numbered(nxt) and nxt[:1].isupper()
        capitals = sum(ch.isalpha() for ch in line) >= 4 and line.upper() == line
        # A short line after a gap, right above a line of text, heads it ("Art. 3 - Spese ammissibili").
        set_apart = (i == 0 or not lines[i - 1] or "\t" in lines[i - 1]) and nxt[:1].isupper() \
            and len(line) < 0.7 * usual and line[:1].isupper() and not _PDF_ITEM.match(line)
        if short and (set_apart or ((numbered or capitals) and line[0].isdigit() == bool(numbered))):
            out.append("## " + line)
            continue
        if out and out[-1].endswith("-") and len(out[-1]) > 1 and out[-1][-2].isalpha() and line[:1].islower():
            out[-1] = out[-1][:-1] + line  # "manufac-" + "turing"
        elif out and _PDF_ITEM.match(out[-1]) and not _PDF_ITEM.match(line) and \
                (line[:1].islower() or not out[-1].endswith(_SENTENCE_DONE)):
            out[-1] += " " + line  # a list item wrapped onto the next line
        else:
            out.append(" ".join(line.split()))
        if line.endswith(_SENTENCE_END) and len(line) < 0.7 * usual:
            out.append("")  # the short last line of a paragraph
    if table:
        out.extend(_paragraphs(table_lines(table, _table_header(table))))
    text = re.sub(r"\n*(## [^\n]*)\n*", r"\n\n\1\n\n", "\n".join(out))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _pdf_title(reader, text: str) -> str | None:
    """The title the file declares (not a converter's "Microsoft Word - x.docx"), else its first line."""
    meta = getattr(reader, "metadata", None)
    title = (getattr(meta, "title", None) or "").strip() if meta else ""
    if title and not re.match(r"(?i)microsoft word|\(?(?:untitled|anonymous|senza titolo|sem t[ií]tulo)\)?$|document\d*$", title) \
            and not re.search(r"\.\w{3,4}$", title):
        return title
    first = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.strip()), "")
    return first if 0 < len(first.split()) <= 15 else None


def _read_pdf(path: Path) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = []
        for page in reader.pages:
            lines = _page_lines(page.extract_text(extraction_mode="layout") or "")
            pages.append(_plain_lines(page.extract_text() or "") if lines is None else lines)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocument(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many internal types on corrupt files
        raise UnreadableDocument(f"not a readable PDF ({exc.__class__.__name__})") from exc
    text = _pdf_text(pages)
    return text, _pdf_title(reader, text)


# Never text: code, styling, and a page's navigation and footer.
_HTML_SKIP = {"script", "style", "noscript", "template", "nav", "footer", "svg", "iframe", "head", "button",
              "select", "option", "textarea", "input", "form"}
_HTML_BLOCKS = {"p", "div", "section", "article", "main", "header", "aside", "blockquote", "pre", "ul", "ol",
                "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
                "figure", "figcaption", "address", "hr", "br", "body", "html", "details", "summary", "center",
                "fieldset"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A table with any of these in its cells (or a table inside it) is laid out with, not a table of data.
_CELL_BLOCKS = "p, div, ul, ol, h1, h2, h3, h4, h5, h6, blockquote, section, article, table table"


def _html_blocks(root) -> list[str]:
    """The page's text in reading order, one block per paragraph-like element: text in a <div> or
    after a <br> counts as much as text in a <p>, a nested <p> is not read twice, a list item is
    "- item", a term and its definition are "term: definition", and a table of data is one line
    per row (a table used for layout is read as the blocks in its cells). A block that is all or nearly
    all link text (a menu, "related articles", "share", "unsubscribe") is the site's, not the text's."""
    blocks: list[str] = []
    buffer: list[str] = []
    linked = [0]  # characters of the buffer inside links
    prefix = [""]

    def flush():
        raw = "".join(buffer)
        text = " ".join(raw.split())
        share = linked[0] / max(1, sum(ch.isalnum() for ch in raw))
        buffer.clear()
        linked[0] = 0
        if text:
            if share < 0.8:
                blocks.append(prefix[0] + text)
            prefix[0] = ""

    def walk(node, in_link=False):
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                piece = child.text_content or ""
                buffer.append(piece)
                if in_link:
                    linked[0] += sum(ch.isalnum() for ch in piece)
            elif tag in _HTML_SKIP or tag == "-comment" or "hidden" in (child.attributes or {}):
                continue
            elif tag in _HEADINGS:
                flush()
                text = " ".join(child.text(separator=" ").split())
                if text:
                    blocks.append("#" * int(tag[1]) + " " + text)
            elif tag == "table" and child.css_first(_CELL_BLOCKS) is None:
                flush()
                rows = child.css("tr")
                cells = [[c.text(separator=" ") for c in row.iter() if c.tag in ("td", "th")] for row in rows]
                first = [c.tag for c in rows[0].iter() if c.tag in ("td", "th")] if rows else []
                header = bool(first) and (all(t == "th" for t in first) or child.css_first("thead") is not None)
                blocks.extend(table_lines(cells, header))
            elif tag in _HTML_BLOCKS:
                flush()
                if tag == "li":
                    prefix[0] = "- "
                walk(child, in_link)
                if tag == "dt":
                    term = " ".join("".join(buffer).split()).rstrip(":")
                    buffer.clear()
                    linked[0] = 0
                    prefix[0] = f"{term}: " if term else ""
                else:
                    flush()
            else:  # inline: <span>, <a>, <b>, <font>…
                walk(child, in_link or tag == "a")

    walk(root)
    flush()
    return blocks


def _read_html(raw: bytes) -> tuple[str, str | None]:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(_decode(raw))
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    # A page that marks its main content (<main>, role="main") is read there: sidebars, banners and
    # lists of other articles around it are the site's, not the document's.
    root = tree.css_first("main") or tree.css_first('[role="main"]') or tree.body
    blocks = _html_blocks(root) if root is not None else []
    return "\n\n".join(blocks), title


def _docx_header(table) -> bool:
    """Whether a Word table's first row names its columns: marked to repeat as a header, or all bold."""
    first = table.rows[0]
    if first._tr.xpath("./w:trPr/w:tblHeader"):
        return True
    return _all_bold([r for cell in first.cells for para in cell.paragraphs for r in para.runs])


def _all_bold(runs) -> bool:
    """Whether every run of text (blank ones aside) is set in bold, and there is one."""
    runs = [r for r in runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _read_docx(path: Path) -> str:
    import zipfile

    try:
        import docx
        from docx.table import Table

        document = docx.Document(str(path))
        parts = list(document.iter_inner_content())
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(f"not a readable DOCX ({exc.__class__.__name__})") from exc
    except Exception as exc:
        raise UnreadableDocument(f"not a readable DOCX ({exc.__class__.__name__})") from exc
    blocks = []
    for part in parts:  # paragraphs and tables in the order they appear
        if isinstance(part, Table):
            if part.rows:
                blocks.extend(table_lines([[c.text for c in row.cells] for row in part.rows], _docx_header(part)))
            continue
        text = part.text.strip()
        if not text:
            continue
        style = (part.style.name or "").lower() if part.style is not None else ""
        numbered = part._p.pPr is not None and part._p.pPr.numPr is not None
        if style.startswith("heading") or style == "title":
            level = "".join(ch for ch in style if ch.isdigit()) or "1"
            blocks.append("#" * int(level) + " " + text)
        elif "list" in style or numbered:  # a list style, or numbering applied to a plain paragraph
            blocks.append("- " + text)
        elif _all_bold(part.runs) and len(text.split()) <= 10 and not text.endswith((".", ";", ",", ":")) \
                and not re.search(r"\d", text.lstrip("0123456789. ")):
            # A short line set in bold is how many write a heading in Word; one with a figure past its
            # section number ("La scadenza è il 15 marzo") is a fact stressed, and stays a sentence.
            blocks.append("## " + text)
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
        text, title = _read_pdf(path)
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
