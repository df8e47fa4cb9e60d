import Clocks
import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
import Wire
import WorldModel

@testable import BitgoeulServer
@testable import Realtime
@testable import RealtimeSession

/// The socket's side of the hot path without a network: frames from the tick written on the
/// channel's loop in one turn, and moves taken off the socket as they are decoded.
@Suite struct SocketOutletTests {
    static func frame(_ byte: UInt8) -> ByteBuffer { ByteBuffer(bytes: [byte, byte]) }

    @Test func theTicksFramesAreWrittenInOneTurnOfTheLoopAndEachSocketFlushedOnce() throws {
        let loop = EmbeddedEventLoop()
        let a = EmbeddedChannel(loop: loop)
        let b = EmbeddedChannel(loop: loop)
        let outletA = WebSocketOutlet(channel: a)
        let outletB = WebSocketOutlet(channel: b)
        #expect(outletA.send(Self.frame(1), framesMax: 8))
        #expect(outletB.send(Self.frame(2), framesMax: 8))
        #expect(outletA.send(Self.frame(3), framesMax: 8))
        // Nothing reaches a socket until the loop turns.
        #expect(try a.readOutbound(as: WebSocketFrame.self) == nil)
        loop.run()
        let toA = [try a.readOutbound(as: WebSocketFrame.self), try a.readOutbound(as: WebSocketFrame.self)]
        #expect(toA.map { $0?.data } == [Self.frame(1), Self.frame(3)])
        #expect(toA.allSatisfy { $0?.opcode == .binary && $0?.fin == true })
        #expect(try b.readOutbound(as: WebSocketFrame.self)?.data == Self.frame(2))
        #expect(try a.readOutbound(as: WebSocketFrame.self) == nil)
    }

    @Test func aClientThatFallsBehindIsToldSo() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let outlet = WebSocketOutlet(channel: channel)
        // Frames not yet written count against framesMax...
        #expect(outlet.send(Self.frame(1), framesMax: 2))
        #expect(outlet.send(Self.frame(2), framesMax: 2))
        #expect(!outlet.send(Self.frame(3), framesMax: 2))
        loop.run()
        #expect(outlet.send(Self.frame(4), framesMax: 2), "written, they no longer count")
        // ...and so does a socket past its high-water mark.
        channel.isWritable = false
        #expect(!outlet.send(Self.frame(5), framesMax: 2))
        loop.run()
    }

    @Test func movesAreTakenOffTheSocketAndTheRestPassedOn() throws {
        let link = ClientLink(
            walker: Walker(accountId: nil, personaId: nil, name: "나비", appearance: .standard), sink: .count)
        let shortcut = MoveShortcut(
            limits: ConnectionLimits(), clock: ManualClock(at: Date(timeIntervalSince1970: 1_790_000_000)).clock)
        shortcut.walk(in: link)
        let server = EmbeddedChannel()
        try server.pipeline.syncOperations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder()))
        try MoveReader.add(to: server.pipeline.syncOperations, shortcut: shortcut)

        let move = MoveIntent(seq: 9, x: 3, y: 4, z: 0, heading: 1, animation: .walk)
        try server.writeInbound(Self.masked(Frame.encode([.move(move)])))
        #expect(try server.readInbound(as: WebSocketFrame.self) == nil, "taken")
        #expect(link.drain().move == move)

        try server.writeInbound(Self.masked(Frame.encode([.chat(scope: .space, text: "hi")])))
        let passed = try #require(try server.readInbound(as: WebSocketFrame.self))
        #expect(passed.unmaskedData == Frame.encode([.chat(scope: .space, text: "hi")]))
        #expect(link.drain().move == nil)
    }

    /// With the writer installed below the encoder, the bytes on the wire are exactly what the
    /// encoder writes for the same frame (short, 16-bit and 64-bit lengths), and other frames still
    /// take the encoder.
    @Test func framesWrittenBelowTheEncoderAreTheEncodersBytes() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
        let outlet = WebSocketOutlet(channel: channel)
        try outlet.installWriter(channel.pipeline.syncOperations)
        for size in [3, 125, 126, 65_535, 65_536, 70_000] {
            let payload = ByteBuffer(repeating: UInt8(size % 251), count: size)
            #expect(outlet.send(payload, framesMax: 8))
            loop.run()
            var wire = ByteBuffer()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&part) }
            #expect(wire == (try Self.encoded(payload)), "\(size) bytes")
        }
        // A close frame from the WebSocket handler still goes through the encoder.
        try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer()))
        var close = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { close.writeBuffer(&part) }
        #expect(close == ByteBuffer(bytes: [0x88, 0x00]))
    }

    /// `payload` as the encoder frames it from a server: final, binary, unmasked.
    static func encoded(_ payload: ByteBuffer) throws -> ByteBuffer {
        let server = EmbeddedChannel(handler: WebSocketFrameEncoder())
        try server.writeOutbound(WebSocketFrame(fin: true, opcode: .binary, data: payload))
        var bytes = ByteBuffer()
        while var part = try server.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&part) }
        return bytes
    }

    /// `payload` as a browser sends it: one final binary frame, masked.
    static func masked(_ payload: ByteBuffer) throws -> ByteBuffer {
        let client = EmbeddedChannel(handler: WebSocketFrameEncoder())
        var frame = WebSocketFrame(fin: true, opcode: .binary, data: payload)
        frame.maskKey = WebSocketMaskingKey.random()
        try client.writeOutbound(frame)
        var bytes = ByteBuffer()
        while var part = try client.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&part) }
        return bytes
    }
}
