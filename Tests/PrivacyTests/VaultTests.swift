import Foundation
import Privacy
import Testing

@Suite("Life-log vault: the format shared with the browser")
struct VaultTests {
    struct Vector: Decodable {
        let passphrase: String
        let plaintext: String
        let envelope: VaultEnvelope
    }

    static func vectors() throws -> [Vector] {
        let url = try #require(Bundle.module.url(forResource: "privacy/vault-vectors", withExtension: "json"))
        struct File: Decodable { let vectors: [Vector] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }

    @Test("Swift opens the vectors made by an independent implementation and seals them byte for byte")
    func vectors() throws {
        for v in try Self.vectors() {
            #expect(
                String(decoding: try LifelogVault.open(v.envelope, passphrase: v.passphrase), as: UTF8.self)
                    == v.plaintext)
            let salt = [UInt8](Data(base64Encoded: v.envelope.kdf.salt)!)
            let nonce = [UInt8](Data(base64Encoded: v.envelope.cipher.nonce)!)
            let sealed = try LifelogVault.seal(
                Array(v.plaintext.utf8), passphrase: v.passphrase, iterations: v.envelope.kdf.iterations, salt: salt,
                nonce: nonce)
            #expect(sealed == v.envelope)
        }
    }

    @Test("a wrong passphrase or a changed byte cannot open it; malformed envelopes are named")
    func refusals() throws {
        let v = try #require(try Self.vectors().first)
        #expect(throws: LifelogVault.Failure.self) { try LifelogVault.open(v.envelope, passphrase: v.passphrase + "x") }
        var changed = v.envelope
        var ct = [UInt8](Data(base64Encoded: changed.ciphertext)!)
        ct[0] ^= 1
        changed.ciphertext = Data(ct).base64EncodedString()
        #expect(throws: LifelogVault.Failure.self) { try LifelogVault.open(changed, passphrase: v.passphrase) }
        var old = v.envelope
        old.version = 2
        #expect(old.problem(ciphertextBytesMax: 1 << 20)?.contains("version") == true)
        var weak = v.envelope
        weak.kdf.iterations = 1000
        #expect(weak.problem(ciphertextBytesMax: 1 << 20) != nil)
        #expect(v.envelope.problem(ciphertextBytesMax: 10)?.contains("over") == true)
        #expect(v.envelope.problem(ciphertextBytesMax: 1 << 20) == nil)
    }

    @Test("random salt and nonce: two seals of the same log differ and both open")
    func fresh() throws {
        let a = try LifelogVault.seal(Array("x".utf8), passphrase: "pass phrase")
        let b = try LifelogVault.seal(Array("x".utf8), passphrase: "pass phrase")
        #expect(a.kdf.salt != b.kdf.salt && a.cipher.nonce != b.cipher.nonce && a.ciphertext != b.ciphertext)
        #expect(try LifelogVault.open(b, passphrase: "pass phrase") == Array("x".utf8))
    }
}
