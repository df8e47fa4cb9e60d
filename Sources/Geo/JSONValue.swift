import Foundation

/// A parsed JSON value. Objects keep their members in order.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var number: Double? { if case .number(let n) = self { n } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }
}

/// A strict JSON parser (RFC 8259) over bytes, several times faster than JSONSerialization for
/// coordinate-heavy GeoJSON. Nesting is limited to `depthMax`.
public struct JSONParser {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "at byte \(offset): \(reason)" }
    }

    public static let depthMax = 64

    public static func parse(_ data: Data) throws(Failure) -> JSONValue {
        var bytes = [UInt8](data)
        bytes.append(0)  // strtod stops at the terminator
        return try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> JSONValue in
            var parser = Cursor(bytes: buffer, end: buffer.count - 1)
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.position == parser.end else {
                throw Failure(offset: parser.position, reason: "text after the value")
            }
            return value
        }
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, end: Int) {
            self.bytes = bytes
            self.end = end
        }

        @inline(__always) mutating func skipSpace() {
            while position < end {
                let c = bytes[position]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 } else { return }
            }
        }

        func fail(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONParser.depthMax else { throw fail("nested deeper than \(JSONParser.depthMax)") }
            guard position < end else { throw fail("unexpected end") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var members: [(String, JSONValue)] = []
                skipSpace()
                if position < end && bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard position < end, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    position += 1
                    skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard position < end else { throw fail("unexpected end in an object") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "}") {
                        position += 1
                        return .object(members)
                    } else {
                        throw fail("expected ',' or '}'")
                    }
                }
            case UInt8(ascii: "["):
                position += 1
                var items: [JSONValue] = []
                skipSpace()
                if position < end && bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard position < end else { throw fail("unexpected end in an array") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "]") {
                        position += 1
                        return .array(items)
                    } else {
                        throw fail("expected ',' or ']'")
                    }
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard position + count <= end else { throw fail("unexpected end") }
            for i in 0..<count where bytes[position + i] != word.utf8Start[i] { throw fail("invalid literal") }
            position += count
        }

        mutating func number() throws(Failure) -> Double {
            let start = position
            // Check the grammar, then let strtod do the conversion.
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let digitsStart = position
            while position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > digitsStart else { throw fail("invalid value") }
            if bytes[digitsStart] == 0x30 && position - digitsStart > 1 { throw fail("leading zero in a number") }
            if position < end, bytes[position] == UInt8(ascii: ".") {
                position += 1
                let fraction = position
                while position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                guard position > fraction else { throw fail("digits expected after '.'") }
            }
            if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                let exponent = position
                while position < end, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                guard position > exponent else { throw fail("digits expected in the exponent") }
            }
            let pointer = UnsafeRawPointer(bytes.baseAddress! + start).assumingMemoryBound(to: CChar.self)
            return strtod(pointer, nil)
        }

        mutating func string() throws(Failure) -> String {
            position += 1  // opening quote
            let start = position
            var plain = true
            while position < end {
                let c = bytes[position]
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    plain = false
                    position += 2
                    continue
                }
                guard c >= 0x20 else { throw fail("control character in a string") }
                position += 1
            }
            guard position < end else { throw fail("unterminated string") }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
            position += 1
            if plain {
                guard let s = String(validating: raw, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return s
            }
            return try unescape(raw, at: start)
        }

        func unescape(_ raw: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Failure) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var i = 0
            var pendingHigh: UInt32?
            while i < raw.count {
                let c = raw[i]
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    i += 1
                    continue
                }
                guard i + 1 < raw.count else { throw Failure(offset: offset + i, reason: "bad escape") }
                let e = raw[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 <= raw.count,
                        let code = UInt32(
                            String(decoding: UnsafeBufferPointer(rebasing: raw[i..<i + 4]), as: UTF8.self), radix: 16)
                    else { throw Failure(offset: offset + i, reason: "bad \\u escape") }
                    i += 4
                    var scalarValue = code
                    if (0xD800...0xDBFF).contains(code) {
                        pendingHigh = code
                        continue
                    }
                    if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                        scalarValue = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    }
                    pendingHigh = nil
                    guard let scalar = Unicode.Scalar(scalarValue) else {
                        throw Failure(offset: offset + i, reason: "invalid code point")
                    }
                    out += Array(String(Character(scalar)).utf8)
                default:
                    throw Failure(offset: offset + i, reason: "bad escape")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else {
                throw Failure(offset: offset, reason: "invalid UTF-8")
            }
            return s
        }
    }
}
