import Foundation
import Synchronization
import Wire
import WorldModel

/// The mind of a docent NPC: where it walks next and which stops it announces. The space's tick
/// moves its body (a member flagged as simulated that leads a tour visitors may join).
public protocol GuideMind: AnyObject, Sendable {
    var name: String { get }
    /// One tick: from `position`, where to be next, facing where, and a stop to announce if any.
    func step(from position: (x: Float, y: Float), seconds: Float) -> (
        x: Float, y: Float, heading: Float, stop: String?
    )
    /// True once the last stop is done.
    var finished: Bool { get }
    /// Its state, for the server to revive it on the next node when the space moves (nil: it
    /// cannot move and ends with the space here).
    func checkpoint() -> Data?
}

extension GuideMind {
    public func checkpoint() -> Data? { nil }
}

extension SpaceHandle {
    /// Brings a docent NPC into the space on its next tick, at `position`.
    public func startGuide(_ mind: any GuideMind, at position: Point) {
        guideStarts.withLock { $0.append(GuideStart(mind: mind, x: Float(position.x), y: Float(position.y))) }
    }

    func takeGuideStarts() -> [GuideStart] {
        guideStarts.withLock { starts in
            defer { starts.removeAll() }
            return starts
        }
    }
}

struct GuideStart: Sendable {
    let mind: any GuideMind
    let x: Float
    let y: Float
}

/// A docent NPC in a space: its mind and the member that is its body.
struct GuideState {
    let mind: any GuideMind
    let entity: UInt32
}

extension SpaceInstance {
    /// Brings the NPC guide `mind` in at (`x`, `y`) and tells everyone its tour started; its entity id.
    @discardableResult
    func addGuide(_ mind: any GuideMind, x: Float, y: Float) -> UInt32 {
        let id = EntityIds.take()
        var body = Member(
            id: id, link: digitalHumanLink, nameUTF8: Array(mind.name.utf8.prefix(WireFormat.nameBytesMax)),
            homeUTF8: [],
            appearance: Appearance(
                bodyShape: .regular, skinColor: 0xE0B89A, primaryColor: 0x1D4E89, secondaryColor: 0x222222,
                accessory: .glasses),
            flags: EntityEnter.flagSimulated, party: 0, rules: PartyRules(), x: x, y: y, z: 0,
            heading: 0, targetX: x, targetY: y, targetZ: 0)
        body.simulated = true
        body.guiding = true
        body.pendingJoined = false
        members.append(body)
        guides.append(GuideState(mind: mind, entity: id))
        for k in members.indices where !members[k].simulated {
            appendEvent(.notice(kind: .tour, entityId: id, text: "started"), to: k)
        }
        return id
    }

    /// Admits new NPC guides, walks each one and announces its stops; a finished guide leaves
    /// (its followers are told the tour ended).
    func runGuides() {
        for start in handle.takeGuideStarts() {
            addGuide(start.mind, x: start.x, y: start.y)
        }
        guard !guides.isEmpty else { return }
        var done: [Int] = []
        for (g, guide) in guides.enumerated() {
            guard let i = members.firstIndex(where: { $0.id == guide.entity }) else {
                done.append(g)
                continue
            }
            if guide.mind.finished {
                tellTour(of: guide.entity, "ended")
                for k in members.indices where members[k].following == guide.entity { members[k].following = 0 }
                departing.append((i, nil))
                done.append(g)
                continue
            }
            let next = guide.mind.step(from: (members[i].x, members[i].y), seconds: config.tickDurationS)
            let moved = next.x != members[i].x || next.y != members[i].y
            members[i].x = next.x
            members[i].y = next.y
            members[i].targetX = next.x
            members[i].targetY = next.y
            members[i].heading = next.heading
            members[i].animation = moved ? 1 : 0
            if let stop = next.stop { tellTour(of: guide.entity, "stop:\(stop)") }
        }
        for g in done.reversed() { guides.remove(at: g) }
    }
}
