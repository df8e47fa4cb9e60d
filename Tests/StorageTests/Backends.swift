import Foundation
import GRDB
import Logging
import Storage
import StoragePostgres
import StorageSQLite
import Testing

/// The backends every storage test runs against. PostgreSQL joins when `BITGOEUL_TEST_PG` holds a
/// server's URL (`make test` starts a throwaway one: scripts/postgres.sh run).
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    static var postgresURL: String? { ProcessInfo.processInfo.environment["BITGOEUL_TEST_PG"] }

    var testDescription: String { rawValue }

    /// A new, empty database: a file for SQLite, a schema of its own for PostgreSQL.
    func fresh() async throws -> TestDatabase {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "store-\(UUID().uuidString).sqlite")
            return TestDatabase(backend: self, place: path.path)
        case .postgres:
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
            return TestDatabase(backend: self, place: String(schema))
        }
    }
}

/// A database under test: opens stores on it, and reads and writes it behind their back.
struct TestDatabase: Sendable {
    let backend: Backend
    /// The SQLite file's path, or the PostgreSQL schema.
    let place: String

    /// A store on this database (call again for a second node or a reopening).
    func open() async throws -> any Store {
        switch backend {
        case .sqlite: return try SQLiteStore(path: place)
        case .postgres:
            let base = try #require(Backend.postgresURL)
            let separator = base.contains("?") ? "&" : "?"
            var quiet = Logger(label: "bitgoeul.postgres.test")
            quiet.logLevel = .warning
            return try await PostgresStore.open(
                PostgresLocation(url: base + separator + "schema=" + place + "&sslmode=disable"), logger: quiet)
        }
    }

    /// Closes a store this database opened (PostgreSQL's pool; SQLite closes on release).
    func close(_ store: any Store) async {
        await (store as? PostgresStore)?.close()
    }

    /// Runs SQL directly, as an operator with database access (or a damaged file) would.
    func execute(_ sql: String) async throws {
        switch backend {
        case .sqlite:
            let db = try DatabaseQueue(path: place)
            try await db.write { try $0.execute(sql: sql) }
            try db.close()
        case .postgres:
            _ = try Self.run(
                "psql",
                [
                    "-v", "ON_ERROR_STOP=1", "-q", "-X", "-d", try #require(Backend.postgresURL),
                    "-c", "SET search_path = \(place); \(sql)",
                ])
        }
    }

    /// Everything the database holds, as text: every byte of the SQLite file and its WAL, or a
    /// full `pg_dump` of the schema.
    func everything() async throws -> String {
        switch backend {
        case .sqlite:
            var text = ""
            for suffix in ["", "-wal"] {
                if let data = FileManager.default.contents(atPath: place + suffix) {
                    text += String(decoding: data, as: UTF8.self)
                }
            }
            return text
        case .postgres:
            return try Self.run("pg_dump", ["--schema=\(place)", try #require(Backend.postgresURL)])
        }
    }

    /// Runs a PostgreSQL client program; throws with its stderr when it fails.
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ClientFailure(program: program, stderr: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

struct ClientFailure: Error, CustomStringConvertible {
    let program: String
    let stderr: String
    var description: String { "\(program) failed: \(stderr)" }
}
