"""Documents as partners send them: what the readers keep of a PDF, a Word file and a web page,
and that an answer found in a table or a <div> is quoted."""
from pathlib import Path

import pytest

from ponte.index.chunking import chunk_text
from ponte.index.loaders import load_document
from ponte.models import ChatRequest

from .conftest import ROOT

EXTERNAL_5 = ROOT / "eval" / "external-5" / "docs"

PAGE = """<html><head><title>Bando Voucher</title><script>var secret = 1;</script></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<div class="intro">The voucher funds technology transfer projects of small firms.</div>
<div>Applications are submitted online.<br>The deadline is 15 March 2027.</div>
<ul><li><p>Maximum grant: 50,000 euro</p></li></ul>
<table><thead><tr><th>Date</th><th>Event</th><th>Place</th></tr></thead>
<tr><td>3 December</td><td>Buyers' meeting for wind components</td><td>Recife</td></tr></table>
<table><tr><td>Co-financing</td><td>30%</td></tr></table>
<dl><dt>Beneficiaries</dt><dd>Micro, small and medium firms.</dd></dl>
<footer>All rights reserved</footer></body></html>"""


def test_web_page_keeps_text_in_divs_tables_and_definitions_once(tmp_path):
    (tmp_path / "call.html").write_text(PAGE, encoding="utf-8")
    text = load_document(tmp_path / "call.html").text
    blocks = text.split("\n\n")
    assert "The voucher funds technology transfer projects of small firms." in blocks
    assert "The deadline is 15 March 2027." in blocks  # after a <br>, in a <div>
    assert text.count("Maximum grant") == 1  # a <p> inside an <li> is read once
    assert "- Maximum grant: 50,000 euro" in blocks
    assert "Date: 3 December; Event: Buyers' meeting for wind components; Place: Recife" in blocks
    assert "Co-financing: 30%" in blocks
    assert "Beneficiaries: Micro, small and medium firms." in blocks
    assert "secret" not in text and "News" not in text and "rights reserved" not in text


def test_web_page_with_a_main_part_is_read_there(tmp_path):
    (tmp_path / "news.html").write_text(
        "<html><body><div class='sidebar'>Most read: carnival parade photos</div><main><h1>Suape</h1>"
        "<div>The Suape shipyard hired 200 welders this year.</div></main>"
        "<div class='cookies'>We use cookies to improve your experience.</div></body></html>", encoding="utf-8")
    text = load_document(tmp_path / "news.html").text
    assert "200 welders" in text and "carnival" not in text and "cookies" not in text


def test_word_tables_are_read_where_they_stand(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Costi", level=2)
    d.add_paragraph("La quota copre gli incontri.")
    table = d.add_table(rows=3, cols=3)
    for i, row in enumerate([("Voce", "Importo", "Scadenza"), ("Quota", "1.200 euro", "31 gennaio"),
                             ("Secondo partecipante", "400 euro", "31 gennaio")]):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
            if i == 0:
                table.cell(i, j).paragraphs[0].runs[0].bold = True
    d.add_paragraph("Il volo è a carico delle imprese.")
    d.save(tmp_path / "costi.docx")
    blocks = load_document(tmp_path / "costi.docx").text.split("\n\n")
    row = "Voce: Secondo partecipante; Importo: 400 euro; Scadenza: 31 gennaio"
    assert row in blocks
    assert blocks.index("La quota copre gli incontri.") < blocks.index(row) < blocks.index("Il volo è a carico delle imprese.")


def _pdf(path: Path) -> None:
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, "Supplier Handbook 2026", align="R")
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Doc(format=(148, 210))
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, "Welding Supplier Handbook", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, "Filler about the yard and its history. " * 40, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 7, "2. Who can apply", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, "Any company with a tax registration in Brazil can apply, and foreign companies apply "
                         "through a Brazilian representative or a local subsidiary of their own. " * 6,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(col_widths=(30, 40, 30)) as table:
        for row in [("Category", "Certificate", "Audit interval"), ("Piping", "ISO 9001 and PED", "every 24 months"),
                    ("Welding", "ISO 3834-2", "every 12 months")]:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.output(str(path))


def test_pdf_drops_page_furniture_and_keeps_headings_and_table_rows(tmp_path):
    _pdf(tmp_path / "handbook.pdf")
    doc = load_document(tmp_path / "handbook.pdf")
    assert doc.title == "Welding Supplier Handbook"  # its first line, not the file's name
    assert "Supplier Handbook 2026" not in doc.text and "Page 1" not in doc.text
    assert "## 2. Who can apply" in doc.text
    assert "Category: Welding; Certificate: ISO 3834-2; Audit interval: every 12 months" in doc.text.split("\n\n")
    chunks = chunk_text(doc.text, doc.title)
    assert any(c.heading == "2. Who can apply" for c in chunks)
    sentences = [s for c in chunks for s in c.segments]
    # The sentences that run over a page break are whole, with no running header inside them.
    assert all(s.startswith(("Any company", "Filler", "Category", "Welding Supplier")) for s in sentences), sentences


