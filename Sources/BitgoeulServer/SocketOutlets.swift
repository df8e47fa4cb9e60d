import Logging
import NIOCore
import NIOWebSocket
import Realtime
import RealtimeSession
import Synchronization

/// The space ticks' frames for one WebSocket, written on the socket's event loop.
///
/// `send` runs on a space's tick thread: it checks that the client keeps up and queues the frame in
/// its loop's mailbox. No task, stream or async writer stands between the tick and the socket.
final class WebSocketOutlet: FrameOutlet {
    let channel: any Channel
    private let mailbox: LoopMailbox
    /// Frames queued and not yet handed to the socket.
    fileprivate let unwritten = Atomic<Int>(0)
    /// Where framed bytes go straight towards the socket (`FrameWriter`), once installed; until then
    /// (and without a WebSocket encoder in the pipeline) frames take the whole pipeline.
    fileprivate let writer: NIOLoopBoundBox<ChannelHandlerContext?>

    init(channel: any Channel) {
        self.channel = channel
        mailbox = LoopMailbox.of(channel.eventLoop)
        writer = .makeEmptyBox(valueType: ChannelHandlerContext.self, eventLoop: channel.eventLoop)
    }

    /// Puts a `FrameWriter` just below the channel's WebSocket frame encoder and writes through it
    /// from then on; false when the pipeline has no such encoder. On the channel's loop.
    func installWriter(_ operations: ChannelPipeline.SynchronousOperations) throws {
        let encoder = try operations.context(handlerType: WebSocketFrameEncoder.self)
        let frameWriter = FrameWriter()
        try operations.addHandler(frameWriter, position: .before(encoder.handler))
        writer.value = try operations.context(handler: frameWriter)
    }

    func send(_ frame: ByteBuffer, framesMax: Int) -> Bool {
        // `isWritable` turns false past the socket's high-water mark (64 KiB unsent): a slow client.
        guard channel.isWritable, unwritten.load(ordering: .relaxed) < framesMax else { return false }
        unwritten.add(1, ordering: .relaxed)
        return mailbox.post(frame, to: self)
    }
}

/// Frames waiting for one event loop: the first frame after a turn asks the loop for one more
/// turn, which writes every frame queued by then and flushes each socket once.
final class LoopMailbox: Sendable {
    private struct Waiting {
        var frames: [(WebSocketOutlet, ByteBuffer)] = []
        /// The last turn's array, kept for its capacity.
        var spare: [(WebSocketOutlet, ByteBuffer)] = []
        var turnAsked = false
    }

    /// Frames one loop may have waiting; past this (a loop that stopped turning) frames are refused.
    static let framesMax = 65_536
    private let loop: any EventLoop
    private let allocator = ByteBufferAllocator()
    private let waiting = Mutex(Waiting())

    private init(loop: any EventLoop) { self.loop = loop }

    private static let all = Mutex<[ObjectIdentifier: LoopMailbox]>([:])

    /// The one mailbox of `loop`.
    static func of(_ loop: any EventLoop) -> LoopMailbox {
        all.withLock { boxes in
            let key = ObjectIdentifier(loop)
            if let box = boxes[key] { return box }
            let box = LoopMailbox(loop: loop)
            boxes[key] = box
            return box
        }
    }

    fileprivate func post(_ frame: ByteBuffer, to outlet: WebSocketOutlet) -> Bool {
        let (queued, askTurn) = waiting.withLock { w -> (Bool, Bool) in
            guard w.frames.count < Self.framesMax else { return (false, false) }
            w.frames.append((outlet, frame))
            if w.turnAsked { return (true, false) }
            w.turnAsked = true
            return (true, true)
        }
        if !queued { outlet.unwritten.subtract(1, ordering: .relaxed) }
        if askTurn { loop.execute { self.writeAll() } }
        return queued
    }

