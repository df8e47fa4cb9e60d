import Foundation
import Wire
import WorldModel

/// Guided tours: a guide (docent) leads, visitors who join are walked after the guide by the server
/// until they leave (consent-based following), and hear the guide's tour chat anywhere in the space.
extension SpaceInstance {
    /// How far behind the guide a follower stops (outside the personal boundary).
    static let followGapM: Float = 1.6

    func tour(_ action: TourAction, guide: UInt32, by i: Int) {
        switch action {
        case .start:
            guard members[i].rules.guides(handle.id) else {
                appendEvent(.error(code: .notAllowed, message: "only docents lead tours in this space"), to: i)
                return
            }
            members[i].guiding = true
            members[i].following = 0
            // Everyone here may join: the notice names the guide.
            for k in members.indices where !members[k].simulated && !members[k].rules.hidden.contains(members[i].party)
            {
                appendEvent(.notice(kind: .tour, entityId: members[i].id, text: "started"), to: k)
            }
        case .join:
            guard let g = members.firstIndex(where: { $0.id == guide && $0.guiding }),
                !members[i].rules.hidden.contains(members[g].party), g != i
            else {
                appendEvent(.error(code: .unknownEntity, message: "nobody with id \(guide) leads a tour here"), to: i)
                return
            }
            members[i].following = guide
            members[i].guiding = false
            appendEvent(.notice(kind: .tour, entityId: guide, text: "joined"), to: i)
        case .leave:
            if members[i].guiding {
                members[i].guiding = false
                tellTour(of: members[i].id, "ended")
                for k in members.indices where members[k].following == members[i].id { members[k].following = 0 }
            } else if members[i].following != 0 {
                let guide = members[i].following
                members[i].following = 0
                appendEvent(.notice(kind: .tour, entityId: guide, text: "left"), to: i)
            }
        }
    }

    /// Tells the guide `guide` and everyone following it.
    func tellTour(of guide: UInt32, _ text: String) {
        for k in members.indices where members[k].id == guide || members[k].following == guide {
            appendEvent(.notice(kind: .tour, entityId: guide, text: text), to: k)
        }
    }

    /// Points every follower at a place just behind its guide; a tour whose guide is gone ends.
    func followGuides() {
        guard members.contains(where: { $0.following != 0 }) else { return }
        var guides: [UInt32: Int] = [:]
        for k in members.indices where members[k].guiding { guides[members[k].id] = k }
        for i in members.indices where members[i].following != 0 {
            guard let g = guides[members[i].following] else {
                appendEvent(.notice(kind: .tour, entityId: members[i].following, text: "ended"), to: i)
                members[i].following = 0
                continue
            }
            let dx = members[i].x - members[g].x
            let dy = members[i].y - members[g].y
            let d = (dx * dx + dy * dy).squareRoot()
            guard d > Self.followGapM else {
                members[i].targetX = members[i].x
                members[i].targetY = members[i].y
                continue
            }
            members[i].targetX = members[g].x + dx / d * Self.followGapM
            members[i].targetY = members[g].y + dy / d * Self.followGapM
            members[i].animation = d > 8 ? 2 : 1
        }
    }
}
