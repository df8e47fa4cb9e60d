import Foundation
import Hummingbird
import NIOCore
import Planning
import Storage
import WorldModel

/// The frozen report of a closed proposal (JSON and a page), and the private statistics of its layer.
extension PlanningController {
    @Sendable func report(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let json = try await reportJSON(context)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    @Sendable func reportPage(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let json = try await reportJSON(context)
        let report = try ProposalReport.decoder.decode(ProposalReport.self, from: Data(json.utf8))
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.page(report))))
    }

    func reportJSON(_ context: BitgoeulRequestContext) async throws -> String {
        let space = try self.space(context)
        let v = try latest(context, space: space)
        guard v.period.state(at: services.now()) == .closed else {
            throw APIError(.conflict, "not_closed", "the report is made when the comment period closes")
        }
        guard let json = try await services.store.proposalReport(proposal: v.proposal.id) else {
            throw APIError(.serviceUnavailable, "busy", "the report is being made; try again in a minute")
        }
        return json
    }

    /// Visits to a proposal's layer and time spent there, per hour, as differentially private
    /// releases (`?proposal=&date=`).
    @Sendable func statistics(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard let id = request.uri.queryParameters.get("proposal"), desk.book.latest(id) != nil else {
            throw APIError(.notFound, "not_found", "give ?proposal= with the id of a proposal")
        }
        let stats = StatsController(services: services)
        let (day, start) = try stats.dayOf(request)
        return JSON.response(try await stats.visitsBody(Self.statsKey(id), day: day, start: start))
    }

    /// The ε ledger's key (and the release label) for a proposal's layer.
    static func statsKey(_ proposal: String) -> String { "plan:\(proposal)" }

    static func page(_ r: ProposalReport) -> String {
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let day = ISO8601DateFormatter()
        var html = """
            <!doctype html><html lang="ko"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(r.title.ko)) · \(e(r.title.en))</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#111}
            table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:right}
            .planner{background:#eef5ff;border-left:4px solid #2a62c9;padding-left:.5rem}li{margin:.4rem 0}</style>
            </head><body>
            <h1>\(e(r.title.ko))<br><small>\(e(r.title.en))</small></h1>
            <p>\(e(r.description.ko))</p><p lang="en">\(e(r.description.en))</p>
            <p>의견 기간 Comment period: \(day.string(from: r.opens)) – \(day.string(from: r.closes))</p>
            <h2>찬반 Support and opposition</h2>
            <table><tr><th>판 Version</th><th>찬성 Support</th><th>반대 Oppose</th></tr>
            """
        for v in r.versions {
            html += "<tr><td>\(v.version)</td><td>\(v.tally.support)</td><td>\(v.tally.oppose)</td></tr>"
        }
        html += "</table>"
        if let effects = r.effects {
            html += "<h2>효과 Effects</h2><ul>"
            if let s = effects.solar {
                html += "<li>지붕 태양광 Roof solar: −\(Int(s.lostKWh.rounded())) kWh/yr on \(s.roofs.count) roofs"
                html += " (+\(Int(s.gainedKWh.rounded())) kWh/yr gained)</li>"
                for p in s.proposed {
                    html += "<li>\(e(p.id)): \(Int(p.annualKWh.rounded())) kWh/yr roof potential</li>"
                }
            }
            if let sh = effects.shadow {
                html += "<li>동지 Winter solstice \(sh.from)–\(sh.to): up to \(sh.winter.maxAddedH) h more shadow; "
                html += "\(sh.winter.cellsOver2h) cells of \(sh.cellM) m get ≥ 2 h more</li>"
                html += "<li>하지 Summer solstice: up to \(sh.summer.maxAddedH) h more shadow</li>"
            }
            if let c = effects.crowd {
                func t(_ s: Double?) -> String { s.map { "\(Int($0.rounded())) s" } ?? "not everyone left" }
                html +=
                    "<li>대피 Evacuation: \(t(c.today.evacuationS)) today, \(t(c.proposed.evacuationS)) with the plan; "
                html += "peak density \(c.today.peakDensity) → \(c.proposed.peakDensity) persons/m²</li>"
            }
            html += "</ul>"
        }
        html += "<h2>의견 Comments</h2><ol>"
        for c in r.comments {
            html += "<li><b>\(e(c.author))</b> (v\(c.version)): \(e(c.text))<ul>"
            for reply in c.replies {
                let cls = reply.planner ? " class=\"planner\"" : ""
                html +=
                    "<li\(cls)><b>\(e(reply.author))\(reply.planner ? " · 계획가 planner" : "")</b>: \(e(reply.text))</li>"
            }
            html += "</ul></li>"
        }
        html += "</ol>"
        if let credit = r.credit { html += "<footer><small>\(e(credit))</small></footer>" }
        return html + "</body></html>"
    }
}
