-- Filters of GET /api/v1/audit: by actor (a key id, exact) and by action (exact, or a prefix such as 'apikey.%').
-- Both are read newest first, so each index ends in id: an actor's or an action's page is a short index scan.
-- text_pattern_ops lets LIKE 'prefix%' use the action index whatever the database's collation.
-- Deletion by age (retention) uses registry_audit_by_time.
CREATE INDEX registry_audit_by_actor ON registry_audit (actor_key_id, id DESC);
CREATE INDEX registry_audit_by_action ON registry_audit (action text_pattern_ops, id DESC);
