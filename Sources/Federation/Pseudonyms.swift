import Crypto
import DurableFiles
import Foundation

/// Pairwise pseudonyms: what a destination city calls a traveller from here.
///
/// `HMAC-SHA256(secret, "bitgoeul-pseudonym-v1\n" + destination id + "\n" + account id)`, the first
/// 16 bytes in base32 (lowercase, no padding: 26 characters). The same person always has the same
/// pseudonym at one destination (so its blocks and bans of them hold), a different one at every
/// other, and without this server's secret nobody can link two pseudonyms or find the account.
public struct Pseudonyms: Sendable {
    static let domain = Array("bitgoeul-pseudonym-v1\n".utf8)
    static let fileName = "federation-pseudonym.key"
    /// The raw secret (`SymmetricKey` is not `Sendable`; the key is made per use).
    private let secret: Data

    public init(secret: Data) { self.secret = secret }

    /// The secret in `folder` (32 random bytes, base64, mode 0600), made on first use.
    public static func load(folder: URL) throws -> Pseudonyms {
        let file = folder.appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let secret = Data(base64Encoded: text), secret.count == 32 else {
                throw FederationError("\(file.path): not a Bitgoeul pseudonym secret")
            }
            return Pseudonyms(secret: secret)
        }
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(Data((secret.base64EncodedString() + "\n").utf8), to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return Pseudonyms(secret: secret)
    }

    /// The pseudonym of account `account` at the city `destination`.
    public func pseudonym(of account: Int64, at destination: String) -> String {
        let message = Self.domain + Array(destination.utf8) + Array("\n\(account)".utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return Base32.encode(Array(code.prefix(16)))
    }
}

/// RFC 4648 base32, lowercase, without padding.
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int(buffer >> UInt32(bits - 5) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
