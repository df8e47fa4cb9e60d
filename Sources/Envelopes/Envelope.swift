import Foundation

/// The shape of every signed token Bitgoeul servers hand each other (a cluster's handoff ticket and
/// parcel seal, a federation's travel ticket): `prefix` + base64url(claims JSON) + `.` +
/// base64url(Ed25519 signature over a domain + the claims' bytes). Signing and checking stay with
/// each kind; this is only the wrapping.
public enum Envelope {
    /// `prefix` + the two parts.
    public static func join(prefix: String, body: some DataProtocol, signature: some DataProtocol) -> String {
        prefix + Base64URL.encode(body) + "." + Base64URL.encode(signature)
    }

    /// The body and signature of `token`, or nil when it does not start with `prefix` or its parts
    /// are not two base64url strings.
    public static func split(_ token: String, prefix: String) -> (body: Data, signature: Data)? {
        guard token.hasPrefix(prefix) else { return nil }
        let parts = token.utf8.dropFirst(prefix.utf8.count).split(
            separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 2, let body = Base64URL.decode(bytes: parts[0]),
            let signature = Base64URL.decode(bytes: parts[1])
        else { return nil }
        return (body, signature)
    }
}

/// base64url without padding (RFC 4648 §5), as tokens and pinned keys use it; byte by byte, without
/// string searches (a ticket check is mostly this and the signature).
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ data: some DataProtocol) -> String {
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        let left = bytes.count - i
        if left > 0 {
            let n = UInt32(bytes[i]) << 16 | (left == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            if left == 2 { out.append(alphabet[Int((n >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        decode(bytes: text.utf8)
    }

    /// The bytes of base64url text without padding, or nil for any other character or a length that
    /// no encoding has (4n + 1), or stray bits in the last character.
    public static func decode(bytes text: some Collection<UInt8>) -> Data? {
        guard text.count % 4 != 1 else { return nil }
        var out = Data()
        out.reserveCapacity(text.count * 3 / 4)
        var n: UInt32 = 0
        var bits = 0
        for c in text {
            let v = values[Int(c)]
            guard v != 0xFF else { return nil }
            n = n << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((n >> UInt32(bits)) & 0xFF))
            }
        }
        // Leftover bits must be zero, so each byte string has one encoding.
        guard n & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
