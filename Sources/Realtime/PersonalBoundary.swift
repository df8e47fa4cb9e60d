import Wire
import WorldModel

/// The personal boundary, enforced by the movement authority.
///
/// Two avatars whose boundary applies keep `2 × boundaryRadiusM` apart: a move that would bring
/// one closer to the other inside that distance loses its approaching part and slides around
/// instead. Where walls leave no way around (a corridor or doorway narrower than the boundary)
/// the mover may pass, so nobody can be trapped; moving away is always allowed.
extension SpaceInstance {
    /// Whether the boundary keeps members `i` and `j` apart: either one's mode applies to the other.
    @inline(__always)
    func boundaryApplies(_ i: Int, _ j: Int) -> Bool {
        if members[i].party == members[j].party || members[j].simulated || members[i].simulated { return false }
        let a = members[i].boundary
        let b = members[j].boundary
        if a == .off && b == .off { return false }
        if a == .everyone || b == .everyone { return true }
        return !members[i].rules.friends.contains(members[j].party)
    }

    /// Where member `i` may go on its way from `from` to `to` (a move walls already allowed),
    /// and whether the boundary cut it short.
    func constrainToBoundaries(_ i: Int, from: Point, to: Point) -> (position: Point, cut: Bool) {
        let sep = Double(2 * config.boundaryRadiusM)
        var p = to
        for _ in 0..<3 {
            guard let j = intrusion(by: i, from: from, to: p, sep: sep) else { return (p, p != to) }
            let other = Point(Double(members[j].x), Double(members[j].y))
            let toOther = other - from
            let length = toOther.length
            guard length > 1e-6 else { return (from, true) }
            let radial = toOther * (1 / length)
            let move = p - from
            let approach = move.x * radial.x + move.y * radial.y
            // Keep the sideways part: the mover slides around the boundary's edge. Walking nearly
            // straight at someone turns the step sideways (to the mover's left unless already
            // veering right), so a straight walk curves around them instead of stopping.
            var sideways = move - radial * max(0, approach)
            let stepLength = move.length
            if sideways.length < 0.5 * stepLength {
                let cross = radial.x * move.y - radial.y * move.x
                let left = Point(-radial.y, radial.x)
                sideways = (cross < 0 ? left * -1 : left) * stepLength
            }
            let slid = from + sideways
            p = authority(for: i).obstacles.isBlocked(slid) ? from : slid
        }
        return intrusion(by: i, from: from, to: p, sep: sep) == nil ? (p, true) : (from, true)
    }

    /// The first member whose boundary the move from `from` to `p` would enter, if any.
    private func intrusion(by i: Int, from: Point, to p: Point, sep: Double) -> Int? {
        let sep2 = sep * sep
        var found: Int?
        grid.forEach(nearX: Float(p.x), y: Float(p.y), radius: Float(sep) + moveSlackM) { slot, _ in
            let j = Int(slot)
            guard found == nil, j != i else { return }
            let ox = Double(members[j].x)
            let oy = Double(members[j].y)
            let d1 = (p.x - ox) * (p.x - ox) + (p.y - oy) * (p.y - oy)
            guard d1 < sep2 else { return }
            let d0 = (from.x - ox) * (from.x - ox) + (from.y - oy) * (from.y - oy)
            guard d1 < d0 - 1e-9, boundaryApplies(i, j) else { return }
            if noWayAround(from: from, to: p, other: Point(ox, oy), sep: sep, walls: authority(for: i).obstacles) {
                return
            }
            found = j
        }
        return found
    }

    /// True where walls leave no room to keep the boundary: both ways around the other person are
    /// blocked, or the mover cannot step aside half a metre either way (a corridor, a doorway).
    private func noWayAround(from: Point, to: Point, other: Point, sep: Double, walls: ObstacleIndex) -> Bool {
        let move = to - from
        let length = move.length
        guard length > 1e-9 else { return false }
        let side = Point(-move.y / length, move.x / length)
        if walls.isBlocked(other + side * sep) && walls.isBlocked(other - side * sep) { return true }
        return walls.isBlocked(from + side * 0.5) && walls.isBlocked(from - side * 0.5)
    }

    /// How far anyone can have moved since the grid was built (one tick's most budget).
    var moveSlackM: Float {
        config.runSpeedMps * config.speedTolerance * max(config.moveBurstS, config.tickDurationS)
    }

    /// True when an avatar placed at `p` would be inside nobody's boundary (spawns, teleports).
    func isClearOfBoundaries(_ p: Point) -> Bool {
        let sep = 2 * config.boundaryRadiusM
        var clear = true
        grid.forEach(nearX: Float(p.x), y: Float(p.y), radius: sep + moveSlackM) { slot, _ in
            let j = Int(slot)
            guard clear, j < members.count else { return }
            let dx = members[j].x - Float(p.x)
            let dy = members[j].y - Float(p.y)
            if dx * dx + dy * dy < sep * sep { clear = false }
        }
        // Those admitted earlier in this tick are not in the grid yet.
        var k = grid.count
        while clear && k < members.count {
            let dx = members[k].x - Float(p.x)
            let dy = members[k].y - Float(p.y)
            if dx * dx + dy * dy < sep * sep { clear = false }
            k += 1
        }
        return clear
    }
}
