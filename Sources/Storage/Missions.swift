import Foundation

/// A stamp a persona earned: which mission and checkpoint, and the day only if the person asked
/// to keep it. Nothing else about playing is stored (docs/missions.md).
public struct EarnedStamp: Hashable, Sendable, Codable {
    public var mission: String
    public var checkpoint: String
    /// `yyyy-MM-dd` in the city's time zone, or nil.
    public var day: String?

    public init(mission: String, checkpoint: String, day: String? = nil) {
        self.mission = mission
        self.checkpoint = checkpoint
        self.day = day
    }
}

/// Durable state of missions: the versions curators saved, and the stamps personas earned.
public protocol MissionStore: Sendable {
    /// Missions curators saved (as JSON), by id.
    func missions() async throws -> [(id: String, json: String)]
    /// Saves a mission; true when the id was new.
    @discardableResult
    func saveMission(id: String, json: String, now: Date) async throws -> Bool
    /// Records the stamp once; true when it was new. Deleting the persona deletes its stamps.
    @discardableResult
    func earnStamp(persona: Int64, _ stamp: EarnedStamp) async throws -> Bool
    /// The persona's stamps, by mission and checkpoint.
    func stamps(persona: Int64) async throws -> [EarnedStamp]
}
