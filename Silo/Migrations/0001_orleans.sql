-- Orleans 10.4 ADO.NET contract on PostgreSQL: clustering, grain persistence and reminders.
--
-- Orleans reads the rows of orleans_query once at silo/client start and runs them with fixed parameter
-- names (@DeploymentId, @GrainIdHash, ...) and reads results by fixed column names (Version,
-- PayloadBinary, NewGrainStateVersion, ...). Everything else here (function names, indexes, column
-- widths) is ours. Written for the parameter set of Microsoft.Orleans.*.AdoNet 10.4.x.
--
-- Applied by `Silo migrate` inside one transaction together with its migrations row.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

------------------------------------------------------------------------------------------------------
-- Clustering: one version row per deployment (optimistic concurrency for the whole table) and one
-- row per silo incarnation (address, port, generation).
------------------------------------------------------------------------------------------------------

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL PRIMARY KEY,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Creates the version row of a deployment; 1 when created, 0 when it already existed.
CREATE FUNCTION orleans_membership_version_create(p_deployment varchar)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    created integer;
BEGIN
    INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (p_deployment)
    ON CONFLICT (DeploymentId) DO NOTHING;
    GET DIAGNOSTICS created = ROW_COUNT;
    RETURN created;
END
$$;

-- Bumps the table version only when the caller saw the current one; true when it did.
CREATE FUNCTION orleans_membership_version_bump(p_deployment varchar, p_seen integer)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    bumped integer;
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1, Timestamp = now()
     WHERE DeploymentId = p_deployment AND Version = p_seen;
    GET DIAGNOSTICS bumped = ROW_COUNT;
    RETURN bumped > 0;
END
$$;

-- Adds a silo row and bumps the version atomically: 1 on success, 0 on a version or key conflict
-- (the provider then re-reads and retries). Conflicts roll back through the sub-transaction.
CREATE FUNCTION orleans_membership_insert(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
    p_silo_name varchar, p_host_name varchar, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_alive_time timestamptz, p_version integer)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_alive_time);
        IF NOT orleans_membership_version_bump(p_deployment, p_version) THEN
            RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = 'membership version changed';
        END IF;
        RETURN 1;
    EXCEPTION
        WHEN unique_violation OR serialization_failure THEN
            RETURN 0;
    END;
END
$$;

-- Updates a silo row (status, suspicions, liveness) and bumps the version atomically: 1 or 0 as above.
CREATE FUNCTION orleans_membership_update(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
    p_status integer, p_suspect_times varchar, p_alive_time timestamptz, p_version integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
BEGIN
    BEGIN
        IF NOT orleans_membership_version_bump(p_deployment, p_version) THEN
            RETURN 0;
        END IF;
        UPDATE OrleansMembershipTable
           SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_alive_time
         WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port AND Generation = p_generation;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'no such silo row';
        END IF;
        RETURN 1;
    EXCEPTION
        WHEN no_data_found THEN
            RETURN 0;
    END;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey',
 'SELECT orleans_membership_version_create(@DeploymentId)'),

('InsertMembershipKey',
 'SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
                                   @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)'),

('UpdateMembershipKey',
 'SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status,
                                   @SuspectTimes, @IAmAliveTime, @Version)'),

