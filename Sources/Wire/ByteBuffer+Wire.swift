import NIOCore

// Checked little-endian reads and writes for protocol fields.
extension ByteBuffer {
    @inlinable
    mutating func readLE<T: FixedWidthInteger>(_: T.Type, _ field: @autoclosure () -> String) throws(WireError) -> T {
        guard let value = readInteger(endianness: .little, as: T.self) else {
            throw WireError(.truncated, field: field(), reason: "message ends early")
        }
        return value
    }

    mutating func readF32(_ field: @autoclosure () -> String) throws(WireError) -> Float {
        let bits = try readLE(UInt32.self, field())
        let value = Float(bitPattern: bits)
        guard value.isFinite else { throw WireError(.invalidValue, field: field(), reason: "must be a finite number") }
        return value
    }

    mutating func readF64(_ field: @autoclosure () -> String) throws(WireError) -> Double {
        let bits = try readLE(UInt64.self, field())
        let value = Double(bitPattern: bits)
        guard value.isFinite else { throw WireError(.invalidValue, field: field(), reason: "must be a finite number") }
        return value
    }

    /// A string with a u8 byte length (names, ids).
    mutating func readShortString(_ field: @autoclosure () -> String, bytesMax: Int) throws(WireError) -> String {
        let length = Int(try readLE(UInt8.self, field()))
        return try readUTF8(length: length, field(), bytesMax: bytesMax)
    }

    /// A string with a u16 byte length (chat text, tokens).
    mutating func readLongString(_ field: @autoclosure () -> String, bytesMax: Int) throws(WireError) -> String {
        let length = Int(try readLE(UInt16.self, field()))
        return try readUTF8(length: length, field(), bytesMax: bytesMax)
    }

    private mutating func readUTF8(length: Int, _ field: @autoclosure () -> String, bytesMax: Int) throws(WireError)
        -> String
    {
        guard length <= bytesMax else {
            throw WireError(.tooLong, field: field(), reason: "at most \(bytesMax) bytes")
        }
        guard let bytes = readBytes(length: length) else {
            throw WireError(.truncated, field: field(), reason: "message ends early")
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw WireError(.invalidValue, field: field(), reason: "not valid UTF-8")
        }
        return string
    }

    @inlinable
    mutating func writeLE<T: FixedWidthInteger>(_ value: T) {
        writeInteger(value, endianness: .little)
    }

    mutating func writeF32(_ value: Float) { writeInteger(value.bitPattern, endianness: .little) }
    mutating func writeF64(_ value: Double) { writeInteger(value.bitPattern, endianness: .little) }

    /// Writes a u8-length string, cut at a character boundary to fit `bytesMax`.
    mutating func writeShortString(_ string: String, bytesMax: Int = WireFormat.nameBytesMax) {
        let utf8 = Array(string.utf8Prefix(min(bytesMax, 255)))
        writeInteger(UInt8(utf8.count))
        writeBytes(utf8)
    }

    /// Writes a u16-length string, cut at a character boundary to fit `bytesMax`.
    mutating func writeLongString(_ string: String, bytesMax: Int) {
        let utf8 = Array(string.utf8Prefix(min(bytesMax, 65535)))
        writeInteger(UInt16(utf8.count), endianness: .little)
        writeBytes(utf8)
    }
}

extension String {
    /// The longest prefix whose UTF-8 form fits in `bytes`, never splitting a character.
    func utf8Prefix(_ bytes: Int) -> Substring.UTF8View {
        if utf8.count <= bytes { return self[...].utf8 }
        var used = 0
        var end = startIndex
        for index in indices {
            let next = self.index(after: index)
            let size = self[index..<next].utf8.count
            if used + size > bytes { break }
            used += size
            end = next
        }
        return self[startIndex..<end].utf8
    }
}
