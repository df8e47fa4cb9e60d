import Clocks
import Foundation
import Realtime
import Safety
import Testing

/// Chat cleaning, word masking, link rules and per-account limits, without a server.
@Suite struct ChatSafetyTests {
    let noon = Date(timeIntervalSince1970: 1_790_000_000)
    let words = WordFilter(words: ["바보", "Idiot", "  ", "# not a comment here"])

    @Test func listedWordsAreMaskedWhateverTheirCase() {
        #expect(words.mask("너 바보야") == "너 **야")
        #expect(words.mask("you IDIOT, idiot") == "you *****, *****")
        #expect(words.mask("nothing to hide") == "nothing to hide")
        #expect(WordFilter(words: []).isEmpty)
    }

    @Test func aWordListIsCutAtItsLimit() {
        let many = WordFilter(words: (0..<(WordFilter.wordsMax + 50)).map { "w\($0)x" })
        #expect(
            many.mask("w\(WordFilter.wordsMax + 10)x") == "w\(WordFilter.wordsMax + 10)x", "past the limit: ignored")
        #expect(many.mask("w5x") == "***")
    }

    @Test func linksAreFound() {
        for text in ["see https://x.example", "www.naver.com", "go to evil.kr now", "free.shop"] {
            #expect(LinkDetector.containsLink(text), "\(text)")
        }
        for text in ["see you at 5.30", "광주 비엔날레", "e.g. the hall"] {
            #expect(!LinkDetector.containsLink(text), "\(text)")
        }
    }

    @Test func chatIsCleanedTrimmedAndBounded() {
        func check(_ text: String, createdAt: Date? = nil) -> ChatText.Verdict {
            ChatText.check(text, lengthMax: 10, personaCreatedAt: createdAt, now: noon, words: words)
        }
        #expect(check("  hi\u{7}there \n") == .post("hi there"))
        #expect(check(" \u{0}\t ") == .empty)
        #expect(check("12345678901") == .tooLong(max: 10))
        #expect(check("바보") == .post("**"))
    }

    @Test func onlyPersonasOlderThanADayPostLinks() {
        func check(createdAt: Date?) -> ChatText.Verdict {
            ChatText.check("www.a.kr", lengthMax: 100, personaCreatedAt: createdAt, now: noon, words: words)
        }
        #expect(check(createdAt: nil) == .linkNotAllowed, "guests never")
        #expect(check(createdAt: noon - 23 * 3600) == .linkNotAllowed)
        #expect(check(createdAt: noon - 24 * 3600) == .post("www.a.kr"))
    }

    @Test func anAccountsBucketsAreSharedAndRefill() {
        let clock = ManualClock(at: noon)
        let limiter = AccountLimiter(
            chat: .init(perS: 1, burst: 2), joins: .init(perS: 0.5, burst: 1), reports: .init(perS: 0.1, burst: 1),
            monotonicS: clock.clock.monotonicS)
        #expect(limiter.take(.chat, account: 1) && limiter.take(.chat, account: 1))
        #expect(!limiter.take(.chat, account: 1), "a burst of two")
        #expect(limiter.take(.chat, account: 2), "another account has its own")
        #expect(limiter.take(.join, account: 1) && !limiter.take(.join, account: 1))
        clock.advance(by: 1)
        #expect(limiter.take(.chat, account: 1), "one a second")
        #expect(!limiter.take(.join, account: 1), "joins refill at one in two seconds")
        clock.advance(by: 1)
        #expect(limiter.take(.join, account: 1))
    }

    @Test func theEvidenceVaultKeepsTheNewestReports() throws {
        let vault = EvidenceVault(reportsMax: 2)
        let evidence = try JSONDecoder().decode(
            Evidence.self, from: Data(#"{"space":"s","windowS":30,"reportedName":"x","chat":[],"positions":[]}"#.utf8))
        vault.keep(evidence, report: 1)
        vault.keep(evidence, report: 2)
        vault.keep(evidence, report: 3)
        #expect(vault.evidence(report: 1) == nil, "the oldest went first")
        #expect(vault.evidence(report: 2) == evidence && vault.evidence(report: 3) == evidence)
        vault.forget(report: 2)
        #expect(vault.evidence(report: 2) == nil)
    }
}
