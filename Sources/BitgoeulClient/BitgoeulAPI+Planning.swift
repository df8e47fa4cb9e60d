import Foundation

/// Plans (docs/planning.md): publishing a proposal, and a citizen's vote.
extension BitgoeulAPI {
    /// Publishes a proposal (its JSON document) in `space` (`region/name`); returns the proposal view.
    public func publishProposal(space: String, document: Data) async throws -> Data {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let (status, data) = try await transport.send(
            method: "POST", path: "/api/v1/spaces/\(space)/proposals", headers: headers, body: document)
        guard (200..<300).contains(status) else {
            let detail = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw Failure(
                status: status, code: detail?.error.code ?? "unknown",
                message: detail?.error.message ?? String(decoding: data, as: UTF8.self))
        }
        return data
    }

    /// Supports or opposes (or with `none` withdraws from) the latest version of a proposal as `persona`.
    public func vote(space: String, proposal: String, persona: Int64, stance: String) async throws -> Data {
        struct Input: Encodable {
            let persona: Int64
            let stance: String
        }
        return try await call(
            "POST", "/api/v1/spaces/\(space)/proposals/\(proposal)/votes", body: Input(persona: persona, stance: stance)
        )
    }
}
