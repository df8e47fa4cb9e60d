import Accounts

extension Services {
    // The handlers reach the password hasher only through these three, so a hasher that is busy
    // (too many checks waiting) becomes the API's answer — `APIError.busy`, 503 — in this one place.

    /// A new salted hash of `password`.
    func hashPassword(_ password: String) async throws -> String {
        try await busyAsAPIError { try await hasher.hash(password) }
    }

    /// Whether `password` matches the stored hash.
    func verifyPassword(_ password: String, against stored: String) async throws -> Bool {
        try await busyAsAPIError { try await hasher.verify(password, against: stored) }
    }

    /// Spends the time of a real check, so an unknown username is not revealed by timing.
    func spendPasswordCheck(_ password: String) async throws {
        try await busyAsAPIError { try await hasher.dummyVerify(password) }
    }

    private func busyAsAPIError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is PasswordHasher.Busy {
            throw APIError.busy
        }
    }
}
