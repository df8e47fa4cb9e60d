import Crypto
import Foundation
import Privacy

/// Life-log vault envelopes as the server checks them and the SDK opens them. The slow key
/// derivation is skipped (a fixed key): the parsing and the AES-GCM open are what is fuzzed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVault(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let envelope = try? JSONDecoder().decode(VaultEnvelope.self, from: Data(bytes: start, count: count)),
        envelope.problem(ciphertextBytesMax: 256 * 1024) == nil
    else { return 0 }
    _ = try? LifelogVault.open(envelope, key: SymmetricKey(data: [UInt8](repeating: 7, count: 32)))
    return 0
}