def test_answers_come_from_each_format(assistant):
    report = assistant.ingest([EXTERNAL_5])
    assert report.added == 3 and not report.rejected
    for question, span in [("Quanto custa a anuidade para microempresas?", "900 reais"),  # HTML <dl>
                           ("Quanto paga un secondo partecipante della stessa impresa?", "400 euro"),  # DOCX table
                           ("Which certificate do welding subcontractors need?", "ISO 3834-2"),  # PDF table
                           ("Qual é o limite da nova linha de crédito?", "2 milhões de reais")]:  # HTML <div>
        reply = assistant.chat(ChatRequest(message=question))
        assert reply.grounded and span in reply.answer, (question, reply.answer)


@pytest.mark.parametrize("second_column", [8, 1])  # a full second column, and one that holds a paragraph
def test_pdf_in_two_columns_is_read_column_by_column(tmp_path, second_column):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    columns = pdf.text_columns(ncols=2, gutter=10)
    with columns:
        columns.write("Forging presses in Lecco ship flanges to customers in Brazil every month. " * 8)
        columns.new_column()
        columns.write("Wind towers in Suape follow the local content rules of the development bank. " * second_column)
    pdf.output(str(tmp_path / "newsletter.pdf"))
    text = load_document(tmp_path / "newsletter.pdf").text
    # Read side by side, each line would join half a sentence of each column.
    assert text.rindex("Forging presses") < text.index("Wind towers")


def test_a_better_reader_reads_extracted_formats_again(assistant, tmp_path, monkeypatch):
    import ponte.assistant.ingest as ingest

    (tmp_path / "call.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "note.txt").write_text("The orbital welding course in Recife lasts twelve days.\n", encoding="utf-8")
    assert assistant.ingest([tmp_path]).added == 2
    assert assistant.ingest([tmp_path]).unchanged == 2
    monkeypatch.setattr(ingest, "READER_VERSION", ingest.READER_VERSION + 1)
    report = assistant.ingest([tmp_path])
    assert (report.updated, report.unchanged) == (2, 0)
    assert assistant.ingest([tmp_path]).unchanged == 2


def test_a_label_alone_over_a_paragraph_heads_it_instead_of_being_a_passage():
    chunks = chunk_text("## Notizie\n\nCapacitação\n\nO SENAI abre em janeiro uma nova turma do curso de inspetor de "
                        "soldagem.\n\n## Agenda\n\nA rodada de negócios com compradores do setor eólico é em dezembro.",
                        "Boletim")
    segments = [s for c in chunks for s in c.segments]
    assert "Capacitação" not in segments
    assert chunks[0].heading == "Notizie – Capacitação" and chunks[1].heading == "Agenda"


def test_markdown_pipe_tables_are_read_as_rows(tmp_path):
    (tmp_path / "costi.md").write_text("# Costi\n\nLa quota copre gli incontri.\n\n| Voce | Importo |\n|---|---:|\n"
                                       "| Quota di partecipazione | 1.200 euro |\n| Secondo partecipante | 400 euro |\n\n"
                                       "Il volo è a carico delle imprese.\n", encoding="utf-8")
    doc = load_document(tmp_path / "costi.md")
    segments = [s for c in chunk_text(doc.text, doc.title) for s in c.segments]
    assert segments == ["La quota copre gli incontri.", "Quota di partecipazione: 1.200 euro",
                        "Secondo partecipante: 400 euro", "Il volo è a carico delle imprese."]


def test_pdf_list_items_wrapped_over_lines_stay_whole(tmp_path):
    from fpdf import FPDF

    pdf = FPDF(format=(148, 210))
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, "The applicant must send the following documents:", new_x="LMARGIN", new_y="NEXT")
    for item in ("the company registration certificate issued by the chamber of commerce in the last six months;",
                 "the balance sheets of the last two years, signed by the legal representative of the company;"):
        pdf.multi_cell(0, 5, "\x95 " + item, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "list.pdf"))
    doc = load_document(tmp_path / "list.pdf")
    segments = [s for c in chunk_text(doc.text, doc.title) for s in c.segments]
    assert segments == ["The applicant must send the following documents:\n"
                        "• the company registration certificate issued by the chamber of commerce in the last six months;\n"
                        "• the balance sheets of the last two years, signed by the legal representative of the company;"]


