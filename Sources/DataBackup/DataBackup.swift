import Crypto
import DurableFiles
import Foundation
import StorageSQLite

/// Online, consistent backups of a server's data directory into one tar file, and restores that
/// check every byte they bring back before the directory appears.
///
/// A backup holds a snapshot of `bitgoeul.sqlite` taken in one read transaction while the server
/// keeps writing (`VACUUM INTO`: no free pages, so nothing already erased comes along), the
/// transparency-log signing key, an imported catalogue and the solar analyses, and last a
/// `MANIFEST.json` with each file's size and SHA-256.
public enum DataBackup {
    public static let format = 1
    public static let manifestPath = "MANIFEST.json"
    public static let databasePath = "bitgoeul.sqlite"
    /// Files beside the database that a restored server needs (missing ones are skipped).
    public static let keptFiles = ["transparency-ed25519.key", "catalogue.json"]
    /// Folders copied whole (derived results worth keeping).
    public static let keptFolders = ["solar"]
    public static let entriesMax = 10_000
    static let manifestBytesMax = 4 * 1024 * 1024

    public struct Manifest: Codable, Sendable {
        public struct File: Codable, Sendable, Equatable {
            public let path: String
            public let bytes: Int64
            public let sha256: String
        }
        public let format: Int
        public let createdAt: Date
        public var files: [File]
    }

    /// Writes a backup of `dataDirectory` to `out` (temporary name, synced, renamed into place).
    @discardableResult
    public static func create(dataDirectory: URL, out: URL, now: Date) throws -> Manifest {
        let database = dataDirectory.appendingPathComponent(databasePath)
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw ArchiveError("\(dataDirectory.path) holds no \(databasePath)")
        }
        let snapshot = out.deletingLastPathComponent().appendingPathComponent(
            ".\(out.lastPathComponent).snapshot-\(getpid()).sqlite")
        try? FileManager.default.removeItem(at: snapshot)
        try SQLiteStore.snapshot(databaseAt: database.path, to: snapshot.path)
        defer { try? FileManager.default.removeItem(at: snapshot) }

