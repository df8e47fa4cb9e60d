import Foundation

/// Where a PostgreSQL database is, from a `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=S&sslmode=M]` URL.
///
/// The password may also come from `PGPASSWORD`, as libpq reads it, so it need not appear in a
/// process list. `schema` puts every table in that schema (tests give each run its own);
/// `sslmode` is `disable`, `prefer` (the default, as libpq's) or `require`.
public struct PostgresLocation: Hashable, Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String?
    public var tls: TLSMode

    /// Longest URL accepted (a typo pasting a file is not a URL).
    public static let urlBytesMax = 2048
    /// Schema names Bitgoeul makes: lowercase letters, digits and `_`, starting with a letter.
    public static let schemaBytesMax = 63

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        schema: String? = nil, tls: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
    }

    /// Parses the URL; throws a `PostgresStoreError` naming what is wrong.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func bad(_ reason: String) -> PostgresStoreError {
            PostgresStoreError("the database URL \(Self.redacted(text)) \(reason)")
        }
        guard text.utf8.count <= Self.urlBytesMax else { throw bad("is longer than \(Self.urlBytesMax) bytes") }
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw bad("is not a postgres://USER@HOST:PORT/DB URL") }
        guard let host = url.host, !host.isEmpty else { throw bad("names no host") }
        guard let user = url.user, !user.isEmpty else { throw bad("names no user (postgres://USER@HOST/DB)") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw bad("names no database (…/DB)") }
        let port = url.port ?? 5432
        guard (1...65_535).contains(port) else { throw bad("has port \(port), outside 1–65535") }
        var schema: String?
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let value = item.value, Self.isSchemaName(value) else {
                    throw bad("has a schema that is not a lowercase name of at most \(Self.schemaBytesMax) bytes")
                }
                schema = value
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw bad("has sslmode '\(item.value ?? "")'; use disable, prefer or require")
                }
                tls = mode
            default:
                throw bad("has the unknown parameter '\(item.name)' (schema and sslmode are known)")
            }
        }
        self.init(
            host: host, port: port, user: user, password: url.password ?? environment["PGPASSWORD"],
            database: database, schema: schema, tls: tls)
    }

    static func isSchemaName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first), s.utf8.count <= schemaBytesMax
        else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        var s = "postgres://\(user)@\(host):\(port)/\(database)"
        if let schema { s += "?schema=\(schema)" }
        return s
    }

    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text) else { return "(unreadable)" }
        if url.password != nil { url.password = "***" }
        return url.string ?? "(unreadable)"
    }
}

/// Why the PostgreSQL store could not start or answer.
public struct PostgresStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
