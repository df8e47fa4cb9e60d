import NIOCore
import Wire

/// The binary protocol from both sides: a client frame as the server reads it, and a server frame
/// as the SDK reads it. Every decoded client message must encode and decode to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let frame = ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    try? Frame.forEachMessage(in: frame) { (type, payload) throws(WireError) in
        guard let message = try? ClientMessage.decode(type: type, payload: &payload) else { return }
        var again = ByteBuffer()
        message.encode(into: &again)
        guard let round = try? Frame.decodeClient(again), round.count == 1 else {
            fatalError("a decoded \(message) does not decode after encoding")
        }
    }
    _ = try? Frame.decodeServer(frame)
    return 0
}