-- Liveness heartbeats do not take part in the table version.
('UpdateIAmAlivetimeKey',
 'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
   WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation'),

-- Both reads return the version row even when no silo row matches (LEFT JOIN).
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
      ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
   WHERE v.DeploymentId = @DeploymentId'),

('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
   WHERE v.DeploymentId = @DeploymentId'),

('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId'),

-- Gateways for clients: silos with the requested status (Active) that expose a gateway port.
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0'),

-- Removes rows of silos that stopped heart-beating before the cut-off and are not Active (3).
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3');

------------------------------------------------------------------------------------------------------
-- Grain persistence: one row per (service, grain type, grain id); Version is the ETag. A write that
-- returns the version it was given (or NULL) is a conflict: Orleans raises InconsistentStateException.
------------------------------------------------------------------------------------------------------

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer       NOT NULL,
    GrainIdN0              bigint        NOT NULL,
    GrainIdN1              bigint        NOT NULL,
    GrainTypeHash          integer       NOT NULL,
    GrainTypeString        varchar(512)  NOT NULL,
    GrainIdExtensionString varchar(512)  NULL,
    ServiceId              varchar(150)  NOT NULL,
    PayloadBinary          bytea         NULL,
    PayloadXml             xml           NULL,
    PayloadJson            text          NULL,
    ModifiedOn             timestamptz   NOT NULL,
    Version                integer       NULL
);

-- Look-ups always start from the two hashes.
CREATE INDEX orleans_storage_by_hashes ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Writes the state of one grain. With a known version: update only if the row still has it.
-- Without (first write): insert only if no row exists. Returns the new version, or the old one on conflict.
CREATE FUNCTION orleans_storage_write(
    p_id_hash integer, p_n0 bigint, p_n1 bigint, p_type_hash integer, p_type varchar,
    p_extension varchar, p_service varchar, p_version integer, p_payload bytea)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage
           SET PayloadBinary = p_payload, ModifiedOn = now(), Version = Version + 1
         WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash
           AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1 AND GrainTypeString = p_type
           AND GrainIdExtensionString IS NOT DISTINCT FROM p_extension
           AND ServiceId = p_service AND Version = p_version;
        GET DIAGNOSTICS written = ROW_COUNT;
        RETURN CASE WHEN written > 0 THEN p_version + 1 ELSE p_version END;
    END IF;

    -- Serialize racing first writes of the same grain (possible only during a split brain).
    PERFORM pg_advisory_xact_lock(p_id_hash, p_type_hash);
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
         ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_extension, p_service, p_payload, now(), 1
     WHERE NOT EXISTS (
        SELECT 1 FROM OrleansStorage
         WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash
           AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1 AND GrainTypeString = p_type
           AND GrainIdExtensionString IS NOT DISTINCT FROM p_extension
           AND ServiceId = p_service);
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN CASE WHEN written > 0 THEN 1 ELSE NULL END;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey',
 'SELECT orleans_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                               @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary)
         AS NewGrainStateVersion'),

('ReadFromStorageKey',
 'SELECT PayloadBinary, PayloadXml, PayloadJson, now() AS ReadOn, Version
    FROM OrleansStorage
   WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
     AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
     AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
     AND ServiceId = @ServiceId'),

-- Clearing keeps the row (and bumps the version) so a stale writer still conflicts afterwards.
('ClearStorageKey',
 'UPDATE OrleansStorage
     SET PayloadBinary = NULL, PayloadXml = NULL, PayloadJson = NULL, ModifiedOn = now(), Version = Version + 1
   WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
     AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
     AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
     AND ServiceId = @ServiceId AND Version = @GrainStateVersion
  RETURNING Version AS NewGrainStateVersion'),

-- With DeleteStateOnClear the row goes entirely (still only if the caller saw its version).
('DeleteStorageKey',
 'DELETE FROM OrleansStorage
   WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
     AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
     AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
     AND ServiceId = @ServiceId AND Version = @GrainStateVersion
  RETURNING Version + 1 AS NewGrainStateVersion');

------------------------------------------------------------------------------------------------------
-- Reminders: one row per (service, grain, reminder name); Version is the ETag. GrainHash places the
-- row on the silo ring, and silos read the hash ranges they own.
------------------------------------------------------------------------------------------------------

CREATE TABLE OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    -- "<grain type>/<key>": wider than upstream's 150 so package-named grain keys fit.
    GrainId      varchar(512)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX orleans_reminders_by_hash ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey',
 'INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
  VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
  ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
     SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash,
         Version = OrleansRemindersTable.Version + 1
  RETURNING Version'),

('ReadReminderRowsKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId'),

('ReadReminderRowKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName'),

-- A range that does not wrap around the ring: (begin, end].
('ReadRangeRows1Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash'),

-- A range that wraps around: (begin, max] plus [min, end].
('ReadRangeRows2Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)'),

-- Deletes only the version the caller saw; the row count tells the provider whether it did.
('DeleteReminderRowKey',
 'WITH gone AS (
      DELETE FROM OrleansRemindersTable
       WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
      RETURNING 1)
  SELECT count(*)::integer FROM gone'),

('DeleteReminderRowsKey',
 'DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId');