def test_a_question_paragraph_heads_its_answer():
    chunks = chunk_text("# FAQ\n\nQuanto tempo dura a mentoria?\n\nCada mentoria dura seis meses, com uma reunião "
                        "por semana.\n\nQuem paga a viagem do mentor?\n\nA passagem do mentor é paga pela Câmara de "
                        "Comércio.", "FAQ")
    assert [c.heading for c in chunks] == ["FAQ – Quanto tempo dura a mentoria?", "FAQ – Quem paga a viagem do mentor?"]
    assert [s for c in chunks for s in c.segments] == [
        "Cada mentoria dura seis meses, com uma reunião por semana.", "A passagem do mentor é paga pela Câmara de Comércio."]


def test_pdf_lines_set_apart_above_text_are_headings():
    text = load_document(ROOT / "eval" / "external-6" / "docs" / "bando-fornitori-eolico.pdf").text
    for heading in ("Art. 1 - Finalità", "Art. 4 - Scadenze", "Art. 5 - Valutazione"):  # the last at a page's foot
        assert f"## {heading}" in text
    assert "- 1 -" not in text and "Regione Lombardia (esempio)" not in text


def test_pdf_symbol_bullets_and_a_centred_table_after_a_list():
    """As a PDF made by another generator reads (ReportLab: bullets in a symbol font come out as
    "\\x7f", a centred table right after a list, a paragraph running over a page break)."""
    from ponte.index.loaders import _page_lines, _pdf_text

    page1 = ("Camera di Commercio - Guida export\n\nDocumenti richiesti\n"
             "Le imprese devono presentare questi documenti per ogni spedizione di macchinari verso il\n"
             "Brasile, anche quando la merce viaggia in container misti:\n"
             "     \x7f    documento di trasporto internazionale\n     \x7f    fattura commerciale\n"
             "                              Voce                    Costo medio        Tempo\n"
             "                              Certificazione INMETRO  12.000 euro        6 mesi\n"
             "                              Registro ANVISA         5.000 euro         4 mesi\n\n"
             "La certificazione richiede in media sei mesi e va rinnovata ogni tre anni presso\n\n\n"
             "                                  Pagina 1")
    page2 = ("Camera di Commercio - Guida export\n\n"
             "un ente accreditato dal governo brasiliano.\n\n\n                                  Pagina 2")
    pages = [_page_lines(page1), _page_lines(page2)]
    blocks = _pdf_text(pages).split("\n\n")
    assert "• documento di trasporto internazionale\n• fattura commerciale" in "\n\n".join(blocks)
    assert "Voce: Registro ANVISA; Costo medio: 5.000 euro; Tempo: 4 mesi" in blocks
    assert ("La certificazione richiede in media sei mesi e va rinnovata ogni tre anni presso\n"
            "un ente accreditato dal governo brasiliano.") in blocks
    assert "Pagina" not in "\n".join(blocks) and "Camera di Commercio" not in "\n".join(blocks)


def test_web_page_blocks_made_of_links_are_the_sites_not_the_texts(tmp_path):
    (tmp_path / "article.html").write_text(
        "<html><body><div class='menu'><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/c'>Contact us</a></div>"
        "<h1>Suape shipyard hires 200 welders</h1><p>The Suape shipyard hired 200 welders this year, most of them "
        "trained by SENAI. <a href='/more'>Read more</a></p><ul class='related'><li><a href='/a'>Wind towers in "
        "Pernambuco grow</a></li></ul><div class='share'><a href='#'>Facebook</a> <a href='#'>LinkedIn</a></div>"
        "</body></html>", encoding="utf-8")
    text = load_document(tmp_path / "article.html").text
    assert "hired 200 welders this year" in text
    assert not any(word in text for word in ("Home", "Contact us", "Wind towers", "LinkedIn"))


def test_a_windows_encoded_text_keeps_its_apostrophes_and_euro_signs(tmp_path):
    (tmp_path / "nota.txt").write_bytes("L’azienda riceve un contributo di 5.000 € per l’export.".encode("cp1252"))
    assert load_document(tmp_path / "nota.txt").text == "L’azienda riceve un contributo di 5.000 € per l’export."


def test_word_bold_lines_are_headings_and_numbered_paragraphs_are_items(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph().add_run("Requisiti di partecipazione").bold = True
    d.add_paragraph("Possono partecipare le imprese con sede in Lombardia e almeno cinque dipendenti.")
    d.add_paragraph().add_run("La scadenza è il 15 marzo").bold = True
    numbered = d.add_paragraph("Bilancio degli ultimi due esercizi approvato dall'assemblea.")
    numbered._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
    d.save(tmp_path / "bando.docx")
    blocks = load_document(tmp_path / "bando.docx").text.split("\n\n")
    assert blocks[0] == "## Requisiti di partecipazione"
    assert blocks[-1] == "- Bilancio degli ultimi due esercizi approvato dall'assemblea."
    assert "La scadenza è il 15 marzo" in blocks  # a fact set in bold stays a sentence
