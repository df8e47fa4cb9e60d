import BitgoeulClient
import BitgoeulServer
import Docent
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// The optional language model that phrases docent answers, against a local fake endpoint (a live
/// socket: the server calls it over HTTP) while the server is driven at its router: used when it
/// answers, told only the retrieved passages, and skipped (saying so) when it is too slow.
@Suite struct DocentLLMTests {
    /// An OpenAI-compatible endpoint that answers at once (`/v1`) or too late (`/slow/v1`).
    final class FakeLLM: Sendable {
        let lastPrompt = Mutex<String>("")
        private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)

        static func start() async throws -> (FakeLLM, Int) {
            let fake = FakeLLM()
            let router = Router()
            router.post("/v1/chat/completions") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                fake.lastPrompt.withLock { $0 = String(buffer: body) }
                let reply =
                    #"{"choices":[{"message":{"role":"assistant","content":"FAKE-MODEL: Lee Ufan painted it."}}]}"#
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: reply)))
            }
            router.post("/slow/v1/chat/completions") { _, _ -> Response in
                try await Task.sleep(for: .seconds(3))
                return Response(status: .ok)
            }
            let (ports, sink) = AsyncStream<Int>.makeStream()
            var logger = Logger(label: "fake-llm")
            logger.logLevel = .error
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in sink.yield(channel.localAddress?.port ?? 0) }, logger: logger)
            let task = Task { try await app.runService() }
            fake.task.withLock { $0 = task }
            var iterator = ports.makeAsyncIterator()
            return (fake, await iterator.next() ?? 0)
        }

        func stop() { task.withLock { $0?.cancel() } }
    }

    struct Phrased: Decodable {
        let answer: String
        let artworks: [String]
        let phrasedBy: String
    }

    struct Ask: Encodable {
        let question: String
        let near: [String]
    }

    func server(llm: URL) throws -> RouterServer {
        try RouterServer { config in
            config.catalogueFile = TestServer.repoRoot.appendingPathComponent(
                "worlds/catalogue/tate-media-and-korean-artworks-cc0.json")
            config.docentLLM = LLMConfig(url: llm, model: "fake", timeoutS: 1)
        }
    }

    @Test func theModelPhrasesFromThePassagesAndASlowModelFallsBack() async throws {
        let (fake, port) = try await FakeLLM.start()
        defer { fake.stop() }
        try await server(llm: URL(string: "http://127.0.0.1:\(port)/v1")!).test { client in
            let phrased = try JSONDecoder().decode(
                Phrased.self,
                from: try await client.api.call(
                    "POST", "/api/v1/docent/ask", body: Ask(question: "Who made this work?", near: ["T07303"])))
            #expect(phrased.phrasedBy == "model" && phrased.answer.hasPrefix("FAKE-MODEL"))
            #expect(phrased.artworks.first == "T07303", "the works it relied on are still listed")
        }
        let prompt = fake.lastPrompt.withLock { $0 }
        #expect(prompt.contains("[T07303] Correspondence") && prompt.contains("only the catalogue passages"))

        try await server(llm: URL(string: "http://127.0.0.1:\(port)/slow/v1")!).test { client in
            let fallback = try JSONDecoder().decode(
                Phrased.self,
                from: try await client.api.call(
                    "POST", "/api/v1/docent/ask", body: Ask(question: "Who made this work?", near: ["T07303"])))
            #expect(fallback.phrasedBy == "catalogue")
            #expect(fallback.answer.contains("Lee Ufan") && fallback.answer.contains("did not answer"))
        }
    }
}
