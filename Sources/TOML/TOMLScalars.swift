import Foundation

extension TOMLParser {
    /// A boolean, number or date: the token up to the next separator, then its form.
    mutating func scalar() throws(TOMLError) -> TOMLValue {
        let start = index
        while let c = peek(), Self.isScalarByte(c) { index += 1 }
        // A date and a time may be separated by one space: `1979-05-27 07:32:00`.
        if index - start == 10, peek() == 0x20, let h = peek(1), let h2 = peek(2), peek(3) == UInt8(ascii: ":"),
            Self.isDigit(h), Self.isDigit(h2)
        {
            index += 1
            while let c = peek(), Self.isScalarByte(c) { index += 1 }
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !token.isEmpty else {
            throw fail("expected a value (a string, number, boolean, date, array or inline table)")
        }
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        if let value = Self.integer(token) { return .integer(value) }
        if let value = Self.float(token) { return .float(value) }
        if Self.isDateTime(token) { return .dateTime(token) }
        index = start
        throw fail("'\(token)' is not a TOML value")
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    static func isScalarByte(_ c: UInt8) -> Bool {
        isBareKey(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
    }

    /// Digits of `radix` with single underscores between them.
    static func digits(_ text: Substring, radix: Int) -> String? {
        guard let first = text.first, let last = text.last, first != "_", last != "_", !text.contains("__") else {
            return nil
        }
        let plain = text.replacingOccurrences(of: "_", with: "")
        guard plain.allSatisfy({ $0.isASCII && $0.hexDigitValue.map { $0 < radix } == true }) else { return nil }
        return plain
    }

    /// `+42`, `1_000`, `0xDEAD_BEEF`, `0o755`, `0b1101`; no leading zeros; within Int64.
    static func integer(_ token: String) -> Int64? {
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            guard let plain = digits(token.dropFirst(2), radix: radix) else { return nil }
            return Int64(plain, radix: radix)
        }
        var body = Substring(token)
        let negative = body.first == "-"
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard let plain = digits(body, radix: 10), plain.allSatisfy(\.isNumber) else { return nil }
        guard plain == "0" || plain.first != "0" else { return nil }
        return Int64((negative ? "-" : "") + plain)
    }

    /// `3.14`, `-0.01`, `5e+22`, `6.626e-34`, `inf`, `-nan`: a fraction or an exponent, digits on both sides of `.`.
    static func float(_ token: String) -> Double? {
        var body = Substring(token)
        let sign = body.first == "-" ? -1.0 : 1.0
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if body == "inf" { return sign * .infinity }
        if body == "nan" { return .nan }
        let exponentAt = body.firstIndex(where: { $0 == "e" || $0 == "E" })
        let mantissa = body[..<(exponentAt ?? body.endIndex)]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = digits(parts[0], radix: 10), whole.allSatisfy(\.isNumber),
            whole == "0" || whole.first != "0"
        else { return nil }
        var text = whole
        if parts.count == 2 {
            guard let fraction = digits(parts[1], radix: 10), fraction.allSatisfy(\.isNumber) else { return nil }
            text += "." + fraction
        }
        if let e = exponentAt {
            var exponent = body[body.index(after: e)...]
            var expSign = ""
            if exponent.first == "+" || exponent.first == "-" {
                expSign = exponent.first == "-" ? "-" : ""
                exponent = exponent.dropFirst()
            }
            guard let digitsE = digits(exponent, radix: 10), digitsE.allSatisfy(\.isNumber) else { return nil }
            text += "e" + expSign + digitsE
        } else if parts.count == 1 {
            return nil  // an integer, not a float
        }
        return Double(text).map { sign * $0 }
    }

    /// RFC 3339 date-times as TOML allows them: offset or local date-time, local date, local time.
    static func isDateTime(_ token: String) -> Bool {
        let t = Array(token.utf8)
        func number(_ from: Int, _ count: Int, _ range: ClosedRange<Int>) -> Bool {
            guard from + count <= t.count, t[from..<(from + count)].allSatisfy(isDigit) else { return false }
            return range.contains(Int(String(decoding: t[from..<(from + count)], as: UTF8.self))!)
        }
        func time(_ at: Int) -> Int? {  // hh:mm:ss[.frac], returns the index after it
            guard number(at, 2, 0...23), t.count > at + 2, t[at + 2] == UInt8(ascii: ":"), number(at + 3, 2, 0...59),
                t.count > at + 5, t[at + 5] == UInt8(ascii: ":"), number(at + 6, 2, 0...60)
            else { return nil }
            var end = at + 8
            if end < t.count, t[end] == UInt8(ascii: ".") {
                end += 1
                let digitsStart = end
                while end < t.count, isDigit(t[end]) { end += 1 }
                guard end > digitsStart else { return nil }
            }
            return end
        }
        if t.count >= 3, t[2] == UInt8(ascii: ":") { return time(0) == t.count }
        guard t.count >= 10, number(0, 4, 0...9999), t[4] == UInt8(ascii: "-"), number(5, 2, 1...12),
            t[7] == UInt8(ascii: "-"), number(8, 2, 1...31)
        else { return false }
        if t.count == 10 { return true }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(t[10]), let end = time(11) else {
            return false
        }
        if end == t.count { return true }
        if end + 1 == t.count { return t[end] == UInt8(ascii: "Z") || t[end] == UInt8(ascii: "z") }
        return end + 6 == t.count && (t[end] == UInt8(ascii: "+") || t[end] == UInt8(ascii: "-"))
            && number(end + 1, 2, 0...23) && t[end + 3] == UInt8(ascii: ":") && number(end + 4, 2, 0...59)
    }
}
