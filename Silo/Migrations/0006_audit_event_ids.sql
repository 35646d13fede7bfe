-- Audit entries are written by grains after the change they record is acknowledged, and retried until they are
-- stored. Each carries the id its grain gave it, so a retry of an entry that did reach the table adds nothing.
ALTER TABLE registry_audit ADD COLUMN event_id uuid;
CREATE UNIQUE INDEX registry_audit_by_event ON registry_audit (event_id);