        var sources = [(databasePath, snapshot)]
        for name in keptFiles
        where FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent(name).path) {
            sources.append((name, dataDirectory.appendingPathComponent(name)))
        }
        for folder in keptFolders {
            sources += try files(under: dataDirectory.appendingPathComponent(folder), as: folder)
        }
        guard sources.count < entriesMax else { throw ArchiveError("more than \(entriesMax) files to back up") }

        var manifest = Manifest(format: format, createdAt: now, files: [])
        let seconds = Int64(now.timeIntervalSince1970)
        try AtomicFile.write(to: out) { handle in
            var writer = TarWriter(handle: handle)
            for (path, url) in sources {
                var hash = SHA256()
                var bytes: Int64 = 0
                try writer.add(path: path, from: url, modifiedS: seconds) { chunk in
                    hash.update(data: chunk)
                    bytes += Int64(chunk.count)
                }
                manifest.files.append(.init(path: path, bytes: bytes, sha256: hex(hash.finalize())))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try writer.add(path: manifestPath, data: try encoder.encode(manifest), modifiedS: seconds)
            try writer.finish()
        }
        return manifest
    }

    /// Unpacks `archive` into `dataDirectory`, which must not exist or be empty. Every file is
    /// checked against the manifest and the database's integrity before the directory appears;
    /// on any failure nothing is left behind.
    @discardableResult
    public static func restore(from archive: URL, into dataDirectory: URL) throws -> Manifest {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: dataDirectory.path), !existing.isEmpty {
            throw ArchiveError("\(dataDirectory.path) is not empty: restore into a new data directory")
        }
        let staging = dataDirectory.deletingLastPathComponent().appendingPathComponent(
            ".\(dataDirectory.lastPathComponent).restoring-\(getpid())")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            let input = try FileHandle(forReadingFrom: archive)
            defer { try? input.close() }
            let (found, manifest) = try unpack(input, into: staging)
            try check(found, against: manifest)
            if let problem = try SQLiteStore.integrityProblem(path: staging.appendingPathComponent(databasePath).path) {
                throw ArchiveError("the database in the backup is damaged: \(problem)")
            }
            if fm.fileExists(atPath: dataDirectory.path) { try fm.removeItem(at: dataDirectory) }
            try fm.moveItem(at: staging, to: dataDirectory)
            return manifest
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Every file under `folder`, as archive paths starting with `prefix`.
    static func files(under folder: URL, as prefix: String) throws -> [(String, URL)] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var found: [(String, URL)] = []
        for case let url as URL in walker
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let relative = url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1)
            found.append(("\(prefix)/\(relative)", url))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// Reads entries until the end marker, writing files under `folder`; returns what was found and the manifest.
    static func unpack(_ input: FileHandle, into folder: URL) throws -> ([Manifest.File], Manifest) {
        var found: [Manifest.File] = []
        var manifest: Manifest?
        while true {
            guard let block = try input.read(upToCount: Tar.blockBytes), block.count == Tar.blockBytes else {
                throw ArchiveError("the archive ends without its end marker: it is truncated")
            }
            guard let header = try TarHeader.parse(block) else { break }
            guard manifest == nil else { throw ArchiveError("an entry follows \(manifestPath), which must be last") }
            guard found.count < entriesMax else { throw ArchiveError("more than \(entriesMax) entries") }
            guard !found.contains(where: { $0.path == header.path }) else {
                throw ArchiveError("\(header.path) appears twice")
            }
            if header.path == manifestPath {
                guard header.bytes <= manifestBytesMax else { throw ArchiveError("\(manifestPath) is too large") }
                let data = try readExactly(input, Int(header.bytes), path: header.path)
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                guard let decoded = try? decoder.decode(Manifest.self, from: data) else {
                    throw ArchiveError("\(manifestPath) is not a backup manifest")
                }
                manifest = decoded
            } else {
                found.append(try copy(input, header, under: folder))
            }
            _ = try readExactly(input, Tar.padding(header.bytes), path: header.path)
        }
        guard let manifest else { throw ArchiveError("the archive has no \(manifestPath): not a Bitgoeul backup") }
        return (found, manifest)
    }

    /// Streams one entry's bytes into its file, hashing them.
    static func copy(_ input: FileHandle, _ header: TarHeader, under folder: URL) throws -> Manifest.File {
        let target = folder.appendingPathComponent(header.path)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw ArchiveError("\(header.path): cannot be written") }
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        var hash = SHA256()
        var left = header.bytes
        while left > 0 {
            let data = try readExactly(input, Int(min(left, 1 << 20)), path: header.path)
            hash.update(data: data)
            try output.write(contentsOf: data)
            left -= Int64(data.count)
        }
        try output.synchronize()
        return .init(path: header.path, bytes: header.bytes, sha256: hex(hash.finalize()))
    }

    static func check(_ found: [Manifest.File], against manifest: Manifest) throws {
        guard manifest.format == format else {
            throw ArchiveError("backup format \(manifest.format); this version reads \(format)")
        }
        guard found.contains(where: { $0.path == databasePath }) else { throw ArchiveError("no \(databasePath)") }
        for file in found where !manifest.files.contains(file) {
            throw ArchiveError("\(file.path) does not match the manifest: the archive is damaged")
        }
        for file in manifest.files where !found.contains(where: { $0.path == file.path }) {
            throw ArchiveError("\(file.path) is listed but missing")
        }
    }

    static func readExactly(_ input: FileHandle, _ count: Int, path: String) throws -> Data {
        guard count > 0 else { return Data() }
        guard let data = try input.read(upToCount: count), data.count == count else {
            throw ArchiveError("\(path): the archive ends inside it: it is truncated")
        }
        return data
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
