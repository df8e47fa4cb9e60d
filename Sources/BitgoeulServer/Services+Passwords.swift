extension Services {
    // The handlers reach the password hasher only through these three, so a hasher that is busy
    // (too many checks waiting) becomes the API's answer — `APIError.busy`, 503 — in this one place.

    /// A new salted hash of `password`.
    func hashPassword(_ password: String) async throws -> String {
        try await hasher.hash(password)
    }

    /// Whether `password` matches the stored hash.
    func verifyPassword(_ password: String, against stored: String) async throws -> Bool {
        try await hasher.verify(password, against: stored)
    }

    /// Spends the time of a real check, so an unknown username is not revealed by timing.
    func spendPasswordCheck(_ password: String) async throws {
        try await hasher.dummyVerify(password)
    }
}
