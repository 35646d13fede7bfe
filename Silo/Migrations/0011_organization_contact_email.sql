-- An organization's contact e-mail (where expiry warnings of its service accounts' keys go), shown in listings.
ALTER TABLE registry_organizations ADD COLUMN contact_email text;
