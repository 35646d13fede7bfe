-- Read model of Terraform providers for the listing API (GET /v1/providers?namespace=...), which is how another
-- registry mirroring "namespace/*" from this one enumerates a namespace. hostname is '' for uploaded providers and
-- the mirrored hostname (e.g. registry.terraform.io) for copies a mirror made.
CREATE TABLE registry_providers (
    hostname        text        NOT NULL,
    namespace       text        NOT NULL,
    type            text        NOT NULL,
    latest_version  text        NOT NULL,
    versions        text[]      NOT NULL,
    published_at    timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hostname, namespace, type)
);

CREATE INDEX registry_providers_by_namespace ON registry_providers (namespace, type);
