import Foundation

/// Visitors from other cities (docs/federation.md) are accounts here too, so this city's blocks,
/// reports and bans bind them like anyone else. Such an account is named only by the pseudonym the
/// visitor's home made for this city: no home account id, username or session is ever stored.
extension Store {
    /// The account name standing for a visitor: `~pseudonym@city`. Sign-up names are 3–32 of
    /// a-z, 0-9, `_`, `.`, `-`, so no one can register or sign in as it; its password hash opens nothing.
    public static func visitorUsername(city: String, pseudonym: String) -> String {
        "~\(pseudonym)@\(city)"
    }

    /// The account of the visitor with this pseudonym from `city`, made on their first visit.
    public func visitorAccount(city: String, pseudonym: String, now: Date) async throws -> Int64 {
        let username = Self.visitorUsername(city: city, pseudonym: pseudonym)
        if let found = try await account(username: username) { return found.account.id }
        do {
            return try await createAccount(username: username, passwordHash: "!", now: now).id
        } catch let error as StoreError where error.code == .conflict {
            // Two arrivals at once: the other made it.
            guard let found = try await account(username: username) else { throw error }
            return found.account.id
        }
    }
}
