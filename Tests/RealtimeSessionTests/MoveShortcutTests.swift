import NIOCore
import Testing
import Wire
import WorldModel

@testable import Realtime
@testable import RealtimeSession

/// Moves taken on the socket's thread: only a frame holding one move, in range and within the
/// rate, for a connection in a space; everything else is left to the state machine.
@Suite struct MoveShortcutTests {
    let machines = ConnectionStateMachineTests()

    func joined(limits: ConnectionLimits = ConnectionLimits()) throws -> (ConnectionStateMachine, ClientLink) {
        var m = machines.machine(limits: limits)
        _ = m.receive(frame: Frame.encode([.hello(version: WireFormat.version, token: "")]))
        _ = m.receive(frame: Frame.encode([.joinGuest(space: "t/hall", name: "나비", appearance: .standard)]))
        guard case .joined(_, let presence) = m.state else { throw TestFailure("not joined: \(m.state)") }
        return (m, presence.link)
    }

    static func move(_ seq: UInt32, x: Float = 1) -> MoveIntent {
        MoveIntent(seq: seq, x: x, y: 2, z: 0, heading: 0, animation: .walk)
    }

    @Test func aMoveFrameGoesStraightToTheSpacesInbox() throws {
        let (m, link) = try joined()
        #expect(m.moves.take(Frame.encode([.move(Self.move(5))])))
        #expect(link.drain().move == Self.move(5))
    }

    @Test func everythingElseIsLeftToTheMachine() throws {
        var (m, link) = try joined()
        let chat = ClientMessage.chat(scope: .space, text: "안녕")
        #expect(!m.moves.take(Frame.encode([chat])))
        #expect(!m.moves.take(Frame.encode([.move(Self.move(1)), chat])), "a move with another message")
        #expect(!m.moves.take(Frame.encode([.move(Self.move(1)), .move(Self.move(2))])))
        var cut = Frame.encode([.move(Self.move(1))])
        cut.moveWriterIndex(to: cut.writerIndex - 1)
        #expect(!m.moves.take(cut), "a truncated move")
        // Out of range: refused here, and answered by the machine.
        let far = Frame.encode([.move(Self.move(1, x: 2_000_000))])
        #expect(!m.moves.take(far))
        #expect(ConnectionStateMachineTests.errorCodes(m.receive(frame: far)) == [.invalidValue])
        #expect(link.drain().move == nil)
        // Having left, a move is not taken.
        _ = m.receive(frame: Frame.encode([.leave]))
        #expect(!m.moves.take(Frame.encode([.move(Self.move(3))])))
    }

    @Test func betweenSpacesAMoveIsNotTaken() {
        let m = machines.guest()
        #expect(!m.moves.take(Frame.encode([.move(Self.move(1))])))
    }

    @Test func theMoveRateIsOneBucketForBothWays() throws {
        var limits = ConnectionLimits()
        limits.violationsBurst = 1
        var (m, link) = try joined(limits: limits)
        // The burst (40) passes on the socket's thread; the next is left to the machine, which
        // drops it too and counts every tenth drop as a violation: the second one is a flood.
        for seq in 0..<40 { #expect(m.moves.take(Frame.encode([.move(Self.move(UInt32(seq)))]))) }
        #expect(!m.moves.take(Frame.encode([.move(Self.move(40))])))
        var closes: [UInt16?] = []
        for seq in 41..<61 {
            closes.append(
                ConnectionStateMachineTests.closeCode(m.receive(frame: Frame.encode([.move(Self.move(UInt32(seq)))]))))
        }
        #expect(closes.compactMap { $0 } == [CloseCode.flooding] && closes.last == CloseCode.flooding)
        #expect(link.drain().move == Self.move(39))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
