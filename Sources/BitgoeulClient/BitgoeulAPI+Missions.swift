import Foundation

/// Missions from Swift (docs/missions.md): read them, play on site with fixes or online with
/// checks (the server judges from where it sees the avatar), answer, and read the stamps earned.
extension BitgoeulAPI {
    /// A persona's progress on a mission, with the verdict on the request that returned it.
    public struct MissionProgress: Decodable, Sendable {
        public struct Verdict: Decodable, Sendable {
            public struct Waiting: Decodable, Sendable {
                public let kind: String
                public let here: Int?
                public let needed: Int?
                public let artist: String?
                public let year: Int?
                public let opensAt: Date?
                public let closesAt: Date?
            }
            public let checkpoint: String
            /// onTheWay, inside, arrived, stamped or refused.
            public let state: String
            public let reason: String?
            public let message: String?
            public let distanceM: Double?
            public let bearingDeg: Double?
            public let leftS: Double?
            public let task: Waiting?
        }
        public let mission: String
        public let open: Bool
        public let closed: String?
        public let stamps: [String]
        public let complete: Bool
        public let reward: String?
        public let rewardEarned: Bool
        public let next: String?
        public let verdict: Verdict?
    }

    public struct Stamps: Decodable, Sendable {
        public struct Stamp: Decodable, Sendable, Hashable {
            public let mission: String
            public let checkpoint: String
            public let day: String?
        }
        public let stamps: [Stamp]
        public let rewards: [String]
    }

    struct FixBody: Encodable {
        let persona: Int64
        let latitude: Double
        let longitude: Double
        let accuracyM: Double
        let timeS: Double
        let keepDate: Bool
    }

    struct CheckBody: Encodable {
        let persona: Int64
        let checkpoint: String?
        let keepDate: Bool
    }

    struct AnswerBody: Encodable {
        let persona: Int64
        let checkpoint: String
        let answer: String?
        let choice: Int?
        let keepDate: Bool
    }

    /// Sends one on-site fix (as the browser's Geolocation API reports it).
    public func missionFix(
        _ mission: String, persona: Int64, latitude: Double, longitude: Double, accuracyM: Double, timeS: Double,
        keepDate: Bool = false
    ) async throws -> MissionProgress {
        let body = FixBody(
            persona: persona, latitude: latitude, longitude: longitude, accuracyM: accuracyM, timeS: timeS,
            keepDate: keepDate)
        return try Self.decoded(try await call("POST", "/api/v1/missions/\(mission)/fix", body: body))
    }

    /// Asks the server to judge the persona's avatar where the tick sees it now.
    public func missionCheck(_ mission: String, persona: Int64, checkpoint: String? = nil, keepDate: Bool = false)
        async throws -> MissionProgress
    {
        let body = CheckBody(persona: persona, checkpoint: checkpoint, keepDate: keepDate)
        return try Self.decoded(try await call("POST", "/api/v1/missions/\(mission)/check", body: body))
    }

    public func missionAnswer(
        _ mission: String, persona: Int64, checkpoint: String, answer: String? = nil, choice: Int? = nil,
        keepDate: Bool = false
    ) async throws -> MissionProgress {
        let body = AnswerBody(
            persona: persona, checkpoint: checkpoint, answer: answer, choice: choice, keepDate: keepDate)
        return try Self.decoded(try await call("POST", "/api/v1/missions/\(mission)/answer", body: body))
    }

    public func missionProgress(_ mission: String, persona: Int64) async throws -> MissionProgress {
        try Self.decoded(try await call("GET", "/api/v1/missions/\(mission)/progress?persona=\(persona)"))
    }

    public func stamps(persona: Int64) async throws -> Stamps {
        try Self.decoded(try await call("GET", "/api/v1/personas/\(persona)/stamps"))
    }

    static func decoded<T: Decodable>(_ data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: data)
    }
}
