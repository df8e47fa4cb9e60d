import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An OpenAI-compatible chat endpoint the operator may configure to phrase the docent's answers.
/// Off by default. It sees only the question and the retrieved catalogue passages, and is told to
/// answer from them alone; if it fails or is slow, the retrieval answer is given and says so.
public struct LLMConfig: Sendable {
    /// Base URL such as `http://127.0.0.1:8000/v1` (`/chat/completions` is appended).
    public var url: URL
    public var model: String
    public var apiKey: String?
    public var timeoutS: Double

    public init(url: URL, model: String, apiKey: String? = nil, timeoutS: Double = 4) {
        self.url = url
        self.model = model
        self.apiKey = apiKey
        self.timeoutS = timeoutS
    }
}

public struct LLMPhraser: Sendable {
    public let config: LLMConfig
    public static let passagesMax = 5

    public init(config: LLMConfig) { self.config = config }

    /// The docent's answer, phrased by the model when it answers in time; else the retrieval answer
    /// with a note saying the model was not used.
    public func phrase(question: String, answer: Docent.Answer, passages: [Artwork]) async -> (
        text: String, byModel: Bool
    ) {
        let korean = answer.language == "ko"
        let context = passages.prefix(Self.passagesMax).map { a in
            "[\(a.id)] \(a.title) — \(a.artist)" + (a.artistDates.map { " (\($0))" } ?? "")
                + [a.dateText, a.medium, a.dimensions].compactMap { $0 }.map { ". \($0)" }.joined()
                + (a.narration[answer.language].map { ". \($0)" } ?? "")
        }.joined(separator: "\n")
        let system =
            "You are a museum docent. Answer the visitor's question using only the catalogue passages given. "
            + "If they do not contain the answer, say that the catalogue does not say. Do not add facts. "
            + "Answer in \(korean ? "Korean" : "English"), in one to three sentences."
        let body: [String: Any] = [
            "model": config.model, "temperature": 0,
            "messages": [
                ["role": "system", "content": system],
                ["role": "user", "content": "Catalogue passages:\n\(context)\n\nQuestion: \(question)"],
            ],
        ]
        var request = URLRequest(url: config.url.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.timeoutInterval = config.timeoutS
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = config.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try? JSONSerialization.data(withJSONObject: body)
        let fallback =
            answer.answer
            + (korean
                ? " (언어 모델이 응답하지 않아 소장품 정보로 답했습니다.)"
                : " (The language model did not answer; this is the catalogue's answer.)")
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard (response as? HTTPURLResponse)?.statusCode == 200,
                let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let choices = json["choices"] as? [[String: Any]],
                let message = choices.first?["message"] as? [String: Any],
                let content = (message["content"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !content.isEmpty, content.count <= 4000
            else { return (fallback, false) }
            return (content, true)
        } catch {
            return (fallback, false)
        }
    }
}
