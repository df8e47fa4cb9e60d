import Docent
import Foundation
import Hummingbird

/// Visitors ask the docent about the catalogue, boosted by the works they stand near; a configured
/// language model may phrase the answer.
struct DocentController {
    let services: Services

    struct AskInput: Decodable {
        let question: String
        let space: String?
        let x: Double?
        let y: Double?
        let near: [String]?
    }

    /// A docent answer and who phrased it: the catalogue's own sentence, or the configured model.
    struct Phrased: Encodable {
        let answer: String
        let artworks: [String]
        let intent: Docent.Intent
        let language: String
        let phrasedBy: String

        init(answer: Docent.Answer, phrasedBy: String) {
            self.answer = answer.answer
            artworks = answer.artworks
            intent = answer.intent
            language = answer.language
            self.phrasedBy = phrasedBy
        }
    }

    /// Works within this distance of the visitor count as "near" for the docent.
    static let nearM = 6.0
    /// Artwork ids a question may name as near the visitor.
    static let nearMax = 20

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .post("/api/v1/docent/ask", use: ask)
    }

    @Sendable func ask(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let input = try await request.decode(as: AskInput.self, context: context)
        guard (input.near?.count ?? 0) <= Self.nearMax else {
            throw APIError.invalid("near", "at most \(Self.nearMax) artwork ids")
        }
        let docent = services.docent
        let answer: Docent.Answer
        do throws(Docent.QuestionError) {
            answer = try docent.ask(input.question, near: nearWorks(input))
        } catch {
            throw APIError.invalid("question", error.reason)
        }
        return JSON.response(await phrased(answer, question: input.question, docent: docent))
    }

    /// The works the question names as near, plus those on show within `nearM` of where the visitor stands.
    func nearWorks(_ input: AskInput) -> [String] {
        var near = input.near ?? []
        if let space = input.space, let x = input.x, let y = input.y, x.isFinite, y.isFinite {
            near += services.exhibitions.all(space: space).flatMap { $0.works(near: x, y, radius: Self.nearM) }.map(
                \.artwork)
        }
        return near
    }

    /// The answer as the model phrases it from the retrieved passages, when one is configured, has
    /// budget and answers in time; the catalogue's own sentence otherwise.
    func phrased(_ answer: Docent.Answer, question: String, docent: Docent) async -> Phrased {
        guard let llm = services.config.docentLLM, !answer.artworks.isEmpty, services.llmBudget.take() else {
            return Phrased(answer: answer, phrasedBy: "catalogue")
        }
        let byId = docent.artworksById
        let phrased = await LLMPhraser(config: llm).phrase(
            question: question, answer: answer, passages: answer.artworks.compactMap { byId[$0] })
        var answer = answer
        answer.answer = phrased.text
        return Phrased(answer: answer, phrasedBy: phrased.byModel ? "model" : "catalogue")
    }
}
