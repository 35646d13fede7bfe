-- The Composer package patterns a key is limited to (NULL = every package), shown in key listings and used to list
-- to a pattern-limited manager only the keys within its own patterns.
ALTER TABLE registry_api_keys ADD COLUMN package_patterns text[];
