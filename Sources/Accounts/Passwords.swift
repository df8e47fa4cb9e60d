import Crypto
import Dispatch
import Foundation
import Storage
import Synchronization
import _CryptoExtras

/// Salted PBKDF2-HMAC-SHA256 password hashes, computed off the cooperative threads.
///
/// Stored as `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` so the cost can be raised later
/// and old hashes still verify. At most `pendingMax` hashes wait at once; past that callers get
/// `busy` instead of queueing forever (a login storm cannot exhaust the server).
public final class PasswordHasher: Sendable {
    /// Thrown when `pendingMax` derivations are queued already: the caller answers 503.
    public struct Busy: Error {}

    public static let iterationsDefault = 600_000
    public let iterations: Int
    private let queue = DispatchQueue(label: "bitgoeul.kdf")
    private let pending = Atomic<Int>(0)
    private let pendingMax: Int

    public init(iterations: Int = iterationsDefault, pendingMax: Int = 32) {
        precondition(iterations >= 1)
        self.iterations = iterations
        self.pendingMax = pendingMax
    }

    /// A new hash string for `password` with a fresh 16-byte salt.
    public func hash(_ password: String) async throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = rng.next() }
        let derived = try await derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `stored`, compared in constant time.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        let derived = try await derive(password, salt: Array(salt), iterations: rounds)
        return constantTimeEqual(derived, Array(expected))
    }

    /// Burns the same time as a real check, so an unknown username is not revealed by timing.
    public func dummyVerify(_ password: String) async throws {
        _ = try await derive(password, salt: [UInt8](repeating: 7, count: 16), iterations: iterations)
    }

    private func derive(_ password: String, salt: [UInt8], iterations: Int) async throws -> [UInt8] {
        guard pending.add(1, ordering: .relaxed).newValue <= pendingMax else {
            pending.subtract(1, ordering: .relaxed)
            throw Busy()
        }
        defer { pending.subtract(1, ordering: .relaxed) }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    let key = try KDF.Insecure.PBKDF2.deriveKey(
                        from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                        unsafeUncheckedRounds: iterations)
                    continuation.resume(returning: key.withUnsafeBytes { Array($0) })
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// Session tokens: 256 random bits, given to the client once; the server keeps only their SHA-256.
public enum SessionToken {
    public static func make() -> (token: String, hash: [UInt8]) {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = rng.next() }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (token, hash(token))
    }

    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }
}

extension SessionToken {
    /// Longest token accepted (ours are 43 characters); longer ones are not looked up.
    public static let lengthMax = 128

    /// The account behind a bearer token, or nil when it is unknown or expired at `now`.
    public static func account(forToken token: String, in store: any Store, now: Date) async throws -> Int64? {
        guard !token.isEmpty, token.utf8.count <= lengthMax else { return nil }
        guard let session = try await store.session(tokenHash: hash(token)) else { return nil }
        guard session.expiresAt > now else { return nil }
        return session.accountId
    }
}
