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

/// Visitors from other cities (docs/federation.md) without sockets: `visit` with a ticket the desk
/// checks, the account standing for the pseudonym, this city's rules, and the home's mark.
@Suite struct VisitorSessionTests {
    typealias Machine = ConnectionStateMachine
    static let noon = Date(timeIntervalSince1970: 1_790_000_000)
    static let street = Space(
        id: "daegu/street", name: LocalizedText(ko: "거리", en: "Street"), kind: .outdoor,
        anchor: GeoAnchor(latitude: 35.86, longitude: 128.6), bounds: Bounds(minX: 0, minY: 0, maxX: 50, maxY: 50),
        spawns: [SpawnPoint(position: Point(5, 5))], capacity: 10, allowGuests: false)

    /// Admits tickets named "good-…" (the rest of the name is the pseudonym), refuses the others.
    struct Desk: TravelDesk {
        var blocks: [String] = []
        func admit(_ ticket: String) -> Result<VisitorPass, VisitRefusal> {
            guard ticket.hasPrefix("good-") else { return .failure(VisitRefusal("the ticket is forged")) }
            return .success(
                VisitorPass(
                    city: "gwangju.example", cityName: "광주 Gwangju", cityURL: "https://gwangju.example",
                    pseudonym: String(ticket.dropFirst(5)), name: "민지", appearance: .standard, space: "daegu/street",
                    nonce: String(repeating: "0", count: 32), expiresAt: noon + 60, blocks: blocks))
        }
    }

    let clock = ManualClock(at: noon)
    let board = SafetyBoard()
    let directory = SpaceDirectory(spaces: [street])

    func machine(desk: (any TravelDesk)? = Desk()) -> Machine {
        let limits = ConnectionLimits()
        let monotonic = clock.clock.monotonicS
        return Machine(
            environment: SessionEnvironment(
                directory: directory, board: board, limits: limits,
                accountLimits: AccountLimiter(limits: limits, monotonicS: monotonic),
                personaSwitch: PersonaSwitchGuard(windowS: 60, delayS: 3...12, monotonicS: monotonic),
                words: WordFilter(words: []), clock: clock.clock, realtime: RealtimeConfig(),
                connectionsPerAccountMax: 2, reportsPerDayMax: 3, travel: desk))
    }

    static func visit(_ ticket: String) -> ByteBuffer {
        Frame.encode([.visit(version: WireFormat.version, ticket: ticket)])
    }

    static func sent(_ actions: [Machine.Action]) -> [ServerMessage] {
        actions.compactMap { if case .send(let m) = $0 { m } else { nil } }
    }

    static func close(_ actions: [Machine.Action]) -> (code: UInt16, reason: String)? {
        actions.lazy.compactMap { if case .close(let code, let reason) = $0 { (code, reason) } else { nil } }.first
    }

    static func request(_ actions: [Machine.Action]) -> Machine.Request? {
        actions.lazy.compactMap { if case .perform(let r) = $0 { r } else { nil } }.first
    }

    /// A visitor let in: the desk's pass, the account for its pseudonym (`account`), its rules.
    func admitted(_ pseudonym: String, account: Int64, rules: PartyRules = PartyRules(), desk: Desk = Desk())
        -> (Machine, [Machine.Action])
    {
        var m = machine(desk: desk)
        let asked = m.receive(frame: Self.visit("good-\(pseudonym)"))
        guard case .visitorAccount(let city, let seen, _) = Self.request(asked) else {
            Issue.record("no account asked for: \(asked)")
            return (m, [])
        }
        #expect(city == "gwangju.example" && seen == pseudonym)
        let load = m.receive(.visitorAccount(account))
        guard case .loadAccount(account) = Self.request(load) else {
            Issue.record("no rules asked for: \(load)")
            return (m, [])
        }
        let actions = m.receive(.accountLoaded(rules: rules, roles: [:]))
        return (m, actions)
    }

