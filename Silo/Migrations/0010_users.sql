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

-- When each key was last used, to the nearest five minutes (the key's grain writes it that often at most).
ALTER TABLE registry_api_keys ADD COLUMN last_used_at timestamptz;
