"""Write this set's documents in the formats partners send: a PDF with page headers, footers and a
table (English), a Word file with headings, a bulleted list and a table (Italian), and an HTML
newsletter laid out with <div>s, a table and a definition list (Portuguese). The texts are fictional
examples written for Ponte's evaluation. Run from the repository root (needs fpdf2 and python-docx,
both in the `test` extra): .venv/bin/python eval/external-5/build.py"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

DOCS = Path(__file__).with_name("docs")

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


def handbook_pdf(path: Path) -> None:
    from fpdf import FPDF

    class Handbook(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, "Ipojuca Naval Yard - Supplier Qualification Handbook 2026", align="R")
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Handbook(format=(148, 210))
    pdf.set_creation_date(datetime(2026, 11, 28, tzinfo=timezone.utc))  # the same bytes on every run
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, new_x="LMARGIN", new_y="NEXT", text="Supplier Qualification Handbook 2026")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text="Ipojuca Naval Yard (a fictional example written for Ponte's evaluation)")
    pdf.ln(3)
    for kind, body in HANDBOOK:
        if kind == "h":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 7, body, new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.set_font("Helvetica", "", 8)
            with pdf.table(col_widths=(30, 58, 30)) as table:
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


NEWSLETTER = """<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Boletim da AIMPE - novembro de 2026</title>
<style>.materia{margin:1em 0}</style></head>
<body>
<header><nav><a href="/">Início</a> | <a href="/associados">Associados</a> | <a href="/contato">Contato</a></nav></header>
<div class="topo"><div class="titulo">Boletim da AIMPE, novembro de 2026</div>
<div class="sub">Associação das Indústrias Metalmecânicas de Pernambuco. Boletim fictício escrito para a avaliação da Ponte.</div></div>
<div class="materia"><div class="chapeu">Capacitação</div>
<div class="texto">O SENAI do Cabo de Santo Agostinho abre em janeiro uma nova turma do curso de inspetor de soldagem nível 1, com 160 horas de aulas. A inscrição é gratuita para os funcionários das empresas associadas.<br>As aulas acontecem às terças e quintas-feiras, à noite, e a prova final é aplicada pela FBTS.</div></div>
<div class="materia"><h2>Nova linha de crédito para máquinas</h2>
<div>O banco de fomento do estado lançou uma linha de crédito para a modernização das máquinas das pequenas indústrias metalmecânicas. O limite é de 2 milhões de reais por empresa, com carência de 12 meses e prazo de pagamento de até 60 meses.</div>
<div>Os pedidos são analisados em cerca de 30 dias, e a associação ajuda a preparar a documentação.</div></div>
<div class="materia"><h2>Agenda</h2>
<table><tr><th>Data</th><th>Evento</th><th>Local</th></tr>
<tr><td>3 de dezembro</td><td>Rodada de negócios com compradores do setor eólico</td><td>Recife</td></tr>
<tr><td>10 de dezembro</td><td>Palestra sobre a norma NR-13 de caldeiras e vasos de pressão</td><td>Jaboatão dos Guararapes</td></tr>
<tr><td>15 de janeiro</td><td>Visita técnica ao estaleiro de Ipojuca</td><td>Ipojuca</td></tr></table></div>
<div class="materia"><h2>Associado do mês</h2>
<div>A Caldeiraria Capibaribe, de Paulista, fabrica tanques e vasos de pressão para a indústria química e de alimentos. A empresa completou 30 anos em outubro e desde 2024 exporta para Angola.</div></div>
<div class="materia"><h2>Para os associados</h2>
<dl><dt>Anuidade</dt><dd>A anuidade de 2027 é de 900 reais para as microempresas e de 2.400 reais para as demais associadas.</dd>
<dt>Sala de reuniões</dt><dd>A sala de reuniões da sede pode ser reservada de graça pelas associadas, com dois dias de antecedência.</dd></dl></div>
<footer>AIMPE, Rua da Aurora 100, Recife. Todos os direitos reservados.</footer>
</body></html>
"""


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    handbook_pdf(DOCS / "supplier-handbook-ipojuca.pdf")
    mission_docx(DOCS / "missione-pernambuco-2027.docx")
    (DOCS / "boletim-aimpe-novembro.html").write_text(NEWSLETTER, encoding="utf-8")