    @Test func aVisitorIsWelcomedToldWhereHomeIsAndPlacedInTheTicketsSpace() {
        let (m, actions) = admitted("p1", account: 41)
        #expect(
            Self.sent(actions) == [
                .welcome(version: WireFormat.version, tickHz: 20, guest: false),
                .visiting(home: "gwangju.example", homeName: "광주 Gwangju", homeUrl: "https://gwangju.example"),
            ])
        #expect(actions.contains { if case .watch(41) = $0 { true } else { false } })
        #expect(actions.contains { if case .startWriter = $0 { true } else { false } })
        guard case .joined(let who, let presence) = m.state else {
            Issue.record("not in the space: \(m.state)")
            return
        }
        // Bound by this city's rules as the account standing for the pseudonym; marked with home.
        #expect(who.account == 41 && who.party == 41 && board.connections(of: 41) == 1)
        let walker = presence.link.walker
        #expect(walker.home == "광주 Gwangju" && walker.personaId == nil && walker.name == "민지")
        #expect(walker.entityFlags == EntityEnter.flagVisitor)
    }

    @Test func badTicketsAndCitiesOutsideAFederationAreRefusedWithTheirReason() {
        var m = machine()
        let forged = Self.close(m.receive(frame: Self.visit("bt1.forged")))
        #expect(forged?.code == CloseCode.travelRefused && forged?.reason == "the ticket is forged")
        m = machine(desk: nil)
        let alone = Self.close(m.receive(frame: Self.visit("good-p1")))
        #expect(alone?.code == CloseCode.travelRefused && alone?.reason.contains("federates with no") == true)
        m = machine()
        let old = m.receive(frame: Frame.encode([.visit(version: WireFormat.version + 1, ticket: "good-p1")]))
        #expect(Self.close(old)?.code == CloseCode.versionUnsupported)
        // After hello, a visit is a protocol error like a second hello.
        m = machine()
        _ = m.receive(frame: Frame.encode([.hello(version: WireFormat.version, token: "")]))
        let again = Self.sent(m.receive(frame: Self.visit("good-p1")))
        #expect(again.contains { if case .error(.badMessage, _) = $0 { true } else { false } })
    }

    @Test func aVisitorThisCityBannedIsTurnedAwayAtTheDoor() {
        var banned = PartyRules()
        banned.barredFrom["*"] = .distantFuture
        let (m, actions) = admitted("p2", account: 42, rules: banned)
        let close = Self.close(actions)
        #expect(close?.code == CloseCode.travelRefused && close?.reason.contains("for good") == true)
        #expect(Self.sent(actions).isEmpty && board.connections(of: 42) == 0)
        guard case .greeting = m.state else {
            Issue.record("state \(m.state)")
            return
        }
    }

    @Test func aVisitorRejoiningKeepsTheirNameAndMark() {
        var (m, _) = admitted("p3", account: 43)
        _ = m.receive(frame: Frame.encode([.leave]))
        // Whatever they ask to enter as, a visitor walks as who the ticket said.
        let back = m.receive(
            frame: Frame.encode([.joinGuest(space: "daegu/street", name: "Fake", appearance: .standard)]))
        #expect(back.contains { if case .startWriter = $0 { true } else { false } })
        guard case .joined(_, let presence) = m.state else {
            Issue.record("state \(m.state)")
            return
        }
        #expect(presence.link.walker.name == "민지" && presence.link.walker.home == "광주 Gwangju")
    }

    @Test func broughtBlocksHideBothWaysWithWhoeverIsHereOrComesLater() {
        // p5 arrives bringing a block of p6 (pseudonyms at this city, made by the same home).
        let (first, _) = admitted("p5", account: 45, desk: Desk(blocks: ["p6"]))
        let (second, _) = admitted("p6", account: 46)
        #expect(board.rules(45).hidden.contains(46) && board.rules(46).hidden.contains(45))
        // Someone else from home is not hidden; and nothing of it was stored (no request asked for it).
        let (third, _) = admitted("p7", account: 47)
        #expect(!board.rules(45).hidden.contains(47) && !board.rules(47).hidden.contains(45))
        #expect(board.visitors(from: "gwangju.example").sorted() == [45, 46, 47])
        _ = (first, second, third)
    }
}
