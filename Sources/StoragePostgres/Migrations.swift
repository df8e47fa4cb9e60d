import Logging
import PostgresNIO

/// The schema, as numbered migrations applied in order and recorded in `schema_migration`.
///
/// All missing migrations run in one transaction under an advisory lock, so nodes starting at once
/// apply them once (the others wait, then find them applied), and a failure leaves nothing half
/// made. A database migrated by a newer Bitgoeul is refused rather than used with the wrong schema.
enum Migrations {
    /// Advisory-lock keys (one bigint space per database), spelled from "bitgoeul".
    static let migrationLockKey: Int64 = 0x6269_7467_6575_6C01
    static let accessLogLockKey: Int64 = 0x6269_7467_6575_6C02

    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    static func apply(on connection: PostgresConnection, schema: String?, logger: Logger) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
            if let schema {
                // The name was checked to be [a-z][a-z0-9_]*, so it needs no quoting.
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)", logger: logger)
            }
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migration (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            let applied = Set(
                try await connection.query("SELECT version FROM schema_migration", logger: logger).all {
                    try $0.decode(Int.self)
                })
            let known = Set(all.map(\.version))
            if let newer = applied.subtracting(known).max() {
                throw PostgresStoreError(
                    "the database has schema version \(newer), newer than this Bitgoeul knows (\(known.max() ?? 0))")
            }
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.info(
                    "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    static let all: [Migration] = [accounts, safety, exhibitions, privacy, cluster, missions, planning]

    static let missions = Migration(
        version: 6, name: "missions",
        statements: [
            """
            CREATE TABLE mission (
                id text PRIMARY KEY,
                body text NOT NULL,
                updated_at double precision NOT NULL
            )
            """,
            // A stamp row is all that playing leaves: no position, no time of day, the day only on request.
            """
            CREATE TABLE stamp (
                persona_id bigint NOT NULL REFERENCES persona(id) ON DELETE CASCADE,
                mission text NOT NULL,
                checkpoint text NOT NULL,
                day text,
                PRIMARY KEY (persona_id, mission, checkpoint)
            )
            """,
        ])

    static let planning = Migration(
        version: 7, name: "planning",
        statements: [
            """
            CREATE TABLE proposal (
                id text NOT NULL,
                version integer NOT NULL,
                space text NOT NULL,
                body text NOT NULL,
                saved_at double precision NOT NULL,
                PRIMARY KEY (id, version)
            )
            """,
            // The ballot has no account or persona column: a voter is an HMAC under the proposal's key,
            // and the key is set to NULL when the period closes (docs/planning.md).
            """
            CREATE TABLE ballot_key (
                proposal text PRIMARY KEY,
                key bytea,
                destroyed boolean NOT NULL DEFAULT false
            )
            """,
            """
            CREATE TABLE ballot (
                proposal text NOT NULL,
                version integer NOT NULL,
                voter bytea NOT NULL,
                stance text NOT NULL CHECK (stance IN ('support', 'oppose')),
                PRIMARY KEY (proposal, version, voter)
            )
            """,
            """
            CREATE TABLE proposal_comment (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                proposal text NOT NULL,
                version integer NOT NULL,
                parent bigint REFERENCES proposal_comment(id) ON DELETE CASCADE,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                persona_id bigint NOT NULL REFERENCES persona(id) ON DELETE CASCADE,
                author text NOT NULL,
                planner boolean NOT NULL,
                text text NOT NULL,
                created_at double precision NOT NULL,
                edited_at double precision
            )
            """,
            "CREATE INDEX proposal_comment_by_proposal ON proposal_comment (proposal, id)",
            """
            CREATE TABLE proposal_report (
                proposal text PRIMARY KEY,
                body text NOT NULL
            )
            """,
        ])

    static let accounts = Migration(
        version: 1, name: "accounts-sessions-personas",
        statements: [
            // Case-insensitive for ASCII only, exactly as SQLite's NOCASE, so both backends agree.
            """
            CREATE FUNCTION ascii_lower(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            RETURN translate(t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
            """,
            """
            CREATE TABLE account (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                username text NOT NULL,
                password_hash text NOT NULL,
                created_at double precision NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX account_username ON account (ascii_lower(username))",
            """
            CREATE TABLE session (
                token_hash bytea PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                expires_at double precision NOT NULL
            )
            """,
            "CREATE INDEX session_expiry ON session (expires_at)",
            "CREATE INDEX session_account ON session (account_id)",
            """
            CREATE TABLE persona (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                name text NOT NULL,
                body_shape bigint NOT NULL,
                skin_color bigint NOT NULL,
                primary_color bigint NOT NULL,
                secondary_color bigint NOT NULL,
                accessory bigint NOT NULL,
                created_at double precision NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX persona_name ON persona (ascii_lower(name))",
            "CREATE INDEX persona_account ON persona (account_id)",
            // Every name an account's personas have had, so erasure finds former names in others' records;
            // kept by a trigger so no write path can forget it, deleted with the account.
            """
            CREATE TABLE persona_name_history (
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                name text NOT NULL,
                PRIMARY KEY (account_id, name)
            )
            """,
            """
            CREATE FUNCTION persona_name_remember() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO persona_name_history VALUES (NEW.account_id, NEW.name) ON CONFLICT DO NOTHING;
                RETURN NEW;
            END $$
            """,
            """
            CREATE TRIGGER persona_name_remember AFTER INSERT OR UPDATE OF name ON persona
            FOR EACH ROW EXECUTE FUNCTION persona_name_remember()
            """,
        ])

    static let safety = Migration(
        version: 2, name: "safety",
        statements: [
            """
            CREATE TABLE relation (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                kind text NOT NULL,
                owner_account bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                target_account bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                target_name text NOT NULL,
                created_at double precision NOT NULL,
                UNIQUE (kind, owner_account, target_account)
            )
            """,
            "CREATE INDEX relation_target ON relation (target_account)",
            """
            CREATE TABLE friendship (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                from_account bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                to_account bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                from_name text NOT NULL,
                to_name text NOT NULL,
                accepted boolean NOT NULL DEFAULT false,
                created_at double precision NOT NULL,
                UNIQUE (from_account, to_account)
            )
            """,
            "CREATE INDEX friendship_to ON friendship (to_account)",
            """
            CREATE TABLE report (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                reporter_account bigint REFERENCES account(id) ON DELETE SET NULL,
                reported_account bigint REFERENCES account(id) ON DELETE SET NULL,
                reported_name text NOT NULL,
                space text NOT NULL,
                category text NOT NULL,
                note text NOT NULL,
                created_at double precision NOT NULL,
                status text NOT NULL DEFAULT 'open',
                outcome text,
                resolved_at double precision,
                reporter_erased boolean NOT NULL DEFAULT false
            )
            """,
            "CREATE INDEX report_space_status ON report (space, status)",
            "CREATE INDEX report_reporter ON report (reporter_account, created_at)",
            "CREATE INDEX report_reported ON report (reported_account)",
            """
            CREATE TABLE space_role (
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                space text NOT NULL,
                role text NOT NULL,
                PRIMARY KEY (account_id, space)
            )
            """,
            // A moderator's erasure keeps their actions (the person concerned still reads them).
            """
            CREATE TABLE moderation_action (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                kind text NOT NULL,
                moderator_account bigint REFERENCES account(id) ON DELETE SET NULL,
                target_account bigint REFERENCES account(id) ON DELETE CASCADE,
                target_name text NOT NULL,
                space text NOT NULL,
                report_id bigint REFERENCES report(id) ON DELETE SET NULL,
                reason text NOT NULL,
                created_at double precision NOT NULL,
                until double precision
            )
            """,
            "CREATE INDEX moderation_target ON moderation_action (target_account, created_at)",
            "CREATE INDEX moderation_moderator ON moderation_action (moderator_account, created_at)",
            """
            CREATE TABLE notice (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                text text NOT NULL,
                created_at double precision NOT NULL
            )
            """,
            "CREATE INDEX notice_account ON notice (account_id, created_at)",
        ])

    static let exhibitions = Migration(
        version: 3, name: "exhibitions",
        statements: [
            """
            CREATE TABLE exhibition (
                id text PRIMARY KEY,
                space text NOT NULL,
                body text NOT NULL,
                updated_at double precision NOT NULL
            )
            """,
            """
            CREATE TABLE narration (
                artwork_id text PRIMARY KEY,
                ko text,
                en text,
                updated_at double precision NOT NULL
            )
            """,
        ])

    static let privacy = Migration(
        version: 4, name: "privacy",
        statements: [
            """
            CREATE TABLE account_secret (
                account_id bigint PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                secret bytea NOT NULL
            )
            """,
            """
            CREATE TABLE vault (
                account_id bigint PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                revision bigint NOT NULL,
                blob text NOT NULL,
                updated_at double precision NOT NULL
            )
            """,
            """
            CREATE TABLE access_log (
                idx bigint PRIMARY KEY,
                subject text NOT NULL,
                entry text NOT NULL,
                leaf_hash bytea NOT NULL
            )
            """,
            "CREATE INDEX access_subject ON access_log (subject, idx)",
            """
            CREATE TABLE tree_head (
                size bigint PRIMARY KEY,
                timestamp bigint NOT NULL,
                root_hash text NOT NULL,
                signature text NOT NULL
            )
            """,
            // Entries and signed heads can be added, never changed, deleted or truncated, whoever asks.
            """
            CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the % is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
            END $$
            """,
            """
            CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
            FOR EACH ROW EXECUTE FUNCTION refuse_change()
            """,
            """
            CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()
            """,
            """
            CREATE TRIGGER tree_head_append_only BEFORE UPDATE OR DELETE ON tree_head
            FOR EACH ROW EXECUTE FUNCTION refuse_change()
            """,
            """
            CREATE TRIGGER tree_head_no_truncate BEFORE TRUNCATE ON tree_head
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()
            """,
            """
            CREATE TABLE stats_release (
                space text NOT NULL,
                hour_start bigint NOT NULL,
                release text NOT NULL,
                PRIMARY KEY (space, hour_start)
            )
            """,
            """
            CREATE TABLE privacy_budget (
                space text NOT NULL,
                day text NOT NULL,
                hour_start bigint NOT NULL,
                epsilon double precision NOT NULL,
                PRIMARY KEY (space, hour_start)
            )
            """,
            "CREATE INDEX privacy_budget_day ON privacy_budget (space, day)",
        ])

    static let cluster = Migration(
        version: 5, name: "cluster",
        statements: [
            // Nodes heartbeat here; a restart of the same id is a new incarnation.
            """
            CREATE TABLE cluster_node (
                id text PRIMARY KEY,
                url text NOT NULL,
                capacity integer NOT NULL,
                ticket_key bytea NOT NULL,
                incarnation text NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                draining boolean NOT NULL DEFAULT false
            )
            """,
            // One lease per space. No foreign key to the node: a lease outlives a crashed node's
            // registration until it expires, and only then may another node take it.
            """
            CREATE TABLE space_lease (
                space text PRIMARY KEY,
                node text,
                epoch bigint NOT NULL DEFAULT 0,
                expires_at timestamptz NOT NULL DEFAULT to_timestamp(0),
                occupancy integer NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX space_lease_node ON space_lease (node)",
            // Handoff tickets already used, kept until they expire (single use across the cluster).
            """
            CREATE TABLE used_ticket (
                id text PRIMARY KEY,
                expires_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX used_ticket_expiry ON used_ticket (expires_at)",
        ])
}
