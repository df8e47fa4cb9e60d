import NIOCore
import Testing
import Wire
import WorldModel

@testable import Realtime

/// One space's tick in process: interest, deltas, chat range, resynchronisation.
@Suite struct SpaceInstanceTests {
    static let space = Space(
        id: "t/field", name: LocalizedText(ko: "들판", en: "Field"), kind: .outdoor,
        anchor: GeoAnchor(latitude: 35, longitude: 126), bounds: Bounds(minX: 0, minY: 0, maxX: 400, maxY: 400),
        spawns: [SpawnPoint(position: Point(10, 10))], capacity: 500)

    /// A client: its link and the frames it received, decoded.
    struct Client {
        let link: ClientLink
        var iterator: AsyncStream<ByteBuffer>.AsyncIterator
        var view = ViewModel()

        mutating func receive() async throws -> [ServerMessage] {
            guard let frame = await iterator.next() else { return [] }
            let messages = try Frame.decodeServer(frame)
            for m in messages { view.apply(m) }
            return messages
        }
    }

    /// A minimal applier of snapshots (the SDK's WorldView is in another module).
    struct ViewModel {
        var ids: Set<UInt32> = []
        var lastSnapshot: Snapshot?
        mutating func apply(_ m: ServerMessage) {
            guard case .snapshot(let s) = m else { return }
            if s.flags & Snapshot.flagReset != 0 { ids.removeAll() }
            for id in s.leaves { ids.remove(id) }
            for e in s.enters { ids.insert(e.id) }
            lastSnapshot = s
        }
    }

    func makeInstance(config: RealtimeConfig = RealtimeConfig(), space: Space = Self.space) -> SpaceInstance {
        let directory = SpaceDirectory(spaces: [space])
        return SpaceInstance(handle: directory.ordered[0], directory: directory, config: config)
    }

    func client(_ name: String, framesMax: Int = 64) -> Client {
        let (link, stream) = ClientLink.makeStreaming(
            walker: Walker(accountId: nil, personaId: nil, name: name, appearance: .standard), framesMax: framesMax,
            commandsMax: 8)
        return Client(link: link, iterator: stream.makeAsyncIterator())
    }

    @Test func neighboursEnterOnceThenOnlyChangesAreSent() async throws {
        let space = makeInstance()
        var a = client("A")
        var b = client("B")
        space.insert(a.link, at: Point(100, 100))
        space.insert(b.link, at: Point(105, 100))
        space.tick()
        _ = try await a.receive()
        _ = try await b.receive()
        #expect(a.view.ids.count == 1 && b.view.ids.count == 1)
        #expect(a.view.lastSnapshot?.enters.first?.name == "B")

        space.tick()
        _ = try await a.receive()
        #expect(a.view.lastSnapshot?.enters.isEmpty == true)
        #expect(a.view.lastSnapshot?.updates.isEmpty == true, "nothing moved, nothing sent")

        b.link.post(move: MoveIntent(seq: 1, x: 105, y: 100.05, z: 0, heading: 0, animation: .walk))
        space.tick()
        _ = try await a.receive()
        let update = try #require(a.view.lastSnapshot?.updates.first)
        #expect(update.mask == EntityUpdate.maskPosition | EntityUpdate.maskAnimation)
        #expect(update.y == 10005, "1 cm units from the bounds origin")
        _ = try await b.receive()  // tick 2
        _ = try await b.receive()  // tick 3
        #expect(b.view.lastSnapshot?.ackSeq == 1)
    }

    @Test func leavingTheRadiusSendsALeave() async throws {
        var config = RealtimeConfig()
        config.runSpeedMps = 1000  // let the test walk far in one tick
        let space = makeInstance(config: config)
        var a = client("A")
        let b = client("B")
        space.insert(a.link, at: Point(100, 100))
        space.insert(b.link, at: Point(110, 100))
        space.tick()
        _ = try await a.receive()
        #expect(a.view.ids.count == 1)
        b.link.post(move: MoveIntent(seq: 1, x: 200, y: 100, z: 0, heading: 0, animation: .run))
        space.tick()
        _ = try await a.receive()
        #expect(a.view.lastSnapshot?.leaves.count == 1)
        #expect(a.view.ids.isEmpty)
    }

    @Test func atMostAoiMaxNearestAreSent() async throws {
        var config = RealtimeConfig()
        config.aoiMax = 8
        let space = makeInstance(config: config)
        var me = client("Me")
        space.insert(me.link, at: Point(200, 200))
        let others = (0..<30).map { client("N\($0)") }
        for (i, other) in others.enumerated() { space.insert(other.link, at: Point(200 + Double(i + 1), 200)) }
        space.tick()
        _ = try await me.receive()
        let names = Set(me.view.lastSnapshot?.enters.map(\.name) ?? [])
        #expect(names == Set((0..<8).map { "N\($0)" }), "the 8 nearest")
    }

