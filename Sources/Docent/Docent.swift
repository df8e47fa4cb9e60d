import Foundation

/// Answers a visitor's question from the catalogue only: it finds the works the question is about
/// (BM25, boosted by what the visitor stands near) and says what their metadata says — nothing more.
public struct Docent: Sendable {
    public let index: SearchIndex
    /// Shown with every answer: where the facts come from.
    public let source: String
    private let byId: [String: Int]
    /// Every artwork by its catalogue id.
    public var artworksById: [String: Artwork] {
        Dictionary(index.artworks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public static let questionLengthMax = 500

    public init(artworks: [Artwork], source: String = "Tate collection metadata (CC0)") {
        index = SearchIndex(artworks: artworks)
        self.source = source
        byId = Dictionary(artworks.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    /// What a question asks for.
    public enum Intent: String, Sendable, Codable { case artist, date, medium, size, title, about }

    public struct Answer: Sendable, Codable, Hashable {
        public var answer: String
        /// The artworks the answer relies on, best first (catalogue ids).
        public var artworks: [String]
        public var intent: Intent
        public var language: String
    }

    public struct QuestionError: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Answers `question`; `near` lists the works the visitor stands near, nearest first.
    public func ask(_ question: String, near: [String] = []) throws(QuestionError) -> Answer {
        let text = question.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw QuestionError(reason: "ask a question (it is empty)") }
        guard text.unicodeScalars.count <= Self.questionLengthMax else {
            throw QuestionError(reason: "a question has at most \(Self.questionLengthMax) characters")
        }
        let korean = TextAnalyzer.isKorean(text)
        let intent = Self.intent(of: text.lowercased())
        let terms = TextAnalyzer.terms(text) + Glossary.expansions(of: text)
        let nearDocs = near.compactMap { byId[$0] }
        var ranked = index.search(terms: terms, limit: 10, boosted: Set(nearDocs)).map(\.doc)
        // "This work" with nothing else to go on: the one the visitor stands nearest.
        let deictic = ["이 작품", "이작품", "이것", "this work", "this piece", "this one", "this artwork"].contains {
            text.lowercased().contains($0)
        }
        if let nearest = nearDocs.first, deictic || ranked.isEmpty {
            ranked.removeAll { $0 == nearest }
            ranked.insert(nearest, at: 0)
        }
        guard let top = ranked.first else {
            return Answer(
                answer: korean
                    ? "소장품 정보에서 그 질문에 맞는 작품을 찾지 못했습니다. 작가 이름이나 제목으로 물어보세요."
                    : "I found no work in the catalogue for that question. Try an artist's name or a title.",
                artworks: [], intent: intent, language: korean ? "ko" : "en")
        }
        let art = index.artworks[top]
        return Answer(
            answer: Self.sentence(for: art, intent: intent, korean: korean) + (korean ? " (출처: " : " (Source: ")
                + source + ")",
            artworks: ranked.prefix(5).map { index.artworks[$0].id }, intent: intent, language: korean ? "ko" : "en")
    }

    static func intent(of q: String) -> Intent {
        func any(_ words: [String]) -> Bool { words.contains { q.contains($0) } }
        if any(["누가", "작가", "만든 사람", "누구", "who", "artist", "made by", "by whom", "creator"]) { return .artist }
        if any(["언제", "몇 년", "연도", "when", "what year", "which year", "date"]) { return .date }
        if any(["재료", "매체", "기법", "무엇으로", "뭘로", "medium", "material", "made of", "technique"]) { return .medium }
        if any(["크기", "얼마나 큰", "사이즈", "size", "how big", "dimension"]) { return .size }
        if any(["제목", "이름이", "title", "called", "name of"]) { return .title }
        return .about
    }

    /// One or two sentences from the record's own fields, in the asker's language.
    static func sentence(for a: Artwork, intent: Intent, korean: Bool) -> String {
        let date = a.dateText ?? a.year.map(String.init)
        let dates = a.artistDates.map { " (\($0))" } ?? ""
        if korean {
            let title = "〈\(a.title)〉" + (date.map { "(\($0))" } ?? "")
            switch intent {
            case .artist: return "\(title)은 \(a.artist)\(dates)의 작품입니다."
            case .date: return date.map { "〈\(a.title)〉의 제작 연도는 \($0)입니다." } ?? "〈\(a.title)〉의 제작 연도는 소장품 정보에 없습니다."
            case .medium: return a.medium.map { "〈\(a.title)〉의 재료·매체: \($0)." } ?? "〈\(a.title)〉의 재료는 소장품 정보에 없습니다."
            case .size: return a.dimensions.map { "〈\(a.title)〉의 크기: \($0)." } ?? "〈\(a.title)〉의 크기는 소장품 정보에 없습니다."
            case .title, .about:
                let narration = a.narration["ko"].map { " \($0)" } ?? ""
                return "\(title), \(a.artist)\(dates)." + (a.medium.map { " 재료·매체: \($0)." } ?? "") + narration
            }
        }
        let title = "'\(a.title)'" + (date.map { " (\($0))" } ?? "")
        switch intent {
        case .artist: return "\(title) is by \(a.artist)\(dates)."
        case .date:
            return date.map { "'\(a.title)' dates from \($0)." } ?? "The catalogue gives no date for '\(a.title)'."
        case .medium:
            return a.medium.map { "'\(a.title)': \($0)." } ?? "The catalogue gives no medium for '\(a.title)'."
        case .size:
            return a.dimensions.map { "'\(a.title)': \($0)." } ?? "The catalogue gives no size for '\(a.title)'."
        case .title, .about:
            let narration = a.narration["en"].map { " \($0)" } ?? ""
            return "\(title), by \(a.artist)\(dates)." + (a.medium.map { " \($0)." } ?? "") + narration
        }
    }
}
