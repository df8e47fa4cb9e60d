import Foundation
import WorldModel

/// Chat as it may be shown: control characters become spaces, the ends are trimmed, links are for
/// personas older than a day, and listed words are masked.
public enum ChatText {
    /// How old a persona must be to post links.
    public static let linkAgeMinS: TimeInterval = 24 * 3600

    public enum Verdict: Equatable, Sendable {
        case post(String)
        case empty
        case tooLong(max: Int)
        case linkNotAllowed
    }

    /// Cleans `text` for posting. `personaCreatedAt` is nil for guests, who never post links.
    public static func check(
        _ text: String, lengthMax: Int, personaCreatedAt: Date?, now: Date, words: WordFilter
    ) -> Verdict {
        let clean = String(
            text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }
        )
        .trimmingWhitespace()
        guard !clean.isEmpty else { return .empty }
        guard clean.count <= lengthMax else { return .tooLong(max: lengthMax) }
        if LinkDetector.containsLink(clean) && !mayPostLinks(personaCreatedAt: personaCreatedAt, now: now) {
            return .linkNotAllowed
        }
        return .post(words.mask(clean))
    }

    /// Personas older than a day may post links; guests never.
    public static func mayPostLinks(personaCreatedAt: Date?, now: Date) -> Bool {
        guard let created = personaCreatedAt else { return false }
        return now.timeIntervalSince(created) >= linkAgeMinS
    }
}
