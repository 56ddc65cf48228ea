"""Write the PDF and Word documents of eval/external-5 and eval/external-6 (their web pages are kept
as written, in the same folders): documents in the layouts partners send, fictional examples written
for Ponte's evaluation. external-5: an English supplier handbook as a PDF with a running header, page
numbers and a table, and an Italian notice of a business mission as a Word file with a list and a table.
external-6, written after the readers were changed for external-5 and before its first run: an Italian
call for proposals as a PDF with "Art." headings, wrapped bullets and a table of deadlines, and a
Portuguese FAQ as a Word file with bold questions and a bold-headed table. Run from the repository
root (needs fpdf2 and python-docx, both in the `test` extra): .venv/bin/python eval/build_format_sets.py"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

EVAL = Path(__file__).parent

HANDBOOK = [
    ("h", "1. Purpose"),
    ("p", "This handbook explains how a company becomes a qualified supplier of the Ipojuca Naval Yard, a "
          "fictional shipyard next to the port of Suape used here as an example. It applies to suppliers of "
          "steel, piping, valves, electrical panels and machining services for the hulls and offshore modules "
          "built at the yard."),
    ("h", "2. Who can apply"),
    ("p", "Any company with a tax registration in Brazil can apply. Foreign companies must act through a "
          "Brazilian representative or a local subsidiary. Companies from Lombardy usually apply together with "
          "a partner from Pernambuco, which also makes it easier to prove the local content of their supplies."),
    ("h", "3. Registration"),
    ("p", "Registration is done on the yard's supplier portal and takes about 20 working days. The applicant "
          "uploads its company registration, the balance sheets of the last two years, its quality "
          "certificates and a list of its main customers of the last three years. Applications that remain "
          "incomplete are closed after 60 days without further notice."),
    ("h", "4. Qualification audit"),
    ("p", "After the documents are accepted, the yard's quality team visits the supplier's plant. The audit "
          "lasts one day for service providers and two days for manufacturers. Suppliers outside Brazil can be "
          "audited remotely by video, but the makers of critical items always receive a visit. The audit checks "
          "the traceability of materials, the calibration of instruments, the qualification of welders and the "
          "handling of non-conformities. Its report lists every finding, and major findings must be closed "
          "within 30 days."),
    ("h", "5. Requirements by category"),
    ("p", "The certificates required and the interval between two audits depend on what is supplied:"),
    ("t", [("Category", "Certificate required", "Audit interval"),
           ("Structural steel", "ISO 9001 and EN 10204 3.1 mill certificates", "every 24 months"),
           ("Piping and valves", "ISO 9001 and PED or ASME stamp", "every 24 months"),
           ("Electrical panels", "ISO 9001 and IEC 61439 type tests", "every 36 months"),
           ("Machining services", "ISO 9001", "every 36 months"),
           ("Welding subcontractors", "ISO 3834-2", "every 12 months")]),
    ("h", "6. Local content"),
    ("p", "Each supplier declares the share of its price that is produced in Brazil. The yard uses these "
          "declarations to meet the local content clauses of its own contracts, which is why partnerships "
          "between foreign manufacturers and companies from Pernambuco are encouraged. A false declaration "
          "leads to the exclusion of the supplier for two years."),
    ("h", "7. Payment and delivery"),
    ("p", "Invoices are paid 45 days after the goods have been received and inspected. Deliveries are made to "
          "the yard's central warehouse at gate 3, from Monday to Friday between 7 am and 3 pm. Late deliveries "
          "are charged a penalty of 0.5 percent of the order value per day of delay, up to 10 percent of the "
          "order."),
    ("h", "8. Performance rating"),
    ("p", "Every quarter the yard rates each active supplier on quality, punctuality and documentation, on a "
          "scale from 0 to 100. A supplier rated below 60 points for two quarters in a row is suspended and "
          "must present an improvement plan before it can receive new orders."),
    ("h", "9. Questions"),
    ("p", "Questions about registration are answered by the supplier desk through the message form of the "
          "portal. The yard does not accept commercial offers sent by e-mail."),
]


CALL = [
    ("h", "Art. 1 - Finalità"),
    ("p", "Il bando sostiene le piccole e medie imprese lombarde che vogliono qualificarsi come fornitrici "
          "dei parchi eolici del Nordest del Brasile. Il bando è un esempio fittizio scritto per la valutazione "
          "di Ponte."),
    ("h", "Art. 2 - Dotazione finanziaria"),
    ("p", "La dotazione complessiva è di 3 milioni di euro. Ogni impresa può ricevere un contributo a fondo "
          "perduto pari al 40 per cento delle spese ammissibili, fino a un massimo di 80.000 euro."),
    ("h", "Art. 3 - Spese ammissibili"),
    ("p", "Sono ammissibili le seguenti spese:"),
    ("l", "certificazioni di prodotto richieste dai costruttori di turbine, comprese le prove di laboratorio "
          "e le visite degli enti di certificazione;"),
    ("l", "consulenze per l'adeguamento alle norme brasiliane e per la registrazione presso i clienti;"),
    ("l", "viaggi in Brasile, fino a un massimo del 15 per cento delle spese ammissibili."),
    ("p", "Non sono ammissibili l'acquisto di macchinari e le spese di personale interno."),
    ("h", "Art. 4 - Scadenze"),
    ("t", [("Fase", "Data"), ("Apertura dello sportello", "2 febbraio 2027"),
           ("Chiusura dello sportello", "30 aprile 2027"), ("Conclusione dei progetti", "31 dicembre 2028")]),
    ("h", "Art. 5 - Valutazione"),
    ("p", "Le domande sono valutate da un nucleo tecnico entro 60 giorni dalla chiusura dello sportello. Il "
          "punteggio minimo per essere finanziati è di 65 punti su 100, e a parità di punteggio prevale la "
          "domanda presentata prima."),
    ("h", "Art. 6 - Rendicontazione"),
    ("p", "Le imprese beneficiarie rendicontano le spese entro 90 giorni dalla conclusione del progetto. Il "
          "contributo viene erogato in un'unica soluzione dopo la verifica della rendicontazione."),
]


def write_pdf(path: Path, running: str, page_label: str, title: str, blocks, *, align: str = "R",
              title_size: int = 15, subtitle: str | None = None, table_size: int = 8, col_widths=(30, 58, 30)) -> None:
    """An A5 PDF: `running` at the top of every page, `page_label` (a format of `n`, and `{nb}` for the
    page count) at its foot, then the title and the blocks: ("h", heading), ("p", paragraph),
    ("l", bulleted item), ("t", rows of a table)."""
    from fpdf import FPDF

    class Document(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, running, align=align)
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, page_label.format(n=self.page_no()), align="C")

    pdf = Document(format=(148, 210))
    pdf.set_creation_date(datetime(2026, 11, 28, tzinfo=timezone.utc))  # the same bytes on every run
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", title_size)
    pdf.multi_cell(0, 8, new_x="LMARGIN", new_y="NEXT", text=title)
    if subtitle:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=subtitle)
    pdf.ln(3 if subtitle else 2)
    for kind, body in blocks:
        if kind == "h":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 7, body, new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "l":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, "\x95 " + body, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", table_size)
            with pdf.table(col_widths=col_widths) as table:
                for row in body:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(2)
    pdf.output(str(path))


def mission_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Missione imprenditoriale in Pernambuco 2027", level=1)
    d.add_paragraph("Avviso per le imprese lombarde. Questo avviso è un esempio fittizio scritto per la "
                    "valutazione di Ponte.")
    d.add_heading("Obiettivi", level=2)
    d.add_paragraph("La missione porta in Pernambuco una delegazione di piccole e medie imprese lombarde della "
                    "meccanica, per incontrare aziende e centri di ricerca dei settori navale, petrolchimico, "
                    "automobilistico ed eolico. Sono previsti incontri d'affari individuali, visite agli "
                    "stabilimenti e un seminario sulle regole di contenuto locale.")
    d.add_heading("Date e programma", level=2)
    d.add_paragraph("La missione si svolge dal 12 al 16 aprile 2027. I primi due giorni sono dedicati agli "
                    "incontri d'affari a Recife; il terzo giorno è prevista la visita al porto di Suape; gli "
                    "ultimi due giorni sono riservati al polo automobilistico di Goiana.")
    d.add_heading("Chi può partecipare", level=2)
    d.add_paragraph("Possono candidarsi le imprese che rispettano tutti questi requisiti:")
    for item in ("sede operativa in Lombardia;",
                 "almeno 5 dipendenti e un fatturato estero pari ad almeno il 10 per cento del totale;",
                 "un profilo aziendale pubblicato nella piattaforma del partenariato."):
        d.add_paragraph(item, style="List Bullet")
    d.add_heading("Costi", level=2)
    d.add_paragraph("La quota di partecipazione copre l'organizzazione degli incontri, l'interprete e i "
                    "trasferimenti locali. Il volo e l'albergo sono a carico delle imprese.")
    rows = [("Voce", "Importo"),
            ("Quota di partecipazione per impresa", "1.200 euro"),
            ("Secondo partecipante della stessa impresa", "400 euro"),
            ("Contributo regionale per le micro imprese", "50 per cento della quota")]
    table = d.add_table(rows=len(rows), cols=2)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    d.add_heading("Come candidarsi", level=2)
    d.add_paragraph("Le domande si presentano compilando il modulo online entro il 31 gennaio 2027. La "
                    "selezione avviene in ordine di arrivo, fino a un massimo di 20 imprese. L'esito viene "
                    "comunicato entro tre settimane dalla chiusura delle candidature.")
    d.add_heading("Domande frequenti", level=2)
    d.add_paragraph("Serve conoscere il portoghese? No: durante gli incontri d'affari è sempre presente un "
                    "interprete italiano-portoghese.")
    d.add_paragraph("Si può partecipare solo ad alcune giornate? Sì, ma la quota di partecipazione resta la "
                    "stessa.")
    d.save(str(path))


def faq_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Perguntas frequentes: Programa de Mentoria Industrial Lombardia-Pernambuco", level=1)
    d.add_paragraph("Este documento é um exemplo fictício escrito para a avaliação da Ponte.")
    faq = [
        ("O que é o programa de mentoria?",
         "É um programa em que engenheiros aposentados de empresas lombardas acompanham, à distância, pequenas "
         "indústrias pernambucanas em projetos de melhoria da produção."),
        ("Quanto tempo dura a mentoria?",
         "Cada mentoria dura seis meses, com uma reunião on-line por semana e uma visita presencial do mentor "
         "no quarto mês."),
        ("Quem paga a viagem do mentor?",
         "A passagem e a hospedagem do mentor são pagas pela Câmara de Comércio Ítalo-Brasileira; a empresa "
         "mentorada paga apenas o transporte local."),
        ("Em que língua são as reuniões?",
         "As reuniões são em inglês ou em espanhol, com um intérprete disponível quando necessário."),
        ("Como a empresa é escolhida?",
         "Um comitê escolhe as empresas pela clareza do projeto de melhoria e pelo compromisso da direção."),
    ]
    for q, a in faq:
        p = d.add_paragraph()
        p.add_run(q).bold = True
        d.add_paragraph(a)
    d.add_heading("Calendário das turmas", level=2)
    rows = [("Turma", "Inscrições até", "Vagas"), ("Primeira turma", "15 de março de 2027", "12 empresas"),
            ("Segunda turma", "15 de agosto de 2027", "18 empresas")]
    table = d.add_table(rows=len(rows), cols=3)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.text = text
            if i == 0:
                cell.paragraphs[0].runs[0].bold = True
    d.save(str(path))


if __name__ == "__main__":
    five, six = EVAL / "external-5" / "docs", EVAL / "external-6" / "docs"
    write_pdf(five / "supplier-handbook-ipojuca.pdf", "Ipojuca Naval Yard - Supplier Qualification Handbook 2026",
              "Page {n} of {{nb}}", "Supplier Qualification Handbook 2026", HANDBOOK,
              subtitle="Ipojuca Naval Yard (a fictional example written for Ponte's evaluation)")
    mission_docx(five / "missione-pernambuco-2027.docx")
    write_pdf(six / "bando-fornitori-eolico.pdf", "Regione Lombardia (esempio) - Bando Fornitori Eolico Brasile",
              "- {n} -", "BANDO FORNITORI EOLICO BRASILE 2027", CALL, align="L", title_size=14, table_size=9,
              col_widths=(60, 40))
    faq_docx(six / "faq-mentoria-industrial.docx")
