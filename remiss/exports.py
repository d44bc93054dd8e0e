"""Exports of the sammanställning: CSV for spreadsheets, XLSX, and the HTML that is printed as PDF.
Built from the compilation read model (remiss.compilation); the views only send the bytes."""

import csv
import datetime
import io

from django.template.loader import render_to_string

from remiss import compilation as read_model

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet reads as the start of a formula when it opens a CSV file (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The separators on offer: semicolon by default, because Excel set to Swedish (where the comma is
# the decimal sign) splits CSV files on semicolons; a comma for everything else.
SEMICOLON = ";"
COMMA = ","
DELIMITERS = (SEMICOLON, COMMA)

# Excel's limit for the text of one cell.
XLSX_CELL_LIMIT = 32_767

XLSX_CUT_NOTE = " […] (förkortat: läs hela svaret i portalen)"

VIEWS_WIDTHS = [16, 34, 20, 16, 12, 10, 30, 90]

STATUS_HEADINGS = [
    "Remissinstans",
    "Remissinstansens dnr",
    "Status",
    "Svarsdatum",
    "Inkom",
    "Skäl att avstå",
]

STATUS_WIDTHS = [34, 20, 16, 12, 12, 60]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    # A leading apostrophe keeps user text such as "=HYPERLINK(…)" from running as a formula;
    # spaces before the "=" do not stop every spreadsheet, so they do not stop us either.
    if isinstance(value, str) and text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are not allowed in XML
    if len(value) > XLSX_CELL_LIMIT:
        value = value[: XLSX_CELL_LIMIT - len(XLSX_CUT_NOTE)] + XLSX_CUT_NOTE
    return value


def _fill_sheet(sheet, headings: list[str], widths: list[int], rows, wrap: set[int]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for column, (heading, width) in enumerate(zip(headings, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=heading)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=_xlsx_value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            cell.alignment = wrapped if column in wrap else top
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def csv_bytes(result: read_model.Compilation, *, delimiter: str = SEMICOLON) -> bytes:
    """Semicolon-separated for Swedish Excel (or comma-separated on request), UTF-8 with a byte
    order mark (so that Excel shows å, ä and ö), lines ended with CRLF (RFC 4180).

    Every cell is quoted, so that neither separator inside a text can split it into a new cell
    that starts with "=", whichever separator the spreadsheet guesses.
    """
    if delimiter not in DELIMITERS:
        raise ValueError(f"Okänd avgränsare: {delimiter!r}")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(read_model.ROW_HEADINGS)
    for row in result.rows():
        writer.writerow([_csv_cell(value) for value in row.values()])
    return buffer.getvalue().encode("utf-8")


def workbook_bytes(result: read_model.Compilation) -> bytes:
    # openpyxl is imported here, not with the module: the rest of the portal (every URL is
    # routed through this module) does not depend on it.
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.title = f"Sammanställning av remissvar, {result.remiss.registration_number}"
    workbook.properties.creator = "Remissportalen"
    views = workbook.active
    views.title = "Synpunkter"
    _fill_sheet(
        views,
        read_model.ROW_HEADINGS,
        VIEWS_WIDTHS,
        (row.values() for row in result.rows()),
        wrap={len(read_model.ROW_HEADINGS)},
    )
    delivered = {reply.recipient.pk: reply.delivered_on for reply in result.replies}
    _fill_sheet(
        workbook.create_sheet("Status"),
        STATUS_HEADINGS,
        STATUS_WIDTHS,
        (
            [
                recipient.organisation.name,
                recipient.registration_number,
                recipient.get_status_display(),
                recipient.deadline,
                delivered.get(recipient.pk),
                recipient.declined_reason,
            ]
            for recipient in result.recipients
        ),
        wrap={len(STATUS_HEADINGS)},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def compilation_html(result: read_model.Compilation) -> str:
    remiss = result.remiss
    sender = remiss.sender
    return render_to_string(
        "pdf/compilation.html",
        {
            "compilation": result,
            "remiss": remiss,
            "sender_unit": sender.administration or sender.name,
            "meta": {
                "title": f"Sammanställning av remissvar: {remiss.title}",
                "author": sender.administration or sender.name,
                "description": (
                    f"Sammanställning av remissvaren på remissen {remiss.registration_number}"
                ),
                "keywords": [remiss.registration_number],
                "created": result.today.isoformat(),
            },
        },
    )
