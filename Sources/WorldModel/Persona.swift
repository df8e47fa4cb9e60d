/// Body shapes the client can draw; the raw value goes on the wire.
public enum BodyShape: UInt8, CaseIterable, Hashable, Sendable, NamedCase {
    case slim = 0
    case regular = 1
    case broad = 2
    case small = 3
}

/// The one accessory an avatar may wear; the raw value goes on the wire.
public enum Accessory: UInt8, CaseIterable, Hashable, Sendable, NamedCase {
    case none = 0
    case hat = 1
    case glasses = 2
    case scarf = 3
    case backpack = 4
    case headphones = 5
    /// Rewards of missions (docs/missions.md): worn only by personas that earned them.
    case medal = 6
    case lanyard = 7
}

extension Accessory {
    /// Accessories a persona wears only after completing a mission that gives them (docs/missions.md).
    public static let rewards: Set<Accessory> = [.medal, .lanyard]

    public var isReward: Bool { Self.rewards.contains(self) }
}

/// How a persona looks to others: all that others learn about the person behind it.
public struct Appearance: Hashable, Sendable, Codable {
    public var bodyShape: BodyShape
    /// Colours as 0xRRGGBB.
    public var skinColor: UInt32
    public var primaryColor: UInt32
    public var secondaryColor: UInt32
    public var accessory: Accessory

    public init(
        bodyShape: BodyShape = .regular, skinColor: UInt32 = 0xE0B89A, primaryColor: UInt32 = 0x3A6EA5,
        secondaryColor: UInt32 = 0x2D2D2D, accessory: Accessory = .none
    ) {
        self.bodyShape = bodyShape
        self.skinColor = skinColor & 0xFF_FFFF
        self.primaryColor = primaryColor & 0xFF_FFFF
        self.secondaryColor = secondaryColor & 0xFF_FFFF
        self.accessory = accessory
    }

    public static let standard = Appearance()

    enum CodingKeys: String, CodingKey { case bodyShape, skinColor, primaryColor, secondaryColor, accessory }

    /// JSON form: names for the enums and `#rrggbb` for colours; missing fields take the defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Appearance.standard
        func colour(_ key: CodingKeys, _ fallback: UInt32) throws -> UInt32 {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return fallback }
            guard let value = parseColour(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "a colour is #rrggbb")
            }
            return value
        }
        self.init(
            bodyShape: try c.decodeIfPresent(BodyShape.self, forKey: .bodyShape) ?? d.bodyShape,
            skinColor: try colour(.skinColor, d.skinColor), primaryColor: try colour(.primaryColor, d.primaryColor),
            secondaryColor: try colour(.secondaryColor, d.secondaryColor),
            accessory: try c.decodeIfPresent(Accessory.self, forKey: .accessory) ?? d.accessory)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(bodyShape, forKey: .bodyShape)
        try c.encode(formatColour(skinColor), forKey: .skinColor)
        try c.encode(formatColour(primaryColor), forKey: .primaryColor)
        try c.encode(formatColour(secondaryColor), forKey: .secondaryColor)
        try c.encode(accessory, forKey: .accessory)
    }

    /// Throws when a colour is outside 0x000000...0xFFFFFF.
    public func validated() throws(ValidationError) -> Appearance {
        for (field, colour) in [
            ("skinColor", skinColor), ("primaryColor", primaryColor), ("secondaryColor", secondaryColor),
        ]
        where colour > 0xFF_FFFF {
            throw ValidationError(field: "appearance.\(field)", reason: "a colour is 0xRRGGBB (0...16777215)")
        }
        return self
    }
}

/// An enum stored as its case name in JSON and as its raw byte on the wire.
public protocol NamedCase: CaseIterable, Codable, RawRepresentable where RawValue == UInt8 {}

extension NamedCase {
    public var name: String { String(describing: self) }

    /// The case with this name, or nil.
    public init?(name: String) {
        guard let value = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let value = Self.allCases.first(where: { $0.name == text }) else {
            let names = Self.allCases.map(\.name).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "one of \(names)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

/// Parses `#rrggbb` (case-insensitive) into 0xRRGGBB.
public func parseColour(_ text: String) -> UInt32? {
    guard text.utf8.count == 7, text.hasPrefix("#") else { return nil }
    return UInt32(text.dropFirst(), radix: 16)
}

/// Formats 0xRRGGBB as `#rrggbb`.
public func formatColour(_ value: UInt32) -> String {
    let hex = String(value & 0xFF_FFFF, radix: 16)
    return "#" + String(repeating: "0", count: 6 - hex.count) + hex
}

/// A public pseudonym (부캐) an account walks the world as.
public struct Persona: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64
    public var name: String
    public var appearance: Appearance

    public init(id: Int64, name: String, appearance: Appearance) {
        self.id = id
        self.name = name
        self.appearance = appearance
    }
}

/// Rules for persona names: what others see, so they must be printable and short.
public enum PersonaName {
    public static let lengthMin = 2
    public static let lengthMax = 24
    /// Upper bound on UTF-8 bytes: 24 Hangul syllables are 72 bytes.
    public static let bytesMax = 96

    /// Returns the trimmed name, or throws with the reason it is not acceptable.
    public static func validate(_ raw: String) throws(ValidationError) -> String {
        let name = raw.trimmingWhitespace()
        // Characters are Unicode code points, as JSON Schema's minLength and maxLength count them.
        guard name.unicodeScalars.count >= lengthMin, raw.unicodeScalars.count <= lengthMax, name.utf8.count <= bytesMax
        else {
            throw ValidationError(field: "name", reason: "a persona name has \(lengthMin) to \(lengthMax) characters")
        }
        for scalar in name.unicodeScalars {
            let allowed =
                scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar == " " || scalar == "_" || scalar == "-" || scalar == "." || scalar == "·"
            if !allowed {
                throw ValidationError(
                    field: "name", reason: "a persona name has letters, digits, spaces and _ - . · only")
            }
        }
        if name.contains("  ") {
            throw ValidationError(field: "name", reason: "a persona name has no double spaces")
        }
        return name
    }
}

/// Input that breaks a rule: which field and why, in words a user can act on.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
