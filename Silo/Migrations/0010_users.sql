-- People signed in through OIDC, as their user grains write them (the grains are the source of truth).
CREATE TABLE registry_users (
    id              text        PRIMARY KEY,
    issuer          text        NOT NULL,
    subject         text        NOT NULL,
    email           text,
    name            text,
    created_at      timestamptz NOT NULL,
    last_sign_in_at timestamptz
);

CREATE INDEX registry_users_by_email ON registry_users (lower(email));
