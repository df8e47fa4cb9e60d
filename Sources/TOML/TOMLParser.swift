/// The byte-level part of the TOML reader: whitespace, comments, strings, numbers, booleans, dates.
struct TOMLParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Position and errors

    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    func lookingAt(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard index + n <= bytes.count else { return false }
        return (0..<n).allSatisfy { bytes[index + $0] == text.utf8Start[$0] }
    }

    mutating func take(_ char: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(char.value) else { return false }
        index += 1
        return true
    }

    /// An error at the current position.
    func fail(_ reason: String) -> TOMLError {
        let upTo = bytes[..<min(index, bytes.count)]
        let line = upTo.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let lineStart = upTo.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        // Columns count characters, not bytes (continuation bytes are 10xxxxxx).
        let column = 1 + bytes[lineStart..<min(index, bytes.count)].filter { $0 & 0xC0 != 0x80 }.count
        return TOMLError(line: line, column: column, reason: reason)
    }

    // MARK: Whitespace and comments

    mutating func skipSpace() {
        while let c = peek(), c == 0x20 || c == 0x09 { index += 1 }
    }

    mutating func takeNewline() -> Bool {
        if peek() == 0x0A {
            index += 1
            return true
        }
        if peek() == 0x0D && peek(1) == 0x0A {
            index += 2
            return true
        }
        return false
    }

    /// A `#` comment to the end of the line (tab allowed, other control characters not).
    mutating func skipComment() throws(TOMLError) {
        guard peek() == UInt8(ascii: "#") else { return }
        while let c = peek(), c != 0x0A {
            if c == 0x0D && peek(1) == 0x0A { break }
            if Self.isControl(c) && c != 0x09 { throw fail("a control character in a comment") }
            index += 1
        }
    }

    /// Blank lines, spaces and comments between statements or array items.
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpace()
            try skipComment()
            guard takeNewline() else { return }
        }
    }

    static func isControl(_ c: UInt8) -> Bool { c < 0x20 || c == 0x7F }

    // MARK: Strings

    /// `"…"` or `"""…"""`, with escapes.
    mutating func basicString(multiline: Bool) throws(TOMLError) -> String {
        index += multiline ? 3 : 1
        if multiline { _ = takeNewline() }
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("a string is not closed") }
            if c == UInt8(ascii: "\"") {
                if !multiline {
                    index += 1
                    break
                }
                if lookingAt("\"\"\"") {
                    // Up to two quotes may end the content right before the closing three.
                    var run = 3
                    while peek(run) == UInt8(ascii: "\""), run < 5 { run += 1 }
                    out += [UInt8](repeating: UInt8(ascii: "\""), count: run - 3)
                    index += run
                    break
                }
                out.append(c)
                index += 1
            } else if c == UInt8(ascii: "\\") {
                if multiline, try lineEndingBackslash() { continue }
                out += try escape()
            } else if multiline, takeNewline() {
                out.append(0x0A)
            } else {
                if Self.isControl(c) && c != 0x09 { throw fail("a control character in a string; escape it") }
                out.append(c)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A backslash ending a line in a multi-line string: it swallows the newline and the blank after.
    mutating func lineEndingBackslash() throws(TOMLError) -> Bool {
        var look = index + 1
        while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
        guard look < bytes.count,
            bytes[look] == 0x0A || (bytes[look] == 0x0D && look + 1 < bytes.count && bytes[look + 1] == 0x0A)
        else { return false }
        index = look
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0A || (c == 0x0D && peek(1) == 0x0A) { index += 1 }
        return true
    }

    mutating func escape() throws(TOMLError) -> [UInt8] {
        index += 1
        guard let c = peek() else { throw fail("a string ends inside an escape") }
        index += 1
        switch c {
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "\""): return [0x22]
        case UInt8(ascii: "\\"): return [0x5C]
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = c == UInt8(ascii: "u") ? 4 : 8
            guard index + digits <= bytes.count,
                let code = UInt32(String(decoding: bytes[index..<(index + digits)], as: UTF8.self), radix: 16),
                bytes[index..<(index + digits)].allSatisfy({ Self.isHexDigit($0) }),
                let scalar = Unicode.Scalar(code)
            else { throw fail("\\u and \\U take 4 or 8 hex digits of a Unicode scalar value") }
            index += digits
            return Array(String(Character(scalar)).utf8)
        default:
            index -= 1
            throw fail("unknown escape \\\(Character(Unicode.Scalar(c)))")
        }
    }

    /// `'…'` or `'''…'''`: no escapes.
    mutating func literalString(multiline: Bool) throws(TOMLError) -> String {
        index += multiline ? 3 : 1
        if multiline { _ = takeNewline() }
        let start = index
        var end: Int
        while true {
            guard let c = peek() else { throw fail("a string is not closed") }
            if c == UInt8(ascii: "'") {
                if !multiline {
                    end = index
                    index += 1
                    break
                }
                if lookingAt("'''") {
                    var run = 3
                    while peek(run) == UInt8(ascii: "'"), run < 5 { run += 1 }
                    end = index + run - 3
                    index += run
                    break
                }
                index += 1
            } else if multiline, takeNewline() {
                continue
            } else {
                if Self.isControl(c) && c != 0x09 { throw fail("a control character in a literal string") }
                index += 1
            }
        }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        return multiline ? text.replacingCRLF() : text
    }

    static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
}

extension String {
    /// CRLF line breaks as LF (multi-line strings hold newlines as `\n`).
    fileprivate func replacingCRLF() -> String {
        guard contains("\r\n") else { return self }
        return String(
            decoding: Array(utf8).split(separator: 0x0D, omittingEmptySubsequences: false).joined(), as: UTF8.self)
    }
}
