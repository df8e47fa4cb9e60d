import PostgresNIO
import Storage

/// Cluster events over PostgreSQL's LISTEN/NOTIFY on the channel `bitgoeul_events`.
extension PostgresStore: EventChannel {
    static let eventsChannel = "bitgoeul_events"
    /// PostgreSQL's limit is 8,000 bytes per payload.
    public static let payloadBytesMax = 7_900

    public func publish(_ payload: String) async throws {
        guard payload.utf8.count <= Self.payloadBytesMax else {
            throw PostgresStoreError("a cluster event of \(payload.utf8.count) bytes is over \(Self.payloadBytesMax)")
        }
        try await read { c in
            try await c.query("SELECT pg_notify(\(Self.eventsChannel), \(payload))", logger: self.logger)
        }
    }

    public func listen(_ receive: @escaping @Sendable (String) -> Void) async throws {
        // One pooled connection stays on LISTEN for as long as this runs.
        try await client.withConnection { connection in
            for try await notification in try await connection.listen(Self.eventsChannel) {
                receive(notification.payload)
            }
        }
    }
}
