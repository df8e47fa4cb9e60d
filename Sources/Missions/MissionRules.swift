import Foundation
import WorldModel

/// What is wrong with a mission: the field (a path such as `checkpoints[2].place.radiusM`) and why.
public typealias MissionProblem = FieldProblem

/// The limits a mission must keep (docs/missions.md §1).
public enum MissionRules {
    public static let fileBytesMax = 64 * 1024
    public static let checkpointsMax = 20
    public static let titleMax = 120
    public static let storyMax = 2000
    public static let radiusMaxM = 500.0
    public static let answersMax = 10
    public static let choicesRange = 2...6
    public static let playersRange = 2...20
    public static let minutesRange = 1...720
    /// Missions a region may have, shipped and saved together.
    public static let missionsMax = 200

    /// A decoder for mission JSON (instants in ISO 8601 with an offset).
    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }

    /// Reads one mission from JSON, checked against the world's `spaces` and the catalogue's
    /// `artworks`; throws `MissionProblem`.
    public static func decode(_ data: Data, spaces: Set<String>, artworks: Set<String>) throws -> Mission {
        guard data.count <= fileBytesMax else {
            throw MissionProblem("(document)", "is \(data.count) bytes; at most \(fileBytesMax)")
        }
        let mission: Mission
        do {
            mission = try decoder().decode(Mission.self, from: data)
        } catch let error as DecodingError {
            throw MissionProblem(error)
        } catch {
            throw MissionProblem("(document)", "not JSON")
        }
        if let problem = problem(mission, spaces: spaces, artworks: artworks) { throw problem }
        return mission
    }

    /// The first thing wrong with `mission`, or nil.
    public static func problem(_ m: Mission, spaces: Set<String>, artworks: Set<String>) -> MissionProblem? {
        guard m.format == 1 else { return MissionProblem("format", "must be 1") }
        if let p = idProblem(m.id, min: 3) { return MissionProblem("id", p) }
        if let p = textProblem(m.title, "title", max: titleMax) { return p }
        if let p = textProblem(m.story, "story", max: storyMax) { return p }
        if let w = m.window, w.closes <= w.opens {
            return MissionProblem("window.closes", "ends before it opens")
        }
        if let reward = m.reward {
            let names = Accessory.rewards.map(\.name).sorted().joined(separator: ", ")
            guard let a = Accessory(name: reward.accessory), a.isReward else {
                return MissionProblem("reward.accessory", "no reward '\(reward.accessory.prefix(40))'; one of \(names)")
            }
        }
        guard (1...checkpointsMax).contains(m.checkpoints.count) else {
            return MissionProblem("checkpoints", "1 to \(checkpointsMax) checkpoints")
        }
        var seen: Set<String> = []
        for (i, c) in m.checkpoints.enumerated() {
            let at = "checkpoints[\(i)]"
            if let p = idProblem(c.id, min: 1) { return MissionProblem("\(at).id", p) }
            guard seen.insert(c.id).inserted else { return MissionProblem("\(at).id", "'\(c.id)' is used twice") }
            if let p = textProblem(c.name, "\(at).name", max: titleMax) { return p }
            if let p = textProblem(c.stamp, "\(at).stamp", max: titleMax) { return p }
            guard c.place.latitude.isFinite, abs(c.place.latitude) <= 90 else {
                return MissionProblem("\(at).place.latitude", "must be in -90…90")
            }
            guard c.place.longitude.isFinite, abs(c.place.longitude) <= 180 else {
                return MissionProblem("\(at).place.longitude", "must be in -180…180")
            }
            if let p = radiusProblem(c.place.radiusM) { return MissionProblem("\(at).place.radiusM", p) }
            guard spaces.contains(c.mirror.space) else {
                return MissionProblem("\(at).mirror.space", "no space '\(c.mirror.space.prefix(40))' in this world")
            }
            guard c.mirror.x.isFinite, c.mirror.y.isFinite, abs(c.mirror.x) < 1e6, abs(c.mirror.y) < 1e6 else {
                return MissionProblem("\(at).mirror", "x and y must be finite metres")
            }
            if let p = radiusProblem(c.mirror.radiusM) { return MissionProblem("\(at).mirror.radiusM", p) }
            if let p = taskProblem(c.task, at: "\(at).task", artworks: artworks) { return p }
        }
        return nil
    }

    static func taskProblem(_ task: MissionTask, at: String, artworks: Set<String>) -> MissionProblem? {
        switch task {
        case .reach:
            return nil
        case .question(let prompt, let answers):
            if let p = textProblem(prompt, "\(at).prompt", max: storyMax) { return p }
            guard (1...answersMax).contains(answers.count) else {
                return MissionProblem("\(at).answers", "1 to \(answersMax) answers")
            }
            for (i, a) in answers.enumerated()
            where Answers.fold(a).isEmpty || a.count > Answers.lengthMax {
                return MissionProblem("\(at).answers[\(i)]", "1 to \(Answers.lengthMax) characters, not only spaces")
            }
            return nil
        case .choice(let prompt, let choices, let answer):
            if let p = textProblem(prompt, "\(at).prompt", max: storyMax) { return p }
            guard choicesRange.contains(choices.count) else {
                return MissionProblem(
                    "\(at).choices", "\(choicesRange.lowerBound) to \(choicesRange.upperBound) choices")
            }
            for (i, c) in choices.enumerated() {
                if let p = textProblem(c, "\(at).choices[\(i)]", max: Answers.lengthMax) { return p }
            }
            guard choices.indices.contains(answer) else {
                return MissionProblem("\(at).answer", "must be the index of a choice (0 to \(choices.count - 1))")
            }
            return nil
        case .artwork(let id):
            guard artworks.contains(id) else {
                return MissionProblem("\(at).artwork", "no work '\(id.prefix(60))' in the catalogue")
            }
            return nil
        case .meet(let players):
            guard playersRange.contains(players) else {
                return MissionProblem(
                    "\(at).players", "\(playersRange.lowerBound) to \(playersRange.upperBound) players")
            }
            return nil
        case .scheduled(let time, let minutes):
            guard Schedule.minuteOfDay(time) != nil else {
                return MissionProblem("\(at).at", "a time of day as HH:MM (00:00 to 23:59)")
            }
            guard minutesRange.contains(minutes) else {
                return MissionProblem(
                    "\(at).minutes", "\(minutesRange.lowerBound) to \(minutesRange.upperBound) minutes")
            }
            return nil
        }
    }

    static func idProblem(_ id: String, min: Int) -> String? { FieldProblem.slugProblem(id, lengths: min...40) }

    static func textProblem(_ text: LocalizedText, _ field: String, max: Int) -> MissionProblem? {
        FieldProblem.text(text, field, max: max)
    }

    static func radiusProblem(_ r: Double) -> String? {
        r.isFinite && r > 0 && r <= radiusMaxM ? nil : "must be more than 0 and at most \(Int(radiusMaxM)) m"
    }
}

/// Reads the missions shipped with a world: every `*.json` of `worlds/<region>/missions/`.
public enum MissionLoader {
    /// A file that does not load: which, where in it and why.
    public struct FileError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var field: String
        public var reason: String

        public var description: String { "\(file): \(field): \(reason)" }
    }

    public static func load(directory: URL, spaces: Set<String>, artworks: Set<String>) throws -> [Mission] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard files.count <= MissionRules.missionsMax else {
            throw FileError(
                file: directory.path, field: "(directory)",
                reason: "\(files.count) missions; at most \(MissionRules.missionsMax)")
        }
        return try files.map { file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            guard size <= MissionRules.fileBytesMax else {
                throw FileError(
                    file: file.path, field: "(document)",
                    reason: "is \(size) bytes; at most \(MissionRules.fileBytesMax)")
            }
            do {
                let m = try MissionRules.decode(Data(contentsOf: file), spaces: spaces, artworks: artworks)
                guard m.id == file.deletingPathExtension().lastPathComponent else {
                    throw MissionProblem("id", "'\(m.id)' must be the file's name")
                }
                return m
            } catch let p as MissionProblem {
                throw FileError(file: file.path, field: p.field, reason: p.reason)
            }
        }
    }
}
