import Synchronization
import Wire

/// Live WebSocket connections by account, so erasure, suspensions and bans end them at once.
///
/// A connection registers once its `hello` names the account, and receives one `Ending` on its
/// stream when it must close. Accounts ended for good (erased) are remembered, so a connection
/// that registers a moment after the erasure ran is ended too.
final class ConnectionRegistry: Sendable {
    /// Why a connection must close: the WebSocket close code and reason.
    struct Ending: Sendable, Equatable {
        let code: UInt16
        let reason: String
    }

    private struct State {
        var live: [Int64: [UInt64: AsyncStream<Ending>.Continuation]] = [:]
        var gone: Set<Int64> = []
        var goneOrder: [Int64] = []
        var nextId: UInt64 = 1
    }

    /// Erased accounts remembered (ids are never reused; the newest are what a race can meet).
    static let goneMax = 10_000
    private let state = Mutex(State())

    /// Registers a connection of `account`; its stream yields once if the connection must end.
    func register(account: Int64) -> (id: UInt64, endings: AsyncStream<Ending>) {
        let (stream, continuation) = AsyncStream<Ending>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            if s.gone.contains(account) {
                continuation.yield(Ending(code: Self.erasedCode, reason: Self.erasedReason))
                continuation.finish()
            } else {
                s.live[account, default: [:]][id] = continuation
            }
            return id
        }
        return (id, stream)
    }

    func unregister(account: Int64, id: UInt64) {
        let continuation = state.withLock { s -> AsyncStream<Ending>.Continuation? in
            let c = s.live[account]?.removeValue(forKey: id)
            if s.live[account]?.isEmpty == true { s.live[account] = nil }
            return c
        }
        continuation?.finish()
    }

    /// Ends every live connection of `account`; `forGood` also ends any that registers later.
    /// Returns how many were live.
    @discardableResult
    func end(account: Int64, code: UInt16, reason: String, forGood: Bool = false) -> Int {
        let ended = state.withLock { s -> [AsyncStream<Ending>.Continuation] in
            if forGood && s.gone.insert(account).inserted {
                s.goneOrder.append(account)
                if s.goneOrder.count > Self.goneMax { s.gone.remove(s.goneOrder.removeFirst()) }
            }
            return Array((s.live.removeValue(forKey: account) ?? [:]).values)
        }
        for c in ended {
            c.yield(Ending(code: code, reason: reason))
            c.finish()
        }
        return ended.count
    }

    static let erasedCode = CloseCode.accountEnded
    static let erasedReason = "your account was erased; its personas are gone"
}
