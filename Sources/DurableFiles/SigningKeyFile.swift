import Crypto
import Foundation

/// An Ed25519 signing key kept in a file (base64, mode 0600), made on first use with a temp file
/// and rename, so a crash never leaves half a key.
public enum SigningKeyFile {
    public struct Unreadable: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path): not a base64 Ed25519 key" }
    }

    public static func loadOrCreate(_ file: URL) throws -> Curve25519.Signing.PrivateKey {
        if FileManager.default.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = Data(base64Encoded: text),
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else { throw Unreadable(path: file.path) }
            return key
        }
        let key = Curve25519.Signing.PrivateKey()
        try AtomicFile.write(Data((key.rawRepresentation.base64EncodedString() + "\n").utf8), to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return key
    }
}