    /// On the loop: writes what is waiting, then flushes each socket written to.
    private func writeAll() {
        var frames = waiting.withLock { w in
            w.turnAsked = false
            var taken = w.spare
            swap(&taken, &w.frames)
            return taken
        }
        var written = Set<ObjectIdentifier>()
        // Every frame's header in one buffer, written before it is sliced (a slice shares the
        // storage, so writing after slicing would copy it): one allocation per turn.
        var headers = allocator.buffer(capacity: frames.count * FrameWriter.headerBytesMax)
        for (_, frame) in frames { FrameWriter.writeHeader(binaryPayloadBytes: frame.readableBytes, into: &headers) }
        for (outlet, frame) in frames {
            let header = headers.readSlice(length: FrameWriter.headerBytes(binaryPayloadBytes: frame.readableBytes))!
            if let context = outlet.writer.value {
                context.write(NIOAny(header), promise: nil)
                context.write(NIOAny(frame), promise: nil)
            } else {
                outlet.channel.write(WebSocketFrame(fin: true, opcode: .binary, data: frame), promise: nil)
            }
            outlet.unwritten.subtract(1, ordering: .relaxed)
            written.insert(ObjectIdentifier(outlet))
        }
        for (outlet, _) in frames where written.remove(ObjectIdentifier(outlet)) != nil {
            if let context = outlet.writer.value { context.flush() } else { outlet.channel.flush() }
        }
        frames.removeAll(keepingCapacity: true)
        waiting.withLock { w in
            if w.spare.capacity < frames.capacity { w.spare = frames }
        }
    }
}

/// Sits just below a WebSocket's frame encoder: the tick's frames, framed by `LoopMailbox`, are
/// written from here, so they pass no handler above it (the WebSocket handler, its async channel,
/// the encoder) on their way to the socket, and a flush starts here too. Anything else passes
/// through. Server frames are unmasked; the header is what `WebSocketFrameEncoder` writes.
final class FrameWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let headerBytesMax = 10

    /// The header's length for a payload of `count` bytes.
    static func headerBytes(binaryPayloadBytes count: Int) -> Int {
        count < 126 ? 2 : count <= Int(UInt16.max) ? 4 : 10
    }

    /// A final binary frame's header for a payload of `binaryPayloadBytes`.
    static func writeHeader(binaryPayloadBytes count: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x82))
        if count < 126 {
            buffer.writeInteger(UInt8(count))
        } else if count <= Int(UInt16.max) {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(count))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(count))
        }
    }
}

/// Takes moves off the socket as they are read (`MoveShortcut`) and passes every other frame on
/// to the WebSocket handler and the connection's state machine.
final class MoveReader: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    let shortcut: MoveShortcut

    init(shortcut: MoveShortcut) { self.shortcut = shortcut }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // A final binary frame is a whole message; fragments and compressed frames go the usual way.
        if frame.fin, frame.opcode == .binary, !frame.rsv1, shortcut.take(frame.unmaskedData) { return }
        context.fireChannelRead(data)
    }

    /// Puts a reader right after the WebSocket frame decoder of the outlet's channel, and the
    /// outlet's `FrameWriter` below its encoder; false when the pipeline has no such codec (the
    /// connection then works without the shortcuts).
    static func install(on outlet: WebSocketOutlet, shortcut: MoveShortcut) async -> Bool {
        let channel = outlet.channel
        let installed = channel.eventLoop.submit {
            try add(to: channel.pipeline.syncOperations, shortcut: shortcut)
            try outlet.installWriter(channel.pipeline.syncOperations)
        }
        return (try? await installed.get()) != nil
    }

    /// The same, on the channel's loop.
    static func add(to operations: ChannelPipeline.SynchronousOperations, shortcut: MoveShortcut) throws {
        let decoder = try operations.context(handlerType: ByteToMessageHandler<WebSocketFrameDecoder>.self)
        try operations.addHandler(MoveReader(shortcut: shortcut), position: .after(decoder.handler))
    }
}
