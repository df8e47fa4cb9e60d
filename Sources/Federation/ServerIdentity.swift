import Crypto
import DurableFiles
import Foundation

/// Who this server is among federated cities: a stable id, a name, and its Ed25519 signing keys.
///
/// The keys live in `federation-keys.json` in the data folder (mode 0600, written with a temp file
/// and rename), made at first start. Rotation makes a new current key; the old one keeps verifying
/// tickets until the end it is given, so peers that pinned it have time to pin the new one.
public struct ServerIdentity: Sendable {
    /// A signing key and how long tickets signed with it are good (seconds since 1970).
    public struct Key: Sendable, Hashable {
        public let privateKey: Data
        public let validFrom: Int64
        /// Nil for the current key.
        public let validUntil: Int64?

        public init(privateKey: Data, validFrom: Int64, validUntil: Int64?) {
            self.privateKey = privateKey
            self.validFrom = validFrom
            self.validUntil = validUntil
        }

        public var publicKey: Data {
            (try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKey))?.publicKey.rawRepresentation ?? Data()
        }
    }

    public let id: String
    public let name: String
    /// The current key first, then older ones still valid.
    public let keys: [Key]

    public var current: Key { keys[0] }

    /// An identity with these keys, the current one first (`load` reads them from the data folder).
    public init(id: String, name: String, keys: [Key]) {
        precondition(!keys.isEmpty, "an identity has a current key")
        self.id = id
        self.name = name
        self.keys = keys
    }

    /// `id` is a lowercase host name (letters, digits, `-`, `.`), 3–253 bytes, e.g. `gwangju.example`.
    public static func problem(id: String) -> String? {
        let allowed = id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
        }
        guard (3...253).contains(id.utf8.count), allowed, !id.hasPrefix("."), !id.hasSuffix("."),
            !id.contains("..")
        else { return "a server id is a lowercase host name such as gwangju.example (3–253 bytes)" }
        return nil
    }

    /// The identity with the keys in `folder`, made there on first use.
    public static func load(id: String, name: String, folder: URL, now: Date) throws -> ServerIdentity {
        if let problem = problem(id: id) { throw FederationError(problem) }
        guard (1...100).contains(name.count) else { throw FederationError("a server name is 1–100 characters") }
        let file = folder.appendingPathComponent(KeyRing.fileName)
        var ring = try KeyRing.read(file)
        if ring.keys.isEmpty {
            ring.keys = [
                KeyRing.Entry(key: Curve25519.Signing.PrivateKey(), validFrom: Int64(now.timeIntervalSince1970))
            ]
            try ring.write(to: file)
        }
        let nowS = Int64(now.timeIntervalSince1970)
        let keys = ring.keys.filter { ($0.validUntil ?? .max) > nowS }.sorted {
            ($0.validUntil ?? .max) > ($1.validUntil ?? .max)
        }
        guard let first = keys.first, first.validUntil == nil else {
            throw FederationError("\(file.path): no current key; run `bitgoeul federation rotate-key`")
        }
        return ServerIdentity(
            id: id, name: name,
            keys: keys.map { Key(privateKey: $0.key, validFrom: $0.validFrom, validUntil: $0.validUntil) })
    }

    /// Makes a new current key in `folder`; the old one verifies for `keepS` more seconds.
    public static func rotate(folder: URL, now: Date, keepS: Int64) throws {
        let file = folder.appendingPathComponent(KeyRing.fileName)
        var ring = try KeyRing.read(file)
        let nowS = Int64(now.timeIntervalSince1970)
        ring.keys = ring.keys.map { entry in
            var entry = entry
            if entry.validUntil == nil { entry.validUntil = nowS + keepS }
            return entry
        }.filter { ($0.validUntil ?? .max) > nowS }
        ring.keys.insert(KeyRing.Entry(key: Curve25519.Signing.PrivateKey(), validFrom: nowS), at: 0)
        try ring.write(to: file)
    }
}

/// The key file: every key with its validity.
struct KeyRing: Codable {
    static let fileName = "federation-keys.json"

    struct Entry: Codable {
        var key: Data
        var validFrom: Int64
        var validUntil: Int64?

        init(key: Curve25519.Signing.PrivateKey, validFrom: Int64) {
            self.key = key.rawRepresentation
            self.validFrom = validFrom
        }
    }

    var keys: [Entry] = []

    static func read(_ file: URL) throws -> KeyRing {
        guard FileManager.default.fileExists(atPath: file.path) else { return KeyRing() }
        guard let ring = try? JSONDecoder().decode(KeyRing.self, from: Data(contentsOf: file)),
            ring.keys.allSatisfy({ (try? Curve25519.Signing.PrivateKey(rawRepresentation: $0.key)) != nil })
        else { throw FederationError("\(file.path): not a Bitgoeul federation key file") }
        return ring
    }

    func write(to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(try encoder.encode(self), to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }
}

/// A federation setting or file that cannot be used, with what to do about it.
public struct FederationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
