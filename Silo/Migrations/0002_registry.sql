-- The registry's own read model and audit log. Grains are the source of truth; these tables are
-- maintained by the grains after each acknowledged write and serve listing, search and audit.

CREATE TABLE registry_namespaces (
    name        text        PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL
);

CREATE TABLE registry_modules (
    namespace       text        NOT NULL,
    name            text        NOT NULL,
    system          text        NOT NULL,
    latest_version  text        NOT NULL,
    versions        text[]      NOT NULL,
    description     text,
    published_at    timestamptz NOT NULL,
    downloads       bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, name, system)
);

CREATE INDEX registry_modules_by_downloads ON registry_modules (downloads DESC, namespace, name, system);

-- Never the secret or its hash: those live only in the key's grain state.
CREATE TABLE registry_api_keys (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    scopes      text[]      NOT NULL,
    namespaces  text[],
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    created_by  text        NOT NULL
);

CREATE TABLE registry_audit (
    id            bigserial   PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_key_id  text        NOT NULL,
    actor_name    text        NOT NULL,
    action        text        NOT NULL,
    target        text        NOT NULL,
    details       jsonb
);

CREATE INDEX registry_audit_by_time ON registry_audit (at DESC);
CREATE INDEX registry_audit_by_target ON registry_audit (target, at DESC);
