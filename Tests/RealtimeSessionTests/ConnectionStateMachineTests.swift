import Accounts
import Clocks
import Foundation
import NIOCore
import Realtime
import RealtimeSession
import Safety
import Storage
import Testing
import Wire
import WorldModel

/// The connection protocol without sockets: frames in, actions out, outcomes fed back by hand.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    static let noon = Date(timeIntervalSince1970: 1_790_000_000)
    static let hall = Space(
        id: "t/hall", name: LocalizedText(ko: "홀", en: "Hall"), kind: .indoor,
        anchor: GeoAnchor(latitude: 35, longitude: 126), bounds: Bounds(minX: 0, minY: 0, maxX: 50, maxY: 50),
        spawns: [SpawnPoint(position: Point(5, 5))], capacity: 1)
    static let club = Space(
        id: "t/club", name: LocalizedText(ko: "클럽", en: "Club"), kind: .indoor,
        anchor: GeoAnchor(latitude: 35, longitude: 126), bounds: Bounds(minX: 0, minY: 0, maxX: 50, maxY: 50),
        spawns: [SpawnPoint(position: Point(5, 5))], capacity: 10, allowGuests: false)

    let clock = ManualClock(at: noon)
    let board = SafetyBoard()
    let directory = SpaceDirectory(spaces: [hall, club])

    func machine(limits: ConnectionLimits = ConnectionLimits()) -> Machine {
        let monotonic = clock.clock.monotonicS
        return Machine(
            environment: SessionEnvironment(
                directory: directory, board: board, limits: limits,
                accountLimits: AccountLimiter(limits: limits, monotonicS: monotonic),
                personaSwitch: PersonaSwitchGuard(windowS: 60, delayS: 3...12, monotonicS: monotonic),
                words: WordFilter(words: ["바보"]), clock: clock.clock, realtime: RealtimeConfig(),
                connectionsPerAccountMax: 2, reportsPerDayMax: 3))
    }

    static func frame(_ messages: ClientMessage...) -> ByteBuffer { Frame.encode(messages) }

    /// The messages the machine sent, and whether it asked for anything else.
    static func sent(_ actions: [Machine.Action]) -> [ServerMessage] {
        actions.compactMap { if case .send(let m) = $0 { m } else { nil } }
    }

    static func errorCodes(_ actions: [Machine.Action]) -> [ErrorCode] {
        sent(actions).compactMap { if case .error(let code, _) = $0 { code } else { nil } }
    }

    static func closeCode(_ actions: [Machine.Action]) -> UInt16? {
        actions.lazy.compactMap { if case .close(let code, _) = $0 { code } else { nil } }.first
    }

    static func request(_ actions: [Machine.Action]) -> Machine.Request? {
        actions.lazy.compactMap { if case .perform(let r) = $0 { r } else { nil } }.first
    }

    /// A guest, greeted.
    func guest() -> Machine {
        var m = machine()
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "")))
        return m
    }

    /// An account, greeted after its token and rules were looked up.
    func signedIn(_ account: Int64 = 7, roles: [String: SpaceRole] = [:]) -> Machine {
        var m = machine()
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "tok")))
        _ = m.receive(.authenticated(account: account))
        _ = m.receive(.accountLoaded(rules: PartyRules(), roles: roles))
        return m
    }

    @Test func helloComesFirstAndInThisVersion() {
        var m = machine()
        #expect(Self.closeCode(m.receive(frame: Self.frame(.ping(clientTimeMs: 1)))) == CloseCode.helloTimeout)
        m = machine()
        let old = m.receive(frame: Self.frame(.hello(version: WireFormat.version + 1, token: "")))
        #expect(Self.closeCode(old) == CloseCode.versionUnsupported)
    }

    @Test func aGuestIsWelcomedAtOnce() {
        var m = machine()
        let actions = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "")))
        #expect(Self.sent(actions) == [.welcome(version: WireFormat.version, tickHz: 20, guest: true)])
        #expect(m.isGreeted)
        guard case .ready(let who) = m.state else { Issue.record("not ready: \(m.state)"); return }
        #expect(who.account == nil && who.party < 0 && board.connections(of: who.party) == 1)
    }

    @Test func aTokenIsLookedUpThenTheAccountsRules() {
        var m = machine()
        let hello = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "tok")))
        guard case .authenticate(let token) = Self.request(hello) else { Issue.record("\(hello)"); return }
        #expect(token == "tok" && !m.isGreeted)
        let loaded = m.receive(.authenticated(account: 7))
        guard case .loadAccount(7) = Self.request(loaded) else { Issue.record("\(loaded)"); return }
        let welcome = m.receive(.accountLoaded(rules: PartyRules(), roles: ["t/hall": .moderator, "*": .docent]))
        #expect(Self.sent(welcome) == [.welcome(version: WireFormat.version, tickHz: 20, guest: false)])
        #expect(welcome.contains { if case .watch(7) = $0 { true } else { false } })
        guard case .ready(let who) = m.state else { Issue.record("not ready"); return }
        // The roles are part of the account's live rules, where a later change reaches them too.
        #expect(who.account == 7)
        #expect(board.rules(7).moderatedSpaces == ["t/hall"] && board.rules(7).guidedSpaces == ["t/hall", "*"])
    }

    @Test func badTokensAndAFailingStoreCloseTheConnection() {
        var m = machine()
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "tok")))
        #expect(Self.closeCode(m.receive(.authenticated(account: nil))) == CloseCode.unauthorized)
        m = machine()
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "tok")))
        #expect(Self.closeCode(m.receive(.failed)) == CloseCode.goingAway)
        m = machine()
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "tok")))
        _ = m.receive(.authenticated(account: 7))
        #expect(Self.closeCode(m.receive(.failed)) == CloseCode.goingAway)
    }

    @Test func anAccountHoldsOnlySoManyConnections() {
        board.attach(7, rules: nil)
        board.attach(7, rules: nil)
        var m = machine()
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "tok")))
        #expect(Self.closeCode(m.receive(.authenticated(account: 7))) == CloseCode.policyViolation)
    }

    @Test func messagesOfAFrameWaitForTheRequestBeforeThem() {
        var m = machine()
        let first = m.receive(
            frame: Self.frame(.hello(version: WireFormat.version, token: "tok"), .ping(clientTimeMs: 5)))
        #expect(Self.sent(first).isEmpty, "the ping waits for the sign-in")
        _ = m.receive(.authenticated(account: 7))
        clock.advance(by: 2)
        let rest = m.receive(.accountLoaded(rules: PartyRules(), roles: [:]))
        let serverMs = (Self.noon.timeIntervalSince1970 + 2) * 1000
        #expect(
            Self.sent(rest) == [
                .welcome(version: WireFormat.version, tickHz: 20, guest: false),
                .pong(clientTimeMs: 5, serverTimeMs: serverMs),
            ])
    }

    @Test func inASpaceOnlyAfterJoining() {
        var m = guest()
        let move = MoveIntent(seq: 1, x: 1, y: 1, z: 0, heading: 0, animation: .idle)
        #expect(Self.errorCodes(m.receive(frame: Self.frame(.move(move)))) == [.notJoined])
        #expect(Self.errorCodes(m.receive(frame: Self.frame(.leave))) == [.notJoined])
        let joined = m.receive(frame: Self.frame(.joinGuest(space: "t/hall", name: "나비", appearance: .standard)))
        #expect(joined.contains { if case .startWriter = $0 { true } else { false } })
        #expect(Self.errorCodes(m.receive(frame: Self.frame(.move(move)))).isEmpty)
        let again = m.receive(frame: Self.frame(.joinGuest(space: "t/hall", name: "나비", appearance: .standard)))
        #expect(Self.errorCodes(again) == [.alreadyJoined])
        #expect(Self.sent(m.receive(frame: Self.frame(.leave))) == [.left(reason: .requested)])
        guard case .ready = m.state else { Issue.record("not back between spaces"); return }
    }

    @Test func guestsMeetTheSpacesRules() {
        var m = guest()
        let unknown = m.receive(frame: Self.frame(.joinGuest(space: "t/none", name: "나비", appearance: .standard)))
        #expect(Self.errorCodes(unknown) == [.unknownSpace])
        let club = m.receive(frame: Self.frame(.joinGuest(space: "t/club", name: "나비", appearance: .standard)))
        #expect(Self.errorCodes(club) == [.guestsNotAllowed])
        let persona = m.receive(frame: Self.frame(.join(space: "t/hall", personaId: 1)))
        #expect(Self.errorCodes(persona) == [.unknownPersona])
        let badName = m.receive(frame: Self.frame(.joinGuest(space: "t/hall", name: " ", appearance: .standard)))
        #expect(Self.errorCodes(badName) == [.badName])
    }

    @Test func aFullSpaceTurnsTheNextOneAway() {
        var first = guest()
        _ = first.receive(frame: Self.frame(.joinGuest(space: "t/hall", name: "하나", appearance: .standard)))
        var second = guest()
        let full = second.receive(frame: Self.frame(.joinGuest(space: "t/hall", name: "둘째", appearance: .standard)))
        #expect(Self.errorCodes(full) == [.spaceFull])
    }

    @Test func aPersonaIsLookedUpAndMustBeTheAccounts() {
        var m = signedIn(7)
        let asked = m.receive(frame: Self.frame(.join(space: "t/club", personaId: 3)))
        guard case .loadPersona(3) = Self.request(asked) else { Issue.record("\(asked)"); return }
        let theirs = m.receive(
            .personaLoaded(
                accountId: 8, persona: Persona(id: 3, name: "남", appearance: .standard), createdAt: Self.noon))
        #expect(Self.errorCodes(theirs) == [.unknownPersona])
        _ = m.receive(frame: Self.frame(.join(space: "t/club", personaId: 4)))
        let mine = m.receive(
            .personaLoaded(
                accountId: 7, persona: Persona(id: 4, name: "나", appearance: .standard), createdAt: Self.noon))
        #expect(mine.contains { if case .startWriter = $0 { true } else { false } })
    }

    @Test func switchingPersonasSoonAfterLeavingWaitsFirst() {
        var m = signedIn(7)
        _ = m.receive(frame: Self.frame(.join(space: "t/club", personaId: 4)))
        _ = m.receive(
            .personaLoaded(
                accountId: 7, persona: Persona(id: 4, name: "나", appearance: .standard), createdAt: Self.noon))
        _ = m.receive(frame: Self.frame(.leave))
        clock.advance(by: 5)
        _ = m.receive(frame: Self.frame(.join(space: "t/club", personaId: 5)))
        let other = m.receive(
            .personaLoaded(
                accountId: 7, persona: Persona(id: 5, name: "또", appearance: .standard), createdAt: Self.noon))
        guard case .wait(let seconds) = Self.request(other) else { Issue.record("\(other)"); return }
        #expect((3...12).contains(seconds))
        #expect(m.receive(.waited).contains { if case .startWriter = $0 { true } else { false } })
    }

    @Test func chatIsCleanedAndYoungPersonasPostNoLinks() {
        var m = signedIn(7)
        _ = m.receive(frame: Self.frame(.join(space: "t/club", personaId: 4)))
        _ = m.receive(
            .personaLoaded(
                accountId: 7, persona: Persona(id: 4, name: "나", appearance: .standard), createdAt: Self.noon))
        #expect(
            Self.errorCodes(m.receive(frame: Self.frame(.chat(scope: .proximity, text: "  \u{7} ")))) == [.invalidValue]
        )
        #expect(
            Self.errorCodes(m.receive(frame: Self.frame(.chat(scope: .proximity, text: "www.a.kr")))) == [.notAllowed])
        clock.advance(by: 24 * 3600)
        #expect(Self.errorCodes(m.receive(frame: Self.frame(.chat(scope: .proximity, text: "www.a.kr")))).isEmpty)
    }

    @Test func malformedMessagesAreAnsweredThenTheConnectionClosed() {
        var limits = ConnectionLimits()
        limits.errorsBurst = 3
        var m = machine(limits: limits)
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "")))
        var closed: UInt16?
        for _ in 0..<4 where closed == nil {
            closed = Self.closeCode(m.receiveText())
        }
        #expect(closed == CloseCode.protocolErrors)
    }

    @Test func refusalsOverTheRateLimitEndAsAFlood() {
        var limits = ConnectionLimits()
        limits.pingsBurst = 1
        limits.violationsBurst = 5
        var m = machine(limits: limits)
        _ = m.receive(frame: Self.frame(.hello(version: WireFormat.version, token: "")))
        let pings = Array(repeating: ClientMessage.ping(clientTimeMs: 1), count: 10)
        let actions = m.receive(frame: Frame.encode(pings))
        #expect(Self.sent(actions).filter { if case .pong = $0 { true } else { false } }.count == 1)
        #expect(Self.errorCodes(actions).count == 6, "five refusals allowed, the sixth closes")
        #expect(Self.closeCode(actions) == CloseCode.flooding)
    }

    @Test func reportsAreCheckedBeforeAnythingIsAsked() {
        var m = guest()
        _ = m.receive(frame: Self.frame(.joinGuest(space: "t/hall", name: "나비", appearance: .standard)))
        let badCategory = m.receive(frame: Self.frame(.report(entityId: 1, category: 99, block: false, note: "")))
        #expect(Self.errorCodes(badCategory) == [.invalidValue])
        let long = String(repeating: "가", count: ReportRules.noteLengthMax + 1)
        let tooLong = m.receive(frame: Self.frame(.report(entityId: 1, category: 0, block: false, note: long)))
        #expect(Self.errorCodes(tooLong) == [.textTooLong])
        let nobody = m.receive(frame: Self.frame(.report(entityId: 404, category: 0, block: false, note: "")))
        #expect(Self.errorCodes(nobody) == [.unknownEntity])
        #expect(Self.request(nobody) == nil)
    }

    @Test func theEndTakesThePartyOffTheBoard() {
        var m = guest()
        guard case .ready(let who) = m.state else { Issue.record("not ready"); return }
        m.end()
        #expect(board.connections(of: who.party) == 0)
        guard case .closed = m.state else { Issue.record("not closed"); return }
    }
}
