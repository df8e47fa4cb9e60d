import Foundation
import NIOCore
import Testing
import Wire
import WorldModel

@testable import Realtime

/// The safety rules in the tick: personal boundary, blocks, mutes and the evidence window.
@Suite struct SafetyTests {
    /// An open field, and a 1 m wide corridor (walls at y 99.5 and 100.5) from x 50 to 70.
    static let space = Space(
        id: "t/safety", name: LocalizedText(ko: "안전", en: "Safety"), kind: .outdoor,
        anchor: GeoAnchor(latitude: 35, longitude: 126), bounds: Bounds(minX: 0, minY: 0, maxX: 300, maxY: 300),
        spawns: [SpawnPoint(position: Point(200, 200))],
        obstacles: [
            Polygon([Point(50, 95), Point(70, 95), Point(70, 99.5), Point(50, 99.5)]),
            Polygon([Point(50, 100.5), Point(70, 100.5), Point(70, 105), Point(50, 105)]),
        ], capacity: 500)

    func instance(_ config: RealtimeConfig = RealtimeConfig(), board: SafetyBoard = SafetyBoard()) -> SpaceInstance {
        let directory = SpaceDirectory(spaces: [Self.space])
        return SpaceInstance(handle: directory.ordered[0], directory: directory, config: config, board: board)
    }

    func link(_ name: String, account: Int64) -> ClientLink {
        ClientLink(
            walker: Walker(accountId: account, personaId: account, name: name, appearance: .standard), sink: .count)
    }

    /// A link whose frames the test reads, for account `account`.
    func streaming(_ name: String, account: Int64) -> (ClientLink, AsyncStream<ByteBuffer>) {
        ClientLink.makeStreaming(
            walker: Walker(accountId: account, personaId: account, name: name, appearance: .standard), framesMax: 64,
            commandsMax: 8)
    }

    func distance(_ space: SpaceInstance, _ a: Int, _ b: Int) -> Float {
        let dx = space.members[a].x - space.members[b].x
        let dy = space.members[a].y - space.members[b].y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// A harasser walks at the victim from several sides for 20 s each; returns the closest approach.
    func closestApproach(harasserMode: BoundaryMode, victimMode: BoundaryMode, friends: Bool) -> Float {
        let board = SafetyBoard()
        if friends {
            board.update(1, 2) { rules, other in rules.friends.insert(other) }
        }
        let space = instance(board: board)
        let victim = link("Victim", account: 1)
        space.insert(victim, at: Point(150, 150))
        victim.post(command: .setBoundary(victimMode))
        var closest = Float.infinity
        var seq: UInt32 = 0
        var harasser: ClientLink?
        for start in [Point(145, 150), Point(155, 151), Point(150, 144), Point(147, 153)] {
            harasser?.close()
            space.tick()
            let next = link("Harasser", account: 2)
            harasser = next
            space.insert(next, at: start)
            next.post(command: .setBoundary(harasserMode))
            for _ in 0..<400 {
                seq += 1
                // Always aims at the victim's centre.
                next.post(move: MoveIntent(seq: seq, x: 150, y: 150, z: 0, heading: 0, animation: .run))
                space.tick()
                closest = min(closest, distance(space, 0, space.members.count - 1))
            }
        }
        return closest
    }

    @Test func aHarasserNeverEntersTheBoundary() {
        let closest = closestApproach(harasserMode: .off, victimMode: .nonFriends, friends: false)
        #expect(closest >= 1.2 - 0.001, "closest approach \(closest) m")
    }

    @Test func friendsAndModeOffMayComeClose() {
        #expect(closestApproach(harasserMode: .off, victimMode: .nonFriends, friends: true) < 0.8)
        #expect(closestApproach(harasserMode: .off, victimMode: .off, friends: false) < 0.8)
        #expect(
            closestApproach(harasserMode: .off, victimMode: .everyone, friends: true) >= 1.2 - 0.001,
            "'everyone' keeps even friends out")
    }

    @Test func aStraightWalkCurvesAroundSomeoneInTheOpen() {
        let space = instance()
        let standing = link("Standing", account: 1)
        let walker = link("Walker", account: 2)
        space.insert(standing, at: Point(150, 150))
        space.insert(walker, at: Point(140, 150))
        var closest = Float.infinity
        for t in 0..<600 {
            walker.post(move: MoveIntent(seq: UInt32(t + 1), x: 160, y: 150, z: 0, heading: 0, animation: .walk))
            space.tick()
            closest = min(closest, distance(space, 0, 1))
        }
        #expect(space.members[1].x > 159, "walked past, ended at x \(space.members[1].x)")
        #expect(closest >= 1.2 - 0.001)
    }

    @Test func aOneMetreCorridorCanBePassed() {
        let space = instance()
        let standing = link("Standing", account: 1)
        let walker = link("Walker", account: 2)
        space.insert(standing, at: Point(60, 100))
        space.insert(walker, at: Point(52, 100))
        for t in 0..<600 {
            walker.post(move: MoveIntent(seq: UInt32(t + 1), x: 68, y: 100, z: 0, heading: 0, animation: .walk))
            space.tick()
        }
        #expect(space.members[1].x > 67.9, "passed the person in the corridor, ended at x \(space.members[1].x)")
    }