    @Test func proximityChatStaysWithinRange() async throws {
        let space = makeInstance()
        var speaker = client("S")
        var near = client("Near")
        var far = client("Far")
        space.insert(speaker.link, at: Point(100, 100))
        space.insert(near.link, at: Point(119, 100))
        space.insert(far.link, at: Point(121, 100))
        speaker.link.post(command: .chat(scope: .proximity, text: "hi"))
        space.tick()
        let heardNear = try await near.receive().contains { if case .chat = $0 { true } else { false } }
        let heardFar = try await far.receive().contains { if case .chat = $0 { true } else { false } }
        let heardSelf = try await speaker.receive().contains { if case .chat = $0 { true } else { false } }
        #expect(heardNear && heardSelf && !heardFar)
    }

    @Test func aSlowClientIsResynchronisedNotCorrupted() async throws {
        let space = makeInstance()
        var slow = client("Slow", framesMax: 1)
        space.insert(slow.link, at: Point(100, 100))
        let other = client("Other")
        space.insert(other.link, at: Point(102, 100))
        space.tick()  // fills the outbox
        let stats = space.tick()  // dropped: marks a reset
        #expect(stats.framesDropped == 1)
        _ = try await slow.receive()  // the first frame
        space.tick()  // the reset frame now fits
        _ = try await slow.receive()
        #expect((slow.view.lastSnapshot?.flags ?? 0) & Snapshot.flagReset != 0)
        #expect(slow.view.ids.count == 1, "the full set came again")
    }

    @Test func departuresKeepSlotsInIdOrder() {
        let space = makeInstance()
        let links = (0..<10).map { client("C\($0)").link }
        for (i, link) in links.enumerated() { space.insert(link, at: Point(Double(10 + i), 10)) }
        links[3].close()
        links[7].close()
        space.tick()
        #expect(space.avatarCount == 8)
        let ids = space.members.map(\.id)
        #expect(ids == ids.sorted())
        #expect(space.handle.occupancy == 8)
    }

    @Test func tokenBucketRefillsAtItsRate() {
        var bucket = TokenBucket(ratePerS: 2, burst: 3, nowS: 0)
        var taken: [Bool] = []
        for _ in 0..<5 { taken.append(bucket.take(nowS: 0)) }
        #expect(taken == [true, true, true, false, false])
        taken = [bucket.take(nowS: 0.5), bucket.take(nowS: 0.5)]
        #expect(taken == [true, false], "one token back after half a second at 2/s")
        taken = (0..<4).map { _ in bucket.take(nowS: 10) }
        #expect(taken == [true, true, true, false], "refills to the burst, no more")
    }

    // MARK: Height

    @Test func walkersStandOnTheGroundWhateverHeightTheyClaim() {
        let space = makeInstance()
        let a = client("A")
        space.insert(a.link, at: Point(100, 100))
        for (seq, (z, animation)) in [(1000, AnimationState.walk), (15, .run), (3, .idle), (-2, .dance)].enumerated() {
            a.link.post(
                move: MoveIntent(seq: UInt32(seq + 1), x: 100, y: 101, z: Float(z), heading: 0, animation: animation))
            space.tick()
            #expect(space.members[0].z == 0, "claimed z \(z) while \(animation): stays on the ground")
            #expect(space.members[0].clamped, "and the client is told its height was corrected")
        }
        let here = (space.members[0].x, space.members[0].y)
        a.link.post(move: MoveIntent(seq: 9, x: here.0, y: here.1, z: 0.01, heading: 0, animation: .walk))
        space.tick()
        #expect(!space.members[0].clamped, "a height within rounding of the ground is no correction")
    }

    @Test func whereASpaceAllowsHeightItRisesNoFasterThanItsLimit() {
        var tall = Self.space
        tall.bounds.maxZ = 30
        tall.ground = GroundRule(z: 2, verticalSpeedMaxMps: 1)
        let space = makeInstance(space: tall)
        let a = client("A")
        space.insert(a.link, at: Point(100, 100), z: 2)
        a.link.post(move: MoveIntent(seq: 1, x: 100, y: 100, z: 1000, heading: 0, animation: .idle))
        for _ in 0..<20 { space.tick() }
        #expect(abs(space.members[0].z - 3) < 1e-3, "20 ticks at 1 m/s rise 1 m: \(space.members[0].z)")
        for _ in 0..<1000 { space.tick() }
        #expect(space.members[0].z == 30, "no higher than the bounds")
        a.link.post(move: MoveIntent(seq: 2, x: 100, y: 100, z: 30, heading: 0, animation: .walk))
        space.tick()
        #expect(abs(space.members[0].z - 29.95) < 1e-3, "walking brings it down, at the same limit")
        #expect(space.members[0].clamped)
    }
}
