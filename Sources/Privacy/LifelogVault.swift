import Crypto
import Foundation
import _CryptoExtras

/// The sealed life log as it travels and is stored: PBKDF2-SHA256 turns the owner's passphrase
/// into an AES-256-GCM key on their device; the server only ever holds this envelope.
///
/// The browser (WebCrypto) and the Swift SDK write the same JSON; `Tests/Fixtures/privacy/`
/// holds vectors both check. A lost passphrase cannot be recovered by anyone.
public struct VaultEnvelope: Codable, Hashable, Sendable {
    public struct KDF: Codable, Hashable, Sendable {
        public var name: String
        public var iterations: Int
        /// Base64.
        public var salt: String
    }

    public struct Cipher: Codable, Hashable, Sendable {
        public var name: String
        /// Base64, 12 bytes.
        public var nonce: String
    }

    public static let formatName = "bitgoeul-lifelog"
    public static let currentVersion = 1
    public static let iterationsMin = 600_000
    public static let iterationsMax = 5_000_000
    /// Bound into every ciphertext, so a blob cannot be passed off as another format.
    public static let associatedData = Array("bitgoeul-lifelog-v1".utf8)

    public var format: String
    public var version: Int
    public var kdf: KDF
    public var cipher: Cipher
    /// Base64 of the ciphertext followed by the 16-byte tag (as WebCrypto returns it).
    public var ciphertext: String

    /// Why the server must refuse this envelope (without any key), or nil.
    public func problem(ciphertextBytesMax: Int) -> String? {
        guard format == Self.formatName else { return "format must be '\(Self.formatName)'" }
        guard version == Self.currentVersion else { return "unsupported vault version \(version); this server reads 1" }
        guard kdf.name == "PBKDF2-SHA256",
            (Self.iterationsMin...Self.iterationsMax).contains(kdf.iterations)
        else { return "kdf must be PBKDF2-SHA256 with 600000 to 5000000 iterations" }
        guard let salt = Data(base64Encoded: kdf.salt), (16...64).contains(salt.count) else {
            return "kdf.salt must be 16 to 64 bytes of base64"
        }
        guard cipher.name == "AES-256-GCM", let nonce = Data(base64Encoded: cipher.nonce), nonce.count == 12 else {
            return "cipher must be AES-256-GCM with a 12-byte nonce"
        }
        guard let ct = Data(base64Encoded: ciphertext), ct.count >= 16 else { return "ciphertext must be base64" }
        guard ct.count <= ciphertextBytesMax else { return "the vault is over \(ciphertextBytesMax) bytes" }
        return nil
    }
}

/// Sealing and opening life logs in Swift, byte-compatible with the browser.
public enum LifelogVault {
    public enum Failure: Error, CustomStringConvertible {
        /// The passphrase is wrong or the blob was changed: GCM cannot tell which.
        case cannotOpen
        case malformed(String)

        public var description: String {
            switch self {
            case .cannotOpen: "wrong passphrase, or the vault was altered"
            case .malformed(let why): "not a life-log vault: \(why)"
            }
        }
    }

    public static func deriveKey(passphrase: String, salt: [UInt8], iterations: Int) throws -> SymmetricKey {
        try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(passphrase.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: iterations)
    }

    /// Seals `plaintext`; salt and nonce are random unless given (test vectors).
    public static func seal(
        _ plaintext: [UInt8], passphrase: String, iterations: Int = VaultEnvelope.iterationsMin,
        salt: [UInt8]? = nil, nonce: [UInt8]? = nil
    ) throws -> VaultEnvelope {
        let salt = salt ?? randomBytes(16)
        let nonceBytes = nonce ?? randomBytes(12)
        let key = try deriveKey(passphrase: passphrase, salt: salt, iterations: iterations)
        let box = try AES.GCM.seal(
            plaintext, using: key, nonce: try AES.GCM.Nonce(data: nonceBytes),
            authenticating: VaultEnvelope.associatedData)
        return VaultEnvelope(
            format: VaultEnvelope.formatName, version: VaultEnvelope.currentVersion,
            kdf: .init(name: "PBKDF2-SHA256", iterations: iterations, salt: Data(salt).base64EncodedString()),
            cipher: .init(name: "AES-256-GCM", nonce: Data(nonceBytes).base64EncodedString()),
            ciphertext: (box.ciphertext + box.tag).base64EncodedString())
    }

    public static func open(_ envelope: VaultEnvelope, passphrase: String) throws -> [UInt8] {
        if let problem = envelope.problem(ciphertextBytesMax: .max) { throw Failure.malformed(problem) }
        guard let salt = Data(base64Encoded: envelope.kdf.salt) else { throw Failure.malformed("bad base64") }
        let key = try deriveKey(passphrase: passphrase, salt: Array(salt), iterations: envelope.kdf.iterations)
        return try open(envelope, key: key)
    }

    /// Opens a checked envelope with its derived key (the part after the slow key derivation).
    public static func open(_ envelope: VaultEnvelope, key: SymmetricKey) throws -> [UInt8] {
        guard let nonce = Data(base64Encoded: envelope.cipher.nonce),
            let sealed = Data(base64Encoded: envelope.ciphertext),
            sealed.count >= 16
        else { throw Failure.malformed("bad base64") }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: try AES.GCM.Nonce(data: nonce), ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
            return Array(try AES.GCM.open(box, using: key, authenticating: VaultEnvelope.associatedData))
        } catch {
            throw Failure.cannotOpen
        }
    }

    static func randomBytes(_ n: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}

/// What the life log holds once opened: the owner's own record of where they went and what they saw.
public struct Lifelog: Codable, Hashable, Sendable {
    public struct Entry: Codable, Hashable, Sendable {
        /// visit, exhibition, tourStop, mission.
        public var kind: String
        /// Milliseconds since 1970 (as JavaScript's Date.now()).
        public var at: Double
        public var space: String?
        public var title: String
        /// For a mission entry: the mission's and the checkpoint's ids (docs/missions.md).
        public var mission: String?
        public var checkpoint: String?

        public init(
            kind: String, at: Double, space: String? = nil, title: String, mission: String? = nil,
            checkpoint: String? = nil
        ) {
            self.kind = kind
            self.at = at
            self.space = space
            self.title = title
            self.mission = mission
            self.checkpoint = checkpoint
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }
}
