import Foundation

/// One artwork record: the catalogue's metadata, plus curator narration where it exists.
public struct Artwork: Sendable, Hashable, Codable, Identifiable {
    /// The catalogue's stable id (Tate's accession number for the demo set).
    public var id: String
    public var title: String
    public var artist: String
    public var artistDates: String?
    public var artistBirthPlace: String?
    public var dateText: String?
    public var year: Int?
    public var medium: String?
    public var dimensions: String?
    public var classification: String?
    public var subjects: String?
    public var movements: String?
    public var creditLine: String?
    public var url: String?
    /// Curator narration, if any, by language ("ko", "en").
    public var narration: [String: String]

    public init(
        id: String, title: String, artist: String, artistDates: String? = nil, artistBirthPlace: String? = nil,
        dateText: String? = nil, year: Int? = nil, medium: String? = nil, dimensions: String? = nil,
        classification: String? = nil, subjects: String? = nil, movements: String? = nil, creditLine: String? = nil,
        url: String? = nil, narration: [String: String] = [:]
    ) {
        self.id = id
        self.title = title
        self.artist = artist
        self.artistDates = artistDates
        self.artistBirthPlace = artistBirthPlace
        self.dateText = dateText
        self.year = year
        self.medium = medium
        self.dimensions = dimensions
        self.classification = classification
        self.subjects = subjects
        self.movements = movements
        self.creditLine = creditLine
        self.url = url
        self.narration = narration
    }
}

/// A catalogue that cannot be read: which record, which field, and why.
public struct CatalogueError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var record: Int?
    public var field: String
    public var reason: String
    public var description: String {
        "\(file): " + (record.map { "record \($0): " } ?? "") + "\(field): \(reason)"
    }
}

/// Reads artwork catalogues: the demo set's JSON (`{"metadata": …, "artworks": [...]}`).
public enum Catalogue {
    public static let recordsMax = 200_000
    public static let fileBytesMax = 256 * 1024 * 1024

    public static func load(file: URL) throws(CatalogueError) -> (artworks: [Artwork], source: String?) {
        let name = file.lastPathComponent
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            guard size <= fileBytesMax else {
                throw CatalogueError(file: name, field: "(file)", reason: "larger than \(fileBytesMax) bytes")
            }
            data = try Data(contentsOf: file)
        } catch let error as CatalogueError {
            throw error
        } catch {
            throw CatalogueError(file: name, field: "(file)", reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(data, file: name)
    }

    public static func parse(_ data: Data, file: String = "catalogue.json") throws(CatalogueError) -> (
        artworks: [Artwork], source: String?
    ) {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CatalogueError(file: file, field: "(document)", reason: "not a JSON object")
        }
        guard let records = root["artworks"] as? [Any] else {
            throw CatalogueError(file: file, field: "artworks", reason: "missing or not an array")
        }
        guard records.count <= recordsMax else {
            throw CatalogueError(file: file, field: "artworks", reason: "more than \(recordsMax) records")
        }
        var artworks: [Artwork] = []
        var seen = Set<String>()
        for (i, item) in records.enumerated() {
            guard let r = item as? [String: Any] else {
                throw CatalogueError(file: file, record: i, field: "(record)", reason: "not an object")
            }
            func text(_ key: String, required: Bool = false) throws(CatalogueError) -> String? {
                guard let value = r[key], !(value is NSNull) else {
                    if required { throw CatalogueError(file: file, record: i, field: key, reason: "missing") }
                    return nil
                }
                guard let s = value as? String else {
                    throw CatalogueError(file: file, record: i, field: key, reason: "must be text")
                }
                guard s.utf8.count <= 20_000 else {
                    throw CatalogueError(file: file, record: i, field: key, reason: "longer than 20,000 bytes")
                }
                let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
                if required && trimmed.isEmpty {
                    throw CatalogueError(file: file, record: i, field: key, reason: "empty")
                }
                return trimmed.isEmpty ? nil : trimmed
            }
            let id = try text("accession_number", required: true)!
            guard seen.insert(id).inserted else {
                throw CatalogueError(file: file, record: i, field: "accession_number", reason: "'\(id)' appears twice")
            }
            var narration: [String: String] = [:]
            if let n = r["narration"] as? [String: String] { narration = n.filter { ["ko", "en"].contains($0.key) } }
            artworks.append(
                Artwork(
                    id: id, title: try text("title", required: true)!, artist: try text("artist") ?? "unknown",
                    artistDates: try text("artist_dates"), artistBirthPlace: try text("artist_birth_place"),
                    dateText: try text("date_text"), year: r["year"] as? Int, medium: try text("medium"),
                    dimensions: try text("dimensions"), classification: try text("classification"),
                    subjects: try text("subjects"), movements: try text("movements"),
                    creditLine: try text("credit_line"), url: try text("url"), narration: narration))
        }
        let source = (root["metadata"] as? [String: Any])?["source"] as? String
        return (artworks, source)
    }
}