    @Test func arrivalsNeverLandInsideABoundary() {
        var config = RealtimeConfig()
        config.arrivalsPerTickMax = 50
        let space = instance(config)
        for i in 0..<60 { #expect(space.handle.admit(link("A\(i)", account: Int64(i + 1)))) }
        space.tick()
        space.tick()
        #expect(space.avatarCount == 60)
        var closest = Float.infinity
        for a in 0..<60 {
            for b in (a + 1)..<60 { closest = min(closest, distance(space, a, b)) }
        }
        #expect(closest >= 1.2, "closest pair at spawn: \(closest) m")
    }

    @Test func blockHidesBothWaysAndSilencesChat() async throws {
        let board = SafetyBoard()
        let space = instance(board: board)
        let (a, aFrames) = streaming("A", account: 1)
        let (b, bFrames) = streaming("B", account: 2)
        let (c, cFrames) = streaming("C", account: 3)
        space.insert(a, at: Point(100, 100))
        space.insert(b, at: Point(103, 100))
        space.insert(c, at: Point(100, 103))
        board.attach(1, rules: nil)
        board.attach(2, rules: nil)
        board.update(1, 2) { rules, other in rules.hidden.insert(other) }
        b.post(command: .chat(scope: .space, text: "hello?"))
        a.post(command: .presence)
        space.tick()
        let seenByA = try Frame.decodeServer(try #require(await first(aFrames)))
        let seenByB = try Frame.decodeServer(try #require(await first(bFrames)))
        let seenByC = try Frame.decodeServer(try #require(await first(cFrames)))
        #expect(names(in: seenByA) == ["C"], "A sees only C")
        #expect(names(in: seenByB) == ["C"], "B sees only C")
        #expect(names(in: seenByC) == ["A", "B"])
        #expect(!seenByA.contains { if case .chat = $0 { true } else { false } }, "B's chat never reaches A")
        #expect(seenByC.contains { if case .chat = $0 { true } else { false } })
        let presence = seenByA.compactMap {
            if case .presence(let total, let entries) = $0 { (total, entries) } else { nil }
        }
        #expect(presence.first?.0 == 2 && presence.first?.1.map(\.name).sorted() == ["A", "C"])
    }

    @Test func aReportCarriesTheLastWindowAndNothingOlder() async throws {
        let space = instance()
        let reporter = link("Reporter", account: 1)
        let reported = link("Reported", account: 2)
        let bystander = link("Bystander", account: 3)
        let faraway = link("Faraway", account: 4)
        space.insert(reporter, at: Point(100, 100))
        space.insert(reported, at: Point(105, 100))
        space.insert(bystander, at: Point(100, 110))
        space.insert(faraway, at: Point(200, 200))
        reported.post(command: .chat(scope: .proximity, text: "old line"))
        space.tick()
        for _ in 0..<(121 * 20) { space.tick() }
        reported.post(command: .chat(scope: .proximity, text: "new line"))
        faraway.post(command: .chat(scope: .proximity, text: "out of earshot"))
        space.tick()
        space.tick()
        let reportedId = space.members[1].id
        let window = try #require(space.evidenceWindow(for: 0, target: reportedId))
        let evidence = window.reporterView()
        #expect(evidence.chat.map(\.text) == ["new line"])
        #expect(evidence.chat.first?.who == "reported" && evidence.chat.first?.name == "Reported")
        #expect(evidence.positions.allSatisfy { $0.agoS <= 120 }, "nothing older than the window")
        #expect(Set(evidence.positions.map(\.who)) == ["reporter", "reported", "other-1"], "Faraway is beyond 15 m")
        #expect(
            !evidence.positions.isEmpty && evidence.positions.count <= 3 * 121,
            "120 samples and the moment of the report")
        let json = String(decoding: try JSONEncoder().encode(evidence), as: UTF8.self)
        #expect(!json.contains("Bystander"), "bystanders are not named")
    }

    @Test func aModeratorMuteSilencesInThatSpaceOnly() async throws {
        let board = SafetyBoard()
        let space = instance(board: board)
        let (a, aFrames) = streaming("A", account: 1)
        space.insert(a, at: Point(100, 100))
        board.attach(1, rules: nil)
        board.update(1) { $0.mutedIn["t/safety"] = Date() + 60 }
        a.post(command: .chat(scope: .space, text: "can I talk?"))
        space.tick()
        let messages = try Frame.decodeServer(try #require(await first(aFrames)))
        #expect(messages.contains { if case .error(.sanctioned, _) = $0 { true } else { false } })
        #expect(!messages.contains { if case .chat = $0 { true } else { false } })
    }

    @Test func aKickTakesTheAvatarOutAndBarsReturn() async throws {
        let board = SafetyBoard()
        let space = instance(board: board)
        let (a, frames) = streaming("A", account: 1)
        space.insert(a, at: Point(100, 100))
        board.attach(1, rules: nil)
        space.tick()
        board.update(1) { $0.barredFrom["t/safety"] = Date() + 3600 }
        space.tick()
        space.tick()
        #expect(space.avatarCount == 0)
        #expect(a.isClosed)
        var all: [ServerMessage] = []
        for await frame in frames { all += try Frame.decodeServer(frame) }
        #expect(all.contains { if case .left(.kicked) = $0 { true } else { false } })
        #expect(all.contains { if case .notice(.moderation, _, _) = $0 { true } else { false } })
    }

    func first(_ stream: AsyncStream<ByteBuffer>) async -> ByteBuffer? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }

    func names(in messages: [ServerMessage]) -> [String] {
        messages.flatMap { m -> [String] in
            if case .snapshot(let s) = m { return s.enters.map(\.name) }
            return []
        }.sorted()
    }
}
