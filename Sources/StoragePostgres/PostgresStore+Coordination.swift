import Foundation
import PostgresNIO
import Storage

/// The cluster's registry, leases and used tickets in PostgreSQL. Every time comparison uses the
/// database's `now()`, so nodes with skewed clocks agree; a node's own deadline for serving is
/// kept by the node from its monotonic clock (see `LeaseKeeper`).
extension PostgresStore: Coordination {
    public func register(_ node: NodeRegistration, liveWithinS: Double) async throws -> Incarnation {
        let token = UUID().uuidString.lowercased()
        let key = Data(node.ticketKey)
        let capacity = Int64(node.capacity)
        return try await write { c in
            let existing = try await c.query(
                """
                SELECT extract(epoch FROM now() - heartbeat_at)::float8 FROM cluster_node WHERE id = \(node.id)
                FOR UPDATE
                """, logger: self.logger
            ).first { try $0.decode(Double.self) }
            if let ageS = existing, ageS < liveWithinS {
                throw CoordinationError(
                    .nodeIdInUse,
                    "node id '\(node.id)' is in use by a live node (heartbeat \(String(format: "%.1f", ageS)) s ago)")
            }
            try await c.changing(
                """
                INSERT INTO cluster_node (id, url, capacity, ticket_key, incarnation, heartbeat_at, draining)
                VALUES (\(node.id), \(node.url), \(capacity), \(key), \(token), now(), false)
                ON CONFLICT (id) DO UPDATE SET url = excluded.url, capacity = excluded.capacity,
                    ticket_key = excluded.ticket_key, incarnation = excluded.incarnation,
                    heartbeat_at = excluded.heartbeat_at, draining = false
                """, logger: self.logger)
            return Incarnation(node: node.id, token: token)
        }
    }

    public func heartbeat(_ incarnation: Incarnation, draining: Bool) async throws {
        let changed = try await write { c in
            try await c.changing(
                """
                UPDATE cluster_node SET heartbeat_at = now(), draining = \(draining)
                WHERE id = \(incarnation.node) AND incarnation = \(incarnation.token)
                """, logger: self.logger)
        }
        guard changed == 1 else {
            throw CoordinationError(.superseded, "node id '\(incarnation.node)' was registered by another process")
        }
    }

    public func deregister(_ incarnation: Incarnation) async throws {
        try await write { c in
            let removed = try await c.changing(
                "DELETE FROM cluster_node WHERE id = \(incarnation.node) AND incarnation = \(incarnation.token)",
                logger: self.logger)
            // Only the process that still owns the id ends its leases (it stopped serving them first).
            if removed == 1 {
                try await c.changing(
                    "UPDATE space_lease SET node = NULL, expires_at = to_timestamp(0) WHERE node = \(incarnation.node)",
                    logger: self.logger)
            }
        }
    }

    public func ensureLeases(spaces: [String]) async throws {
        try await write { c in
            try await c.changing(
                "INSERT INTO space_lease (space) SELECT unnest(\(spaces)::text[]) ON CONFLICT (space) DO NOTHING",
                logger: self.logger)
        }
    }

    public func renew(node: String, epochs: [String: Int64], occupancy: [String: Int], leaseS: Double) async throws
        -> Set<String>
    {
        if epochs.isEmpty { return [] }
        let spaces = epochs.keys.sorted()
        let held = spaces.map { epochs[$0] ?? 0 }
        let people = spaces.map { Int64(occupancy[$0] ?? 0) }
        return try await write { c in
            Set(
                try await c.query(
                    """
                    UPDATE space_lease AS l SET expires_at = now() + \(leaseS) * interval '1 second', occupancy = u.occ
                    FROM unnest(\(spaces)::text[], \(held)::bigint[], \(people)::bigint[]) AS u(space, epoch, occ)
                    WHERE l.space = u.space AND l.epoch = u.epoch AND l.node = \(node) AND l.expires_at > now()
                    RETURNING l.space
                    """, logger: self.logger
                ).all { try $0.decode(String.self) })
        }
    }

    public func acquire(space: String, node: String, leaseS: Double) async throws -> Int64? {
        try await write { c in
            try await c.query(
                """
                UPDATE space_lease SET node = \(node), epoch = epoch + 1,
                    expires_at = now() + \(leaseS) * interval '1 second', occupancy = 0
                WHERE space = \(space) AND (node IS NULL OR expires_at <= now())
                RETURNING epoch
                """, logger: self.logger
            ).first { try $0.decode(Int64.self) }
        }
    }

    public func release(space: String, node: String, epoch: Int64) async throws {
        try await write { c in
            try await c.changing(
                """
                UPDATE space_lease SET node = NULL, expires_at = to_timestamp(0), occupancy = 0
                WHERE space = \(space) AND node = \(node) AND epoch = \(epoch)
                """, logger: self.logger)
        }
    }

    public func clusterView() async throws -> (nodes: [NodeRecord], leases: [LeaseRecord]) {
        try await read { c in
            let nodes = try await c.query(
                """
                SELECT id, url, capacity, ticket_key, extract(epoch FROM now() - heartbeat_at)::float8, draining
                FROM cluster_node ORDER BY id
                """, logger: self.logger
            ).all { row in
                let (id, url, capacity, key, age, draining) = try row.decode(
                    (String, String, Int64, Data, Double, Bool).self)
                return NodeRecord(
                    id: id, url: url, capacity: Int(capacity), ticketKey: [UInt8](key), heartbeatAgeS: age,
                    draining: draining)
            }
            let leases = try await c.query(
                """
                SELECT space, node, epoch, occupancy, extract(epoch FROM expires_at - now())::float8
                FROM space_lease ORDER BY space
                """, logger: self.logger
            ).all { row in
                let (space, node, epoch, occupancy, expiresIn) = try row.decode(
                    (String, String?, Int64, Int64, Double).self)
                return LeaseRecord(
                    space: space, node: node, epoch: epoch, occupancy: Int(occupancy), expiresInS: expiresIn)
            }
            return (nodes, leases)
        }
    }

    public func useTicket(id: String, expiresAt: Date) async throws -> Bool {
        let until = expiresAt.timeIntervalSince1970
        return try await write { c in
            try await c.changing(
                "DELETE FROM used_ticket WHERE expires_at < now() - interval '5 minutes'", logger: self.logger)
            return try await c.changing(
                """
                INSERT INTO used_ticket (id, expires_at) VALUES (\(id), to_timestamp(\(until)))
                ON CONFLICT (id) DO NOTHING
                """, logger: self.logger) == 1
        }
    }
}
