/// Reads TOML 1.0 (https://toml.io/en/v1.0.0): tables, arrays of tables, dotted keys, inline
/// tables, every string, number, boolean and date form, with the rules on redefinition.
///
/// Pure Swift over the UTF-8 bytes, with limits: `bytesMax` per document, `depthMax` nested arrays
/// and inline tables, `keyPartsMax` parts in a dotted key. Errors give line, column and reason.
public enum TOML {
    public static let bytesMax = 4 * 1024 * 1024
    public static let depthMax = 64
    public static let keyPartsMax = 64

    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        guard parser.bytes.count <= bytesMax else { throw parser.fail("a document is at most \(bytesMax) bytes") }
        return try parser.document()
    }
}

/// A table while the document is read: where it came from decides what may still be added.
final class TableBuilder {
    enum Origin {
        /// Made by a `[header]`.
        case header
        /// Made on the way to a deeper `[a.b.c]` header; a later `[a.b]` may still define it.
        case implicit
        /// Made by a dotted key (`a.b = 1`); only more dotted keys may add to it.
        case dotted
    }

    enum Item {
        case value(TOMLValue)
        case table(TableBuilder)
        case tables([TableBuilder])
    }

    var origin: Origin
    private(set) var order: [String] = []
    private(set) var items: [String: Item] = [:]

    init(_ origin: Origin) {
        self.origin = origin
    }

    subscript(key: String) -> Item? {
        get { items[key] }
        set {
            if items[key] == nil { order.append(key) }
            items[key] = newValue
        }
    }

    /// The finished, immutable table.
    func freeze() -> TOMLTable {
        var table = TOMLTable()
        for key in order {
            switch items[key]! {
            case .value(let v): table.insert(key, v)
            case .table(let t): table.insert(key, .table(t.freeze()))
            case .tables(let ts): table.insert(key, .array(ts.map { .table($0.freeze()) }))
            }
        }
        return table
    }
}

extension TOMLParser {
    /// The whole document.
    mutating func document() throws(TOMLError) -> TOMLTable {
        let root = TableBuilder(.header)
        var current = root
        while true {
            try skipBlank()
            guard let c = peek() else { break }
            if c == UInt8(ascii: "[") {
                current = try header(root: root)
            } else {
                try keyValue(into: current, depth: 0)
            }
            try endOfLine()
        }
        return root.freeze()
    }

    /// `[a.b]` or `[[a.b]]`: the table that the following key/value pairs go into.
    mutating func header(root: TableBuilder) throws(TOMLError) -> TableBuilder {
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipSpace()
        let keys = try dottedKey()
        skipSpace()
        guard take("]") && (!isArray || take("]")) else {
            throw fail(isArray ? "an array-of-tables header ends with ]]" : "a table header ends with ]")
        }
        var table = root
        for key in keys.dropLast() {
            switch table[key] {
            case nil:
                let made = TableBuilder(.implicit)
                table[key] = .table(made)
                table = made
            case .table(let t): table = t
            case .tables(let ts): table = ts[ts.count - 1]
            case .value: throw fail("'\(key)' is already a value, not a table")
            }
        }
        let last = keys[keys.count - 1]
        let made = TableBuilder(.header)
        switch (table[last], isArray) {
        case (nil, false): table[last] = .table(made)
        case (nil, true): table[last] = .tables([made])
        case (.tables(let ts), true): table[last] = .tables(ts + [made])
        case (.table(let t), false) where t.origin == .implicit:
            t.origin = .header
            return t
        case (.table(let t), _):
            throw fail(
                t.origin == .dotted ? "table '\(last)' was defined by dotted keys" : "table '\(last)' is defined twice")
        case (.tables, false): throw fail("'\(last)' is an array of tables; use [[\(last)]]")
        case (.value, _): throw fail("'\(last)' is already a value")
        }
        return made
    }

    /// `a.b.c = value` into `table`.
    mutating func keyValue(into table: TableBuilder, depth: Int) throws(TOMLError) {
        let keys = try dottedKey()
        skipSpace()
        guard take("=") else { throw fail("expected '=' after the key") }
        skipSpace()
        let value = try self.value(depth: depth)
        var target = table
        for key in keys.dropLast() {
            switch target[key] {
            case nil:
                let made = TableBuilder(.dotted)
                target[key] = .table(made)
                target = made
            case .table(let t) where t.origin == .dotted: target = t
            default: throw fail("'\(key)' is already defined; dotted keys cannot add to it")
            }
        }
        let last = keys[keys.count - 1]
        guard target[last] == nil else { throw fail("key '\(last)' is defined twice") }
        target[last] = .value(value)
    }

    /// `a."b c".'d'`: one or more key parts.
    mutating func dottedKey() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            guard parts.count < TOML.keyPartsMax else { throw fail("a key has at most \(TOML.keyPartsMax) parts") }
            parts.append(try simpleKey())
            skipSpace()
            guard take(".") else { return parts }
            skipSpace()
        }
    }

    mutating func simpleKey() throws(TOMLError) -> String {
        switch peek() {
        case UInt8(ascii: "\""): return try basicString(multiline: false)
        case UInt8(ascii: "'"): return try literalString(multiline: false)
        default:
            let start = index
            while let c = peek(), Self.isBareKey(c) { index += 1 }
            guard index > start else { throw fail("expected a key") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    static func isBareKey(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    /// `{ a = 1, b.c = 2 }`: on one line, no trailing comma, closed to later additions.
    mutating func inlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
        index += 1
        let table = TableBuilder(.dotted)
        skipSpace()
        if take("}") { return .table(table.freeze()) }
        while true {
            skipSpace()
            try keyValue(into: table, depth: depth)
            skipSpace()
            if take("}") { break }
            guard take(",") else { throw fail("expected ',' or '}' in an inline table") }
        }
        return .table(table.freeze())
    }

    /// `[1, 2, "three"]`: may span lines, with comments and a trailing comma.
    mutating func array(depth: Int) throws(TOMLError) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if take("]") { break }
            items.append(try value(depth: depth))
            try skipBlank()
            if take("]") { break }
            guard take(",") else { throw fail("expected ',' or ']' in an array") }
        }
        return .array(items)
    }

    /// A value: what the first byte says it is.
    mutating func value(depth: Int) throws(TOMLError) -> TOMLValue {
        guard depth < TOML.depthMax else { throw fail("arrays and inline tables nest at most \(TOML.depthMax) deep") }
        switch peek() {
        case UInt8(ascii: "\""):
            return .string(try basicString(multiline: lookingAt("\"\"\"")))
        case UInt8(ascii: "'"):
            return .string(try literalString(multiline: lookingAt("'''")))
        case UInt8(ascii: "["):
            return try array(depth: depth + 1)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth + 1)
        case nil:
            throw fail("expected a value")
        default:
            return try scalar()
        }
    }

    /// After a key/value pair or header: spaces, an optional comment, then a newline or the end.
    mutating func endOfLine() throws(TOMLError) {
        skipSpace()
        try skipComment()
        guard peek() == nil || takeNewline() else { throw fail("expected the end of the line") }
    }
}
