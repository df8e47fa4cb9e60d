import Foundation
import Planning
import Testing
import WorldModel

@Suite struct BallotTests {
    @Test func oneAccountIsOneVoterUnderAKeyAndUnrecognisableUnderAnother() {
        let key = Ballot.newKey()
        #expect(key.count == 32)
        #expect(Ballot.voter(account: 7, key: key) == Ballot.voter(account: 7, key: key))
        #expect(Ballot.voter(account: 7, key: key) != Ballot.voter(account: 8, key: key))
        #expect(Ballot.voter(account: 7, key: key) != Ballot.voter(account: 7, key: Ballot.newKey()))
        // Nothing of the account id shows in the voter bytes.
        let voter = Ballot.voter(account: 123_456, key: key)
        #expect(voter.count == 32 && voter.range(of: withUnsafeBytes(of: Int64(123_456).bigEndian) { Data($0) }) == nil)
    }

    @Test func commentsHaveALengthAndAnEditWindow() {
        #expect(Discussion.textProblem(String(repeating: "가", count: 1000)) == nil)
        #expect(Discussion.textProblem(String(repeating: "가", count: 1001))?.field == "text")
        #expect(Discussion.textProblem("  \n ")?.field == "text")
        let t = Date(timeIntervalSince1970: 1_000_000)
        #expect(Discussion.editable(created: t, now: t + 600))
        #expect(!Discussion.editable(created: t, now: t + 601))
    }
}
