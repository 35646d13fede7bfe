-- The web UI's search matches names and descriptions case-insensitively. ILIKE in a UTF-8 database lower-cases both
-- sides of every row on every search, which made lower() most of a search of 10,000 packages (measured with
-- scripts/bench/ui.sh, see docs/performance.md#web-ui-render-latency). The lower-cased text is kept with the row
-- instead, and the search compares it with LIKE: lower(a) LIKE lower(p) is exactly what ILIKE does here.
ALTER TABLE registry_modules
    ADD COLUMN search_name text GENERATED ALWAYS AS (lower(namespace || '/' || name || '/' || system)) STORED,
    ADD COLUMN search_description text GENERATED ALWAYS AS (lower(coalesce(description, ''))) STORED;
ALTER TABLE registry_providers
    ADD COLUMN search_name text GENERATED ALWAYS AS (lower(namespace || '/' || type)) STORED;
ALTER TABLE registry_composer_packages
    ADD COLUMN search_name text GENERATED ALWAYS AS (lower(name)) STORED,
    ADD COLUMN search_description text GENERATED ALWAYS AS (lower(coalesce(description, ''))) STORED;
