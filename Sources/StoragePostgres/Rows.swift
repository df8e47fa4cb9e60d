import Logging
import NIOCore
import PostgresNIO
import Storage

extension PostgresRowSequence {
    /// Every row, each read by `read`.
    func all<T>(_ read: (PostgresRow) throws -> T) async throws -> [T] {
        try await collect().map(read)
    }

    /// The first row read by `read`, or nil when there is none.
    func first<T>(_ read: (PostgresRow) throws -> T) async throws -> T? {
        try await collect().first.map(read)
    }

    /// The one row a statement such as `INSERT … RETURNING` or `SELECT COUNT(*)` gives.
    func single() async throws -> PostgresRow {
        guard let row = try await collect().first else {
            throw PostgresStoreError("the database returned no row where one was expected")
        }
        return row
    }
}

extension PostgresConnection {
    /// Runs a statement and returns how many rows it inserted, changed or deleted.
    @discardableResult
    func changing(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return try await result.get().metadata.rows ?? 0
    }
}

/// The stored value as one of `T`'s cases; a value no case has is a `CorruptRecord`.
func decodedCase<T: RawRepresentable>(_ type: T.Type, _ stored: String, table: String, column: String) throws -> T
where T.RawValue == String {
    guard let value = T(rawValue: stored) else { throw CorruptRecord(table: table, column: column, value: stored) }
    return value
}

/// The stored integer as one of `T`'s cases; out of range or unknown is a `CorruptRecord`.
func decodedCase<T: RawRepresentable>(_ type: T.Type, _ stored: Int64, table: String, column: String) throws -> T
where T.RawValue: FixedWidthInteger {
    guard let raw = T.RawValue(exactly: stored), let value = T(rawValue: raw) else {
        throw CorruptRecord(table: table, column: column, value: String(stored))
    }
    return value
}
