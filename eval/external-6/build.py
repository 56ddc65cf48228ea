"""Write this set's documents: an Italian call for proposals as a PDF with "Art." headings, wrapped
bullets and a table of deadlines; a Portuguese FAQ as a Word file with bold questions and a table
whose header row is bold; an English e-mail newsletter laid out with nested tables, <font> tags and
<br><br> between paragraphs. Fictional examples written for Ponte's evaluation, after the readers
were changed for eval/external-5 and before this set was first run. Run from the repository root
(needs fpdf2 and python-docx, both in the `test` extra): .venv/bin/python eval/external-6/build.py"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

DOCS = Path(__file__).with_name("docs")

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


def call_pdf(path: Path) -> None:
    from fpdf import FPDF

    class Call(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, "Regione Lombardia (esempio) - Bando Fornitori Eolico Brasile", align="L")
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = Call(format=(148, 210))
    pdf.set_creation_date(datetime(2026, 11, 28, tzinfo=timezone.utc))
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, "BANDO FORNITORI EOLICO BRASILE 2027", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for kind, body in CALL:
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
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(col_widths=(60, 40)) as table:
                for row in body:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(2)
    pdf.output(str(path))


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


NEWSLETTER = """<html><head><meta charset="utf-8"><title>Wind Supply Chain Digest - issue 14</title></head>
<body bgcolor="#eeeeee">
<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="600" cellpadding="10"><tr><td><img src="logo.png" alt="Digest logo"></td><td align="right"><font size="1">View in browser</font></td></tr></table>
<table width="600" cellpadding="10"><tr><td>
<font face="Arial" size="4"><b>Wind Supply Chain Digest - issue 14</b></font><br><br>
<font face="Arial" size="2">This digest is a fictional example written for Ponte's evaluation.<br><br>
<b>Tower flanges in short supply.</b> Buyers in Pernambuco report that forged tower flanges now take 26 weeks to arrive from Asia, against 14 weeks two years ago. Three turbine makers have asked for local or European suppliers that can deliver within 16 weeks.<br><br>
<b>New blade plant.</b> A blade plant opening in Suape in the second half of 2027 will need suppliers of balsa wood, glass fibre fabrics and epoxy resins. The plant expects to employ 900 people at full production.<br><br>
<b>Training.</b> The Lecco vocational school will train 40 Brazilian technicians in bolt tensioning and torque control in May; the course lasts three weeks and is taught in English.</font>
</td></tr></table>
<table width="600" cellpadding="10"><tr><td><font face="Arial" size="1">You receive this digest because you joined the partnership's mailing list. <a href="#">Unsubscribe</a></font></td></tr></table>
</td></tr></table>
</body></html>
"""


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    call_pdf(DOCS / "bando-fornitori-eolico.pdf")
    faq_docx(DOCS / "faq-mentoria-industrial.docx")
    (DOCS / "wind-supply-digest-14.html").write_text(NEWSLETTER, encoding="utf-8")
