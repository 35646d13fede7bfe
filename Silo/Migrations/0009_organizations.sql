-- Organizations, their members and the owners of API keys, as the organization and key grains write them (the
-- grains are the source of truth; these rows serve listings).
CREATE TABLE registry_organizations (
    name          text        PRIMARY KEY,
    display_name  text        NOT NULL,
    namespaces    text[]      NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    text        NOT NULL,
    member_count  integer     NOT NULL
);

CREATE TABLE registry_organization_members (
    organization  text        NOT NULL,
    kind          text        NOT NULL,
    member_id     text        NOT NULL,
    role          text        NOT NULL,
    added_at      timestamptz NOT NULL,
    key_count     integer     NOT NULL,
    PRIMARY KEY (organization, kind, member_id)
);

CREATE INDEX registry_organization_members_by_member ON registry_organization_members (kind, member_id);

ALTER TABLE registry_api_keys ADD COLUMN owner_organization text, ADD COLUMN owner_kind text, ADD COLUMN owner_id text;
CREATE INDEX registry_api_keys_by_owner ON registry_api_keys (owner_organization, owner_kind, owner_id);
