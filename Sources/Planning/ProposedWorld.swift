import Simulation
import WorldModel

extension Proposal {
    /// The space's obstacles under the plan: schematic walls, the buildings that stay, the new
    /// buildings' outlines and the closed areas.
    public func obstacles(_ buildings: SpaceBuildings) -> [Polygon] {
        buildings.otherObstacles
            + buildings.buildings.filter { !removed.contains($0.id) }.flatMap(\.footprints)
            + added.map(\.ring) + closed.map(\.ring)
    }

    /// `space` as walkers would find it under the plan.
    public func proposedSpace(_ space: Space, buildings: SpaceBuildings) -> Space {
        var s = space
        s.obstacles = obstacles(buildings)
        return s
    }

    /// A crowd's walkable area under the plan: removed buildings' footprints are no longer holes,
    /// new buildings and closed areas that reach into it are.
    public func walkable(_ today: Walkable, buildings: SpaceBuildings) -> Walkable {
        let gone = Set(buildings.buildings.filter { removed.contains($0.id) }.flatMap(\.footprints))
        let (lo, hi) = today.outer.boundingBox
        let new = (added.map(\.ring) + closed.map(\.ring)).filter { ring in
            let (a, b) = ring.boundingBox
            return a.x <= hi.x && b.x >= lo.x && a.y <= hi.y && b.y >= lo.y
        }
        return Walkable(outer: today.outer, holes: today.holes.filter { !gone.contains($0) } + new)
    }

    /// Triangles for the sun: the buildings that stay, those removed and those added.
    public func sunScene(_ buildings: SpaceBuildings) -> (
        staying: [SpaceBuildings.Building], removed: [SpaceBuildings.Building], added: [SpaceBuildings.Building]
    ) {
        (
            buildings.buildings.filter { !removed.contains($0.id) },
            buildings.buildings.filter { removed.contains($0.id) },
            added.map { SpaceBuildings.Building(id: $0.id, name: nil, triangles: $0.triangles, footprints: [$0.ring]) }
        )
    }
}
