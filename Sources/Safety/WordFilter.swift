import Foundation

/// Masks words from a configurable list (Korean and English) in chat, case-insensitively.
public struct WordFilter: Sendable {
    /// Each word as lower-cased characters.
    private let words: [[String]]
    public static let wordsMax = 10_000

    public init(words: [String]) {
        self.words = words.prefix(Self.wordsMax).compactMap { word in
            let w = word.trimmingCharacters(in: .whitespaces)
            return w.isEmpty ? nil : w.map { $0.lowercased() }
        }
    }

    /// Reads one word per line; blank lines and lines starting with `#` are skipped.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        self.init(words: text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") })
    }

    public var isEmpty: Bool { words.isEmpty }

    /// The text with every listed word replaced by as many `*`.
    public func mask(_ text: String) -> String {
        guard !words.isEmpty else { return text }
        var chars = Array(text)
        let lowered = chars.map { $0.lowercased() }
        for word in words where word.count <= lowered.count {
            var k = 0
            while k + word.count <= lowered.count {
                if lowered[k] == word[0] && Array(lowered[k..<(k + word.count)]) == word {
                    for m in k..<(k + word.count) { chars[m] = "*" }
                    k += word.count
                } else {
                    k += 1
                }
            }
        }
        return String(chars)
    }
}
