import Foundation
import WorldModel

/// A location game (docs/missions.md): checkpoints that are real places and their mirrors in
/// Bitgoeul, each with a task and a stamp, and an accessory for completing them all.
public struct Mission: Codable, Hashable, Sendable {
    public enum Order: String, Codable, Hashable, Sendable {
        /// One checkpoint after the other.
        case ordered
        /// Any checkpoint in any order.
        case free
    }

    /// When the mission can be played: from `opens` (inclusive) until `closes` (exclusive).
    public struct Window: Codable, Hashable, Sendable {
        public var opens: Date
        public var closes: Date

        public init(opens: Date, closes: Date) {
            self.opens = opens
            self.closes = closes
        }
    }

    public struct Reward: Codable, Hashable, Sendable {
        /// A reward accessory's name (`Accessory.rewards`).
        public var accessory: String

        public init(accessory: String) { self.accessory = accessory }
    }

    public var format: Int
    public var id: String
    public var title: LocalizedText
    public var story: LocalizedText
    public var window: Window?
    public var order: Order
    /// Played only while the sun is up at the checkpoint (protects under-age players).
    public var daylightOnly: Bool?
    public var reward: Reward?
    public var checkpoints: [Checkpoint]

    public init(
        id: String, title: LocalizedText, story: LocalizedText, window: Window? = nil, order: Order,
        daylightOnly: Bool = false, reward: Reward? = nil, checkpoints: [Checkpoint]
    ) {
        self.format = 1
        self.id = id
        self.title = title
        self.story = story
        self.window = window
        self.order = order
        self.daylightOnly = daylightOnly
        self.reward = reward
        self.checkpoints = checkpoints
    }

    public var isDaylightOnly: Bool { daylightOnly ?? false }

    public func checkpoint(_ id: String) -> Checkpoint? { checkpoints.first { $0.id == id } }

    /// The spaces the mission's checkpoints mirror into.
    public var spaces: Set<String> { Set(checkpoints.map(\.mirror.space)) }

    /// The reward as an accessory, when there is one.
    public var rewardAccessory: Accessory? { reward.flatMap { Accessory(name: $0.accessory) } }
}

/// One stop of a mission: a real place, its mirror, what to do there and the stamp it earns.
public struct Checkpoint: Codable, Hashable, Sendable {
    /// A circle on the WGS84 ellipsoid.
    public struct Place: Codable, Hashable, Sendable {
        public var latitude: Double
        public var longitude: Double
        public var radiusM: Double

        public init(latitude: Double, longitude: Double, radiusM: Double) {
            self.latitude = latitude
            self.longitude = longitude
            self.radiusM = radiusM
        }
    }

    /// A circle in a space's ENU frame (metres east and north of its anchor).
    public struct Mirror: Codable, Hashable, Sendable {
        public var space: String
        public var x: Double
        public var y: Double
        public var radiusM: Double

        public init(space: String, x: Double, y: Double, radiusM: Double) {
            self.space = space
            self.x = x
            self.y = y
            self.radiusM = radiusM
        }
    }

    public var id: String
    public var name: LocalizedText
    public var place: Place
    public var mirror: Mirror
    public var task: MissionTask
    public var stamp: LocalizedText

    public init(id: String, name: LocalizedText, place: Place, mirror: Mirror, task: MissionTask, stamp: LocalizedText)
    {
        self.id = id
        self.name = name
        self.place = place
        self.mirror = mirror
        self.task = task
        self.stamp = stamp
    }
}

/// What a player does at a checkpoint once there.
public enum MissionTask: Hashable, Sendable {
    /// Being there is enough.
    case reach
    /// A free-text question; any of `answers` is right (compared with `Answers.fold`).
    case question(prompt: LocalizedText, answers: [String])
    /// A multiple-choice question; `answer` is the index of the right choice.
    case choice(prompt: LocalizedText, choices: [LocalizedText], answer: Int)
    /// Find a work of the docent catalogue and name it.
    case artwork(id: String)
    /// This many distinct accounts inside the checkpoint at once.
    case meet(players: Int)
    /// Open daily at `at` (HH:MM, the city's time zone) for `minutes`.
    case scheduled(at: String, minutes: Int)

    public static let kinds = ["reach", "question", "artwork", "meet", "scheduled"]

    public var kind: String {
        switch self {
        case .reach: "reach"
        case .question, .choice: "question"
        case .artwork: "artwork"
        case .meet: "meet"
        case .scheduled: "scheduled"
        }
    }

    /// Whether the player answers something after arriving.
    public var isAnswered: Bool {
        switch self {
        case .question, .choice, .artwork: true
        case .reach, .meet, .scheduled: false
        }
    }
}

extension MissionTask: Codable {
    enum Key: String, CodingKey {
        case kind, prompt, answers, choices, answer, artwork, players, at, minutes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "reach":
            self = .reach
        case "question":
            let prompt = try c.decode(LocalizedText.self, forKey: .prompt)
            if c.contains(.choices) {
                self = .choice(
                    prompt: prompt, choices: try c.decode([LocalizedText].self, forKey: .choices),
                    answer: try c.decode(Int.self, forKey: .answer))
            } else {
                self = .question(prompt: prompt, answers: try c.decode([String].self, forKey: .answers))
            }
        case "artwork":
            self = .artwork(id: try c.decode(String.self, forKey: .artwork))
        case "meet":
            self = .meet(players: try c.decode(Int.self, forKey: .players))
        case "scheduled":
            self = .scheduled(
                at: try c.decode(String.self, forKey: .at), minutes: try c.decode(Int.self, forKey: .minutes))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "unknown kind '\(kind.prefix(40))'; one of \(Self.kinds.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .reach:
            break
        case .question(let prompt, let answers):
            try c.encode(prompt, forKey: .prompt)
            try c.encode(answers, forKey: .answers)
        case .choice(let prompt, let choices, let answer):
            try c.encode(prompt, forKey: .prompt)
            try c.encode(choices, forKey: .choices)
            try c.encode(answer, forKey: .answer)
        case .artwork(let id):
            try c.encode(id, forKey: .artwork)
        case .meet(let players):
            try c.encode(players, forKey: .players)
        case .scheduled(let at, let minutes):
            try c.encode(at, forKey: .at)
            try c.encode(minutes, forKey: .minutes)
        }
    }
}

/// Free answers compared the way people write them: Unicode NFC (Korean typed as jamo or as
/// syllables is the same), case folded, all white space removed.
public enum Answers {
    /// Characters an answer may have.
    public static let lengthMax = 200

    public static func fold(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        let folded = composed.folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
        return String(folded.unicodeScalars.filter { !$0.properties.isWhitespace })
            .precomposedStringWithCanonicalMapping
    }

    /// Whether `given` matches one of `accepted`.
    public static func matches(_ given: String, _ accepted: [String]) -> Bool {
        let g = fold(given)
        return !g.isEmpty && accepted.contains { fold($0) == g }
    }
}
