"""Reports: PDF score sheets (and, with their records, sign-off and exam session reports) and
CSV exports. They read through `services`, draw with reportlab, and never import Qt.

One module per report (`score_sheet`, `csv_results`); what every PDF page shares is in
`pdf_page`; user text goes through `text` (plain strings, never markup) and `fonts`.
"""
