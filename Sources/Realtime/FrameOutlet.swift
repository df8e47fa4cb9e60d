import NIOCore

/// Where a connection's frames go when it has a socket: written on the socket's own thread.
///
/// The space's tick hands a frame over and returns at once; the outlet queues it for the socket's
/// event loop, which writes every frame queued for it in one turn and flushes each socket once.
/// There is no task and no async hop per frame (issue 16, item 8).
public protocol FrameOutlet: Sendable {
    /// Queues `frame` for writing; false when the client is behind (its socket's buffer is past its
    /// high-water mark, or `framesMax` frames are still unwritten): the tick then resynchronises it.
    func send(_ frame: ByteBuffer, framesMax: Int) -> Bool
}
