import Foundation

/// BM25 over the catalogue, with fields weighted by repeating their terms (artist and title count
/// most), so "who made X" and "works by Y" find the right records in Korean or English.
public struct SearchIndex: Sendable {
    public let artworks: [Artwork]
    /// Term → (document, weighted term frequency), documents ascending.
    let postings: [String: [(doc: Int32, tf: Float)]]
    let lengths: [Float]
    let averageLength: Float
    public static let k1: Float = 1.2
    public static let b: Float = 0.75

    /// The other fields and how much their terms count (title and artist count 3).
    static func weightedFields(_ a: Artwork) -> [(String?, Float)] {
        [
            (a.medium, 1), (a.classification, 1), (a.subjects, 1), (a.movements, 1), (a.dateText, 1),
            (a.artistBirthPlace, 0.5),
        ]
    }

    public init(artworks: [Artwork]) {
        self.artworks = artworks
        var postings: [String: [(doc: Int32, tf: Float)]] = [:]
        var lengths: [Float] = []
        for (d, art) in artworks.enumerated() {
            var tf: [String: Float] = [:]
            func add(_ text: String?, _ weight: Float) {
                guard let text else { return }
                for term in TextAnalyzer.terms(text) { tf[term, default: 0] += weight }
            }
            add(art.title, 3)
            add(art.artist, 3)
            for (text, weight) in Self.weightedFields(art) { add(text, weight) }
            for text in art.narration.values { add(text, 1) }
            lengths.append(tf.values.reduce(0, +))
            for (term, f) in tf { postings[term, default: []].append((Int32(d), f)) }
        }
        self.postings = postings
        self.lengths = lengths
        averageLength = lengths.isEmpty ? 1 : lengths.reduce(0, +) / Float(lengths.count)
    }

    /// The best `limit` artworks for `terms`, scores descending (ties by catalogue order); works in
    /// `boosted` (what the visitor stands near) score `boost` times more.
    public func search(terms: [String], limit: Int = 10, boosted: Set<Int> = [], boost: Float = 1.5) -> [(
        doc: Int, score: Float
    )] {
        var scores: [Int32: Float] = [:]
        let n = Float(artworks.count)
        for term in Set(terms) {
            guard let list = postings[term] else { continue }
            let idf = log(1 + (n - Float(list.count) + 0.5) / (Float(list.count) + 0.5))
            for (doc, tf) in list {
                let norm =
                    tf * (Self.k1 + 1) / (tf + Self.k1 * (1 - Self.b + Self.b * lengths[Int(doc)] / averageLength))
                scores[doc, default: 0] += idf * norm
            }
        }
        var ranked = scores.map {
            (doc: Int($0.key), score: boosted.contains(Int($0.key)) ? $0.value * boost : $0.value)
        }
        ranked.sort { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) }
        return Array(ranked.prefix(limit))
    }
}
