-- A key's own hourly request limit (NULL = the registry default, 0 = unlimited), shown in key listings.
ALTER TABLE registry_api_keys ADD COLUMN rate_limit_per_hour integer;
