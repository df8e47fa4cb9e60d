import Foundation
import Synchronization
import Wire
import WorldModel

/// A live crowd and which member shows each of its agents.
struct CrowdState {
    let crowd: any LiveCrowd
    /// Agent id → entity id of its member.
    var entities: [UInt32: UInt32] = [:]
}

extension SpaceInstance {
    /// The look and name every digital human shares; they are flagged as simulated on the wire.
    static let digitalHumanLook = Appearance(
        bodyShape: .regular, skinColor: 0xB8C4D0, primaryColor: 0x7A8A9A, secondaryColor: 0x4A5560, accessory: .none)
    static let digitalHumanName = Array("digital human".utf8)

    /// Starts and stops crowds as asked, advances each by one tick with the avatars as obstacles,
    /// and mirrors their agents into members (appearing, moving, leaving).
    func runCrowds() {
        for control in handle.takeCrowdControls() {
            switch control {
            case .start(let crowd):
                if !crowds.contains(where: { $0.crowd.id == crowd.id }) { crowds.append(CrowdState(crowd: crowd)) }
            case .stop(let id):
                if let k = crowds.firstIndex(where: { $0.crowd.id == id }) {
                    removeCrowdMembers(Set(crowds[k].entities.values))
                    crowds.remove(at: k)
                }
            }
        }
        guard !crowds.isEmpty else { return }
        var avatars: [(x: Double, y: Double)] = []
        var slotOf: [UInt32: Int] = [:]
        for i in members.indices {
            if members[i].simulated {
                slotOf[members[i].id] = i
            } else {
                avatars.append((Double(members[i].x), Double(members[i].y)))
            }
        }
        let everySecond = tickNumber % UInt32(config.tickHz) == 0
        var finished: [Int] = []
        for k in crowds.indices {
            let crowd = crowds[k].crowd
            crowd.advance(by: Double(config.tickDurationS), avatars: avatars)
            var present = Set<UInt32>()
            crowd.forEachAgent { agent, x, y, heading in
                present.insert(agent)
                if let entity = crowds[k].entities[agent], let i = slotOf[entity] {
                    members[i].x = x
                    members[i].y = y
                    members[i].targetX = x
                    members[i].targetY = y
                    members[i].heading = heading
                } else {
                    crowds[k].entities[agent] = appendDigitalHuman(x: x, y: y, heading: heading)
                }
            }
            var gone: Set<UInt32> = []
            for (agent, entity) in crowds[k].entities where !present.contains(agent) {
                gone.insert(entity)
                crowds[k].entities[agent] = nil
            }
            removeCrowdMembers(gone)
            if everySecond {
                for alert in crowd.recordDensity() { tellModerators(alert) }
            }
            if crowd.finished { finished.append(k) }
        }
        for k in finished.reversed() { crowds.remove(at: k) }
        handle.crowdsRunning.withLock { $0 = crowds.map(\.crowd.id) }
    }

    func appendDigitalHuman(x: Float, y: Float, heading: Float) -> UInt32 {
        let id = EntityIds.take()
        var member = Member(
            id: id, link: digitalHumanLink, nameUTF8: Self.digitalHumanName, homeUTF8: [],
            appearance: Self.digitalHumanLook,
            flags: EntityEnter.flagSimulated, party: 0, rules: PartyRules(), x: x, y: y, z: 0, heading: heading,
            animation: 1, targetX: x, targetY: y, targetZ: 0)
        member.simulated = true
        member.pendingJoined = false
        members.append(member)
        return id
    }

    /// Marks digital humans as leaving this tick (they go with the departures).
    func removeCrowdMembers(_ entities: Set<UInt32>) {
        guard !entities.isEmpty else { return }
        for i in members.indices where members[i].simulated && entities.contains(members[i].id) {
            departing.append((i, nil))
        }
    }

    /// A crowd alert goes to the space's moderators: through the server to wherever they are
    /// connected, or, without one (tests, benchmarks), to those here.
    func tellModerators(_ text: String) {
        if let alerts {
            alerts.send(CrowdAlertNote(space: handle.id, text: text))
            return
        }
        for i in members.indices where !members[i].simulated && members[i].rules.moderates(handle.id) {
            appendEvent(.notice(kind: .moderation, entityId: 0, text: text), to: i)
        }
    }
}
