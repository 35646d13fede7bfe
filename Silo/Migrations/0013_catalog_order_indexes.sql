-- The web UI's catalog pages by keyset: each kind reads its next entries from an index in the catalog's order
-- (namespace, then name, byte-wise) instead of sorting every matching package for each page. A page deep in a
-- 10,000-package catalog sorted all of them on every request (scripts/bench/ui.sh, docs/performance.md#web-ui-render-latency).
-- The expressions are CatalogSearchQuery's own, collation included, or the planner cannot use them.
CREATE INDEX registry_modules_catalog_order
    ON registry_modules ((namespace COLLATE "C"), ((name || '/' || system) COLLATE "C"));
CREATE INDEX registry_providers_catalog_order
    ON registry_providers ((namespace COLLATE "C"), (type COLLATE "C"), hostname);
CREATE INDEX registry_composer_packages_catalog_order
    ON registry_composer_packages ((vendor COLLATE "C"), (substr(name, length(vendor) + 2) COLLATE "C"));
