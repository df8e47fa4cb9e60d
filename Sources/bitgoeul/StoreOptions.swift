import ArgumentParser
import Foundation
import Logging
import Storage
import StoragePostgres
import StorageSQLite

/// Where a command finds the durable state: the embedded SQLite file in `--data`, or the
/// PostgreSQL database of `--database` that several nodes share. `--data` also holds the keys.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data directory: the server's keys, and the SQLite database when --database is absent.")
    var data = "var"
    @Option(
        help: """
            PostgreSQL database shared by the nodes of a cluster: postgres://USER@HOST:PORT/DB (the password \
            from $PGPASSWORD; ?sslmode=require for TLS). Without it, the embedded SQLite in --data.
            """)
    var database: String?

    var dataDirectory: URL { URL(fileURLWithPath: data) }

    /// Opens the store; with `mustExist`, a missing SQLite file is an error (commands that only read
    /// or administer a server's data should not create an empty one).
    func open(mustExist: Bool, logger: Logger = Logger(label: "bitgoeul.storage")) async throws -> any Store {
        if let database {
            let location: PostgresLocation
            do {
                location = try PostgresLocation(url: database)
            } catch let error as PostgresStoreError {
                throw ValidationError(error.message)
            }
            return try await PostgresStore.open(location, logger: logger)
        }
        let path = dataDirectory.appendingPathComponent("bitgoeul.sqlite").path
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no database at \(path): start the server once with --data \(data)")
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        return try SQLiteStore(path: path)
    }

    /// Lets a PostgreSQL pool finish (SQLite needs nothing).
    static func close(_ store: any Store) async {
        await (store as? PostgresStore)?.close()
    }
}
