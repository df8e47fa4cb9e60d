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

    init(channel: any Channel) {
        self.channel = channel
        mailbox = LoopMailbox.of(channel.eventLoop)
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
        for (outlet, frame) in frames {
            outlet.channel.write(WebSocketFrame(fin: true, opcode: .binary, data: frame), promise: nil)
            outlet.unwritten.subtract(1, ordering: .relaxed)
            written.insert(ObjectIdentifier(outlet))
        }
        for (outlet, _) in frames where written.remove(ObjectIdentifier(outlet)) != nil {
            outlet.channel.flush()
        }
        frames.removeAll(keepingCapacity: true)
        waiting.withLock { w in
            if w.spare.capacity < frames.capacity { w.spare = frames }
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

    /// Puts a reader right after the WebSocket frame decoder of `channel`; false when the pipeline
    /// has no such decoder (the connection then works without the shortcut).
    static func install(on channel: any Channel, shortcut: MoveShortcut) async -> Bool {
        let installed = channel.eventLoop.submit {
            try add(to: channel.pipeline.syncOperations, shortcut: shortcut)
        }
        return (try? await installed.get()) != nil
    }

    /// The same, on the channel's loop.
    static func add(to operations: ChannelPipeline.SynchronousOperations, shortcut: MoveShortcut) throws {
        let decoder = try operations.context(handlerType: ByteToMessageHandler<WebSocketFrameDecoder>.self)
        try operations.addHandler(MoveReader(shortcut: shortcut), position: .after(decoder.handler))
    }
}
