"""The search's documents kept by PostgreSQL: a remiss' words (title and diarienummer A, description
B), a statement's (title A, summary B, the other sections C) and each view per focus area's, as
generated tsvector columns with GIN indexes.

The search built them from the text of every statement the person may see on every search: 7 s
for kommunstyrelsen in a city of 2,000 remisses. The models do not know the columns
(remiss.search reads them); SQLite, the quick start's database, searches without them."""

from django.db import migrations

ADD = """
ALTER TABLE remiss_statement ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('swedish'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('swedish'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('swedish'::regconfig,
        coalesce(background, '') || ' ' || coalesce(preparation, '') || ' '
        || coalesce(matter, '') || ' ' || coalesce(views, '')), 'C')
) STORED;
CREATE INDEX statement_search_document ON remiss_statement USING gin (search_document);
ALTER TABLE remiss_focusareaview ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('swedish'::regconfig, coalesce(text, '')), 'C')
) STORED;
CREATE INDEX focusareaview_search_document ON remiss_focusareaview USING gin (search_document);
ALTER TABLE remiss_remiss ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('swedish'::regconfig,
        coalesce(title, '') || ' ' || coalesce(registration_number, '')), 'A')
    || setweight(to_tsvector('swedish'::regconfig, coalesce(description, '')), 'B')
) STORED;
CREATE INDEX remiss_search_document ON remiss_remiss USING gin (search_document);
"""

DROP = """
DROP INDEX IF EXISTS remiss_search_document;
ALTER TABLE remiss_remiss DROP COLUMN IF EXISTS search_document;
DROP INDEX IF EXISTS focusareaview_search_document;
ALTER TABLE remiss_focusareaview DROP COLUMN IF EXISTS search_document;
DROP INDEX IF EXISTS statement_search_document;
ALTER TABLE remiss_statement DROP COLUMN IF EXISTS search_document;
"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("remiss", "0028_recipient_organisation_status")]

    operations = [migrations.RunPython(add, drop)]
