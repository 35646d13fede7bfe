-- Read model of Composer packages for packages.json (available-packages), list.json and search.json.
CREATE TABLE registry_composer_packages (
    name         text        PRIMARY KEY,
    vendor       text        NOT NULL,
    description  text,
    abandoned    text,        -- NULL = maintained; '' = abandoned; else the replacement package
    installs     bigint      NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX registry_composer_packages_by_vendor ON registry_composer_packages (vendor, name);
