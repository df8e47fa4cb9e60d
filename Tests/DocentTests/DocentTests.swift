import Foundation
import Testing

@testable import Docent

/// The docent over the demo catalogue: analysis, retrieval quality on a question set, answers that
/// state only the metadata, and bad input.
@Suite struct DocentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalogueFile = root.appendingPathComponent(
        "../shared/data/artworks/tate_media_and_korean_artworks_cc0.json")
    static let docent: Docent = {
        let artworks = (try? Catalogue.load(file: catalogueFile))?.artworks ?? []
        return Docent(artworks: artworks)
    }()

    @Test func koreanIsBigramsAndEnglishIsFoldedAndStemmed() {
        #expect(TextAnalyzer.terms("서도호의 설치") == ["서도", "도호", "호의", "설치"])
        #expect(TextAnalyzer.terms("León Ferrari's Projections") == ["leon", "ferrari", "s", "projection"])
        #expect(TextAnalyzer.terms("이 작품은 누가 만들었나요?").isEmpty, "only question words")
        #expect(Glossary.expansions(of: "서도호 작품").contains("suh"))
    }

    struct Question: Decodable {
        let q: String
        let ids: [String]
        let near: [String]?
    }

    @Test func recallAtThreeOnTheQuestionSet() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/docent/questions.json"))
        let questions = try JSONDecoder().decode([Question].self, from: data)
        #expect(questions.count >= 40)
        #expect(questions.filter { TextAnalyzer.isKorean($0.q) }.count >= 20, "half in Korean")
        var total = 0.0
        var misses: [String] = []
        for question in questions {
            let top = try Self.docent.ask(question.q, near: question.near ?? []).artworks.prefix(3)
            let hit = Double(Set(top).intersection(question.ids).count) / Double(min(3, question.ids.count))
            total += hit
            if hit < 1 { misses.append("\(question.q) → \(Array(top)) want \(question.ids)") }
        }
        let recall = total / Double(questions.count)
        print("recall@3 = \(recall) over \(questions.count) questions; misses: \(misses)")
        #expect(recall >= 0.9, "recall@3 \(recall)")
    }

    @Test func whoMadeThisWorkNearAWorkNamesItsArtist() throws {
        let answer = try Self.docent.ask("이 작품은 누가 만들었나요?", near: ["T07303"])
        #expect(answer.artworks.first == "T07303")
        #expect(answer.answer.contains("Lee Ufan") && answer.language == "ko" && answer.intent == .artist)
        let english = try Self.docent.ask("Who made this work?", near: ["T07303"])
        #expect(english.answer.contains("is by Lee Ufan"))
    }

    @Test func answersStateOnlyTheMetadata() throws {
        let answer = try Self.docent.ask("What is Correspondence by Lee Ufan made of?")
        let art = try #require(Self.docent.index.artworks.first { $0.id == answer.artworks.first })
        #expect(answer.intent == .medium)
        #expect(answer.answer.contains(art.medium ?? "—"))
        #expect(answer.answer.contains("Tate"), "says where the facts come from")
    }

    @Test func badQuestionsAndCataloguesAreRefusedClearly() throws {
        #expect(throws: Docent.QuestionError.self) { _ = try Self.docent.ask("   ") }
        #expect(throws: Docent.QuestionError.self) { _ = try Self.docent.ask(String(repeating: "가", count: 10_000)) }
        let nothing = try Self.docent.ask("zzqx wombat")
        #expect(nothing.artworks.isEmpty && nothing.answer.contains("no work"))
        let broken = Data(#"{"artworks": [{"accession_number": "A1", "title": "x"}, {"title": 5}]}"#.utf8)
        do {
            _ = try Catalogue.parse(broken, file: "bad.json")
            Issue.record("a broken catalogue was accepted")
        } catch {
            #expect(error.record == 1 && error.field == "accession_number")
        }
    }
}

/// Tour plans: relevance first, within the time budget, and clear errors.
@Suite struct TourPlannerTests {
    @Test func aTourFitsItsBudgetAndStartsWithWhatTheVisitorWants() throws {
        let docent = DocentTests.docent
        let ids = ["T11805", "AR00042", "T07455", "AR01149", "T07303", "T13724"]
        let works = ids.enumerated().map { i, id in
            Exhibition.Placement(artwork: id, x: Double(i) * 10, y: 0, z: 1.6, heading: 0, width: 1, height: 1)
        }
        let straight: ((x: Double, y: Double), (x: Double, y: Double)) -> Double? = { a, b in
            hypot(a.x - b.x, a.y - b.y)
        }
        let plan = try TourPlanner().plan(
            interests: "빌 비올라의 비디오", budgetS: 300, start: (0, 0), docent: docent, works: works, walk: straight)
        #expect(plan.totalS <= 300)
        #expect(Set(plan.stops.prefix(2).map(\.artwork)) == ["T11805", "AR00042"], "Bill Viola's works first")
        #expect(zip(plan.stops, plan.stops.dropFirst()).allSatisfy { $0.leaveS <= $1.arriveS })
        #expect(throws: TourPlanner.PlanError.self) {
            _ = try TourPlanner().plan(
                interests: "", budgetS: 0, start: (0, 0), docent: docent, works: works, walk: straight)
        }
        #expect(throws: TourPlanner.PlanError.self, "nothing fits 30 s with a 60 s dwell") {
            _ = try TourPlanner().plan(
                interests: "", budgetS: 30, start: (0, 0), docent: docent, works: works, walk: straight)
        }
    }
}
