import Foundation
import Storage
import StorageSQLite
import Testing

@testable import DataBackup

/// Backups and restores of a data directory, and the tar reader against damaged archives.
@Suite struct DataBackupTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-backup-\(UUID().uuidString)")

    /// A data directory with two accounts, a key and a solar result.
    func makeData() async throws -> URL {
        let data = root.appendingPathComponent("var")
        try FileManager.default.createDirectory(
            at: data.appendingPathComponent("solar/seoul/yeouido"), withIntermediateDirectories: true)
        let store = try SQLiteStore(path: data.appendingPathComponent("bitgoeul.sqlite").path)
        for name in ["hana", "duri"] {
            _ = try await store.createAccount(username: name, passwordHash: "hash-\(name)", now: Date())
        }
        try Data("a-key\n".utf8).write(to: data.appendingPathComponent("transparency-ed25519.key"))
        try Data(#"{"buildings":[]}"#.utf8).write(to: data.appendingPathComponent("solar/seoul/yeouido/result.json"))
        return data
    }

    @Test func aBackupRestoresEveryFileAndAccount() async throws {
        let data = try await makeData()
        let archive = root.appendingPathComponent("backup.tar")
        let made = try DataBackup.create(dataDirectory: data, out: archive, now: Date())
        #expect(
            made.files.map(\.path) == [
                "bitgoeul.sqlite", "transparency-ed25519.key", "solar/seoul/yeouido/result.json",
            ])
        let restored = root.appendingPathComponent("restored")
        try DataBackup.restore(from: archive, into: restored)
        let store = try SQLiteStore(path: restored.appendingPathComponent("bitgoeul.sqlite").path)
        #expect(try await store.account(username: "hana")?.passwordHash == "hash-hana")
        #expect(try await store.account(username: "duri") != nil)
        #expect(
            try Data(contentsOf: restored.appendingPathComponent("transparency-ed25519.key")) == Data("a-key\n".utf8))
        #expect(
            FileManager.default.fileExists(
                atPath: restored.appendingPathComponent("solar/seoul/yeouido/result.json").path))
        // Any tar reads it too.
        let listing = Process()
        listing.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        listing.arguments = ["tar", "tf", archive.path]
        let pipe = Pipe()
        listing.standardOutput = pipe
        try listing.run()
        listing.waitUntilExit()
        let names = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(names.split(separator: "\n").last == "MANIFEST.json")
    }

    @Test func aDamagedOrTruncatedBackupRestoresNothing() async throws {
        let data = try await makeData()
        let archive = root.appendingPathComponent("backup.tar")
        try DataBackup.create(dataDirectory: data, out: archive, now: Date())
        let bytes = try Data(contentsOf: archive)
        var flipped = bytes
        flipped[600] ^= 0xFF  // inside the database's first page
        let cases: [(String, Data, String)] = [
            ("flipped", flipped, "does not match"),
            ("truncated", bytes.prefix(bytes.count / 2), "truncated"),
            ("empty", Data(), "truncated"),
        ]
        for (name, damaged, reason) in cases {
            let file = root.appendingPathComponent("\(name).tar")
            try damaged.write(to: file)
            let target = root.appendingPathComponent("restored-\(name)")
            #expect {
                try DataBackup.restore(from: file, into: target)
            } throws: { ($0 as? ArchiveError)?.reason.contains(reason) == true }
            #expect(!FileManager.default.fileExists(atPath: target.path), "\(name): nothing is left behind")
        }
        // Never over an existing data directory.
        #expect(throws: ArchiveError.self) { try DataBackup.restore(from: archive, into: data) }
    }

    @Test func headersThatEscapeTheDirectoryOrLieAreRefused() throws {
        for path in ["../etc/passwd", "/etc/passwd", "solar/../../x", "a//b", "./x"] {
            #expect(throws: ArchiveError.self, "\(path)") { try Tar.header(path: path, bytes: 1, modifiedS: 0) }
        }
        var good = try Tar.header(path: "solar/x.json", bytes: 10, modifiedS: 0)
        #expect(try TarHeader.parse(good) == TarHeader(path: "solar/x.json", bytes: 10))
        // A header edited to point outside, with its checksum fixed, is still refused.
        var evil = good
        for (i, b) in Array("../x.json".utf8).enumerated() { evil[i] = b }
        evil[9..<100] = ArraySlice(repeating: 0, count: 91)
        let sum = evil.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int($1.element)) }
        let digits = Array(
            (String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8)).utf8)
        for (i, b) in (digits + [0, 32]).enumerated() { evil[148 + i] = b }
        #expect(throws: ArchiveError.self) { try TarHeader.parse(evil) }
        good[130] ^= 1  // a size digit: the checksum catches it
        #expect(throws: ArchiveError.self) { try TarHeader.parse(good) }
        #expect(try TarHeader.parse([UInt8](repeating: 0, count: 512)) == nil, "the end marker")
    }
}
