import Foundation

/// A problem with a tar archive: where, and why.
public struct ArchiveError: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// POSIX ustar: 512-byte headers, each file's bytes padded to 512, two zero blocks at the end.
///
/// Only what backups need: regular files with relative paths. Readable by any `tar`.
public enum Tar {
    public static let blockBytes = 512
    /// ustar's 11 octal digits of size.
    public static let entryBytesMax: Int64 = 8 * 1024 * 1024 * 1024 - 1
    /// name (100) + prefix (155).
    public static let pathBytesMax = 255

    /// The 512-byte header of a regular file.
    static func header(path: String, bytes: Int64, modifiedS: Int64, mode: Int = 0o600) throws(ArchiveError)
        -> [UInt8]
    {
        try checkPath(path)
        guard bytes >= 0, bytes <= entryBytesMax else {
            throw ArchiveError("\(path): over 8 GiB, which ustar cannot hold")
        }
        let utf8 = Array(path.utf8)
        var name = utf8
        var prefix: [UInt8] = []
        if utf8.count > 100 {
            // Split at a slash so that the prefix holds at most 155 bytes and the name at most 100.
            guard
                let cut = utf8.indices.last(where: {
                    utf8[$0] == UInt8(ascii: "/") && $0 <= 155 && utf8.count - $0 - 1 <= 100
                })
            else { throw ArchiveError("\(path): no way to split it into ustar's name and prefix") }
            prefix = Array(utf8[..<cut])
            name = Array(utf8[(cut + 1)...])
        }
        var h = [UInt8](repeating: 0, count: blockBytes)
        func put(_ field: [UInt8], at offset: Int) { for (i, b) in field.enumerated() { h[offset + i] = b } }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(Int64(mode), width: 8), at: 100)
        put(octal(0, width: 8), at: 108)  // uid
        put(octal(0, width: 8), at: 116)  // gid
        put(octal(bytes, width: 12), at: 124)
        put(octal(modifiedS, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)  // checksum counted as spaces
        h[156] = UInt8(ascii: "0")  // regular file
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(Int64(sum), width: 7) + [UInt8(ascii: " ")], at: 148)
        return h
    }

    /// A relative path of plain segments: no `..`, no absolute paths, no control characters.
    static func checkPath(_ path: String) throws(ArchiveError) {
        guard !path.isEmpty, path.utf8.count <= pathBytesMax else {
            throw ArchiveError("an archive path has 1 to \(pathBytesMax) bytes")
        }
        guard !path.hasPrefix("/"),
            path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy({
                !$0.isEmpty && $0 != "." && $0 != ".."
            }),
            path.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { throw ArchiveError("\(path): not a plain relative path") }
    }

    static func padding(_ bytes: Int64) -> Int {
        Int((Int64(blockBytes) - bytes % Int64(blockBytes)) % Int64(blockBytes))
    }
}

/// Writes a tar archive to a file handle, one file at a time.
public struct TarWriter {
    let handle: FileHandle
    public private(set) var entries = 0

    public init(handle: FileHandle) {
        self.handle = handle
    }

    /// Adds `source` as `path`, streaming it in 1 MiB chunks; `chunk` sees every byte (for hashing).
    public mutating func add(
        path: String, from source: URL, modifiedS: Int64, chunk: (Data) -> Void = { _ in }
    ) throws {
        let bytes = Int64((try FileManager.default.attributesOfItem(atPath: source.path)[.size] as? Int) ?? 0)
        try handle.write(contentsOf: Tar.header(path: path, bytes: bytes, modifiedS: modifiedS))
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        var written: Int64 = 0
        while written < bytes, let data = try input.read(upToCount: 1 << 20), !data.isEmpty {
            let part = data.prefix(Int(bytes - written))
            chunk(part)
            try handle.write(contentsOf: part)
            written += Int64(part.count)
        }
        guard written == bytes else { throw ArchiveError("\(path): changed size while being archived") }
        try handle.write(contentsOf: [UInt8](repeating: 0, count: Tar.padding(bytes)))
        entries += 1
    }

    /// Adds `data` as `path`.
    public mutating func add(path: String, data: Data, modifiedS: Int64) throws {
        try handle.write(contentsOf: Tar.header(path: path, bytes: Int64(data.count), modifiedS: modifiedS))
        try handle.write(contentsOf: data)
        try handle.write(contentsOf: [UInt8](repeating: 0, count: Tar.padding(Int64(data.count))))
        entries += 1
    }

    /// The end-of-archive marker.
    public func finish() throws {
        try handle.write(contentsOf: [UInt8](repeating: 0, count: 2 * Tar.blockBytes))
    }
}

/// Reads a tar archive's headers from bytes, checking each against the limits.
///
/// A synchronous parser over one header block at a time: the caller feeds it headers and skips or
/// copies the bodies, so archives of any size are read without loading them.
public struct TarHeader: Equatable, Sendable {
    public let path: String
    public let bytes: Int64

    /// The header in `block` (512 bytes); nil at the end-of-archive marker.
    public static func parse(_ block: some Collection<UInt8>) throws(ArchiveError) -> TarHeader? {
        let h = Array(block)
        guard h.count == Tar.blockBytes else { throw ArchiveError("a truncated header") }
        if h.allSatisfy({ $0 == 0 }) { return nil }
        func field(_ offset: Int, _ width: Int) -> [UInt8] {
            Array(h[offset..<(offset + width)].prefix { $0 != 0 })
        }
        func octal(_ offset: Int, _ width: Int) throws(ArchiveError) -> Int64 {
            let text = String(decoding: field(offset, width), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, text.count <= 11, let value = Int64(text, radix: 8), value >= 0 else {
                throw ArchiveError("a header number is not octal")
            }
            return value
        }
        let stored = try octal(148, 8)
        var sum = 0
        for (i, b) in h.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
        guard stored == sum else { throw ArchiveError("a header's checksum does not match: the archive is damaged") }
        guard field(257, 6) == Array("ustar".utf8) else { throw ArchiveError("not a ustar archive") }
        guard h[156] == UInt8(ascii: "0") || h[156] == 0 else {
            throw ArchiveError("an entry is not a regular file (type \(h[156])): backups hold only files")
        }
        let prefix = field(345, 155)
        let name = field(0, 100)
        guard let path = String(validating: prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name, as: UTF8.self)
        else { throw ArchiveError("an entry's path is not UTF-8") }
        try Tar.checkPath(path)
        let bytes = try octal(124, 12)
        guard bytes <= Tar.entryBytesMax else { throw ArchiveError("\(path): over 8 GiB") }
        return TarHeader(path: path, bytes: bytes)
    }
}
