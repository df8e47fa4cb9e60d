import Foundation

/// What is wrong with a document a person wrote (a mission, a proposal): the field, as a path such as
/// `checkpoints[2].place.radiusM`, and a reason they can act on.
public struct FieldProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }

    /// A JSON decoding failure as the field it happened at and a reason the author can act on.
    public init(_ error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "(document)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(path(context.codingPath + [key]), "is missing")
        case .typeMismatch(let type, let context):
            self.init(path(context.codingPath), "must be \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            self.init(path(context.codingPath), "must be \(Self.typeName(type)), not null")
        case .dataCorrupted(let context):
            self.init(path(context.codingPath), context.debugDescription)
        @unknown default:
            self.init("(document)", "not a valid document")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "a list" : "an object"
        }
    }

    /// Why `id` is not a slug of a-z, 0-9 and - with a length in `lengths`, or nil.
    public static func slugProblem(_ id: String, lengths: ClosedRange<Int>) -> String? {
        let allowed = id.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
        }
        guard allowed, lengths.contains(id.unicodeScalars.count) else {
            return "\(lengths.lowerBound) to \(lengths.upperBound) of a-z, 0-9 and -"
        }
        return nil
    }

    /// The problem with a text in both languages: each 1 to `max` characters, not only white space.
    public static func text(_ text: LocalizedText, _ field: String, max: Int) -> FieldProblem? {
        for (language, value) in [("ko", text.ko), ("en", text.en)] {
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, value.count <= max else {
                return FieldProblem("\(field).\(language)", "1 to \(max) characters")
            }
        }
        return nil
    }
}
