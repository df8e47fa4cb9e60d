import Foundation

/// An exhibition in a gallery space: what it is called, when it runs, who curated it, and where
/// each work hangs or stands (metres in the space's frame; `heading` is the way the work faces).
public struct Exhibition: Sendable, Hashable, Codable, Identifiable {
    public struct Title: Sendable, Hashable, Codable {
        public var ko: String
        public var en: String
    }

    public struct Placement: Sendable, Hashable, Codable {
        public var artwork: String
        public var x: Double
        public var y: Double
        /// Height of the work's centre above the floor.
        public var z: Double
        public var heading: Double
        public var width: Double
        public var height: Double
    }

    public var id: String
    public var space: String
    public var title: Title
    /// ISO dates (YYYY-MM-DD).
    public var from: String
    public var to: String
    public var curator: String
    public var credit: String?
    public var works: [Placement]

    public static let worksMax = 500

    /// Checks ids, dates, sizes and that every work is in `catalogue`; returns a reason or nil.
    public func problem(catalogue ids: Set<String>) -> String? {
        let idOK =
            !id.isEmpty && id.count <= 64 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        guard idOK else { return "id: 1–64 letters, digits and '-'" }
        guard !title.ko.isEmpty, !title.en.isEmpty, title.ko.unicodeScalars.count <= 200,
            title.en.unicodeScalars.count <= 200
        else {
            return "title: Korean and English, 1–200 characters each"
        }
        let date = /^\d{4}-\d{2}-\d{2}$/
        guard from.wholeMatch(of: date) != nil, to.wholeMatch(of: date) != nil, from <= to else {
            return "from/to: dates YYYY-MM-DD, from not after to"
        }
        guard curator.unicodeScalars.count <= 200 else { return "curator: at most 200 characters" }
        guard !works.isEmpty, works.count <= Self.worksMax else { return "works: 1 to \(Self.worksMax)" }
        for (i, w) in works.enumerated() {
            guard ids.contains(w.artwork) else { return "works[\(i)].artwork: '\(w.artwork)' is not in the catalogue" }
            guard [w.x, w.y, w.z, w.heading, w.width, w.height].allSatisfy(\.isFinite), w.width > 0, w.height > 0,
                w.width <= 50, w.height <= 50
            else { return "works[\(i)]: position and size are finite metres (size 0–50 m)" }
        }
        return nil
    }

    /// The works within `radius` metres of (x, y), nearest first.
    public func works(near x: Double, _ y: Double, radius: Double) -> [Placement] {
        works.map { ($0, hypot($0.x - x, $0.y - y)) }.filter { $0.1 <= radius }.sorted { $0.1 < $1.1 }.map(\.0)
    }
}
