import GRDB
import Storage

extension Row {
    /// The value of `column` as one of `T`'s cases; a value no case has is a `CorruptRecord`.
    func decoded<T: RawRepresentable>(_ type: T.Type, _ column: String, table: String) throws -> T
    where T.RawValue == String {
        let raw: String = self[column]
        guard let value = T(rawValue: raw) else {
            throw CorruptRecord(table: table, column: column, value: raw)
        }
        return value
    }
}

extension Row {
    /// The integer in `column` as one of `T`'s cases; out of range or unknown is a `CorruptRecord`.
    func decoded<T: RawRepresentable>(_ type: T.Type, _ column: String, table: String) throws -> T
    where T.RawValue: FixedWidthInteger {
        let stored: Int64 = self[column]
        guard let raw = T.RawValue(exactly: stored), let value = T(rawValue: raw) else {
            throw CorruptRecord(table: table, column: column, value: String(stored))
        }
        return value
    }
}
