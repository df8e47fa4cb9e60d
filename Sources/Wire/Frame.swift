import NIOCore

/// Splits WebSocket frames into messages and joins messages into frames.
public enum Frame {
    /// Most messages one client frame may carry; more is a protocol error.
    public static let clientMessagesMax = 32

    /// Calls `body` with each message's type and payload, in order.
    ///
    /// Throws when a header or payload is cut short or the frame holds too many messages; messages
    /// before the bad one have already been handed to `body`.
    public static func forEachMessage(
        in frame: ByteBuffer, messagesMax: Int = clientMessagesMax,
        _ body: (UInt8, inout ByteBuffer) throws(WireError) -> Void
    ) throws(WireError) {
        var frame = frame
        var count = 0
        guard frame.readableBytes > 0 else {
            throw WireError(.truncated, field: "frame", reason: "empty frame")
        }
        while frame.readableBytes > 0 {
            count += 1
            guard count <= messagesMax else {
                throw WireError(.tooLong, field: "frame", reason: "at most \(messagesMax) messages per frame")
            }
            guard frame.readableBytes >= WireFormat.messageHeaderBytes,
                let type = frame.readInteger(as: UInt8.self),
                let length = frame.readInteger(endianness: .little, as: UInt16.self)
            else {
                throw WireError(.truncated, field: "frame", reason: "message header is 3 bytes: type u8, length u16")
            }
            guard var payload = frame.readSlice(length: Int(length)) else {
                throw WireError(.truncated, field: "frame", reason: "message length \(length) exceeds the frame")
            }
            try body(type, &payload)
        }
    }

    /// Decodes every client message in a frame, stopping at the first error.
    public static func decodeClient(_ frame: ByteBuffer) throws(WireError) -> [ClientMessage] {
        var out: [ClientMessage] = []
        try forEachMessage(in: frame) { (type, payload) throws(WireError) in
            out.append(try ClientMessage.decode(type: type, payload: &payload))
        }
        return out
    }

    /// Decodes every server message in a frame.
    public static func decodeServer(_ frame: ByteBuffer) throws(WireError) -> [ServerMessage] {
        var out: [ServerMessage] = []
        try forEachMessage(in: frame, messagesMax: 1024) { (type, payload) throws(WireError) in
            out.append(try ServerMessage.decode(type: type, payload: &payload))
        }
        return out
    }

    /// One frame holding the given messages.
    public static func encode(_ messages: [ClientMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for m in messages { m.encode(into: &buffer) }
        return buffer
    }

    public static func encode(_ messages: [ServerMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for m in messages { m.encode(into: &buffer) }
        return buffer
    }
}
