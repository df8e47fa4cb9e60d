import Foundation
import Missions
import Testing
import WorldModel

/// Mission files: the shipped demo missions load; malformed ones are refused with the field and
/// the reason; answers are compared after NFC, case and space folding.
@Suite struct MissionRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let spaces: Set<String> = Set(
        ["acc-plaza", "chungjangro", "gmap", "bitgoeul-art-space", "biennale"].map { "gwangju/\($0)" })
    static let artworks: Set<String> = ["T06854"]

    /// A valid mission as a JSON object, to break one field at a time.
    static func base() -> [String: Any] {
        [
            "format": 1, "id": "test-tour", "title": ["ko": "시험", "en": "Test"], "story": ["ko": "이야기", "en": "Story"],
            "order": "ordered",
            "checkpoints": [
                [
                    "id": "acc", "name": ["ko": "광장", "en": "Square"],
                    "place": ["latitude": 35.14743, "longitude": 126.919358, "radiusM": 35],
                    "mirror": ["space": "gwangju/acc-plaza", "x": 0, "y": 0, "radiusM": 8], "task": ["kind": "reach"],
                    "stamp": ["ko": "도장", "en": "Stamp"],
                ]
            ],
        ]
    }

    static func problem(_ change: (inout [String: Any]) -> Void) -> MissionProblem? {
        var json = base()
        change(&json)
        do {
            _ = try MissionRules.decode(
                try JSONSerialization.data(withJSONObject: json), spaces: spaces, artworks: artworks)
            return nil
        } catch let p as MissionProblem {
            return p
        } catch {
            Issue.record("not a MissionProblem: \(error)")
            return nil
        }
    }

    static func checkpoint(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { json in
            var list = json["checkpoints"] as! [[String: Any]]
            change(&list[0])
            json["checkpoints"] = list
        }
    }

    @Test func theShippedMissionsLoad() throws {
        let dir = Self.root.appendingPathComponent("worlds/gwangju/missions")
        let missions = try MissionLoader.load(directory: dir, spaces: Self.spaces, artworks: Self.artworks)
        #expect(missions.map(\.id) == ["biennale-day-2026", "gwangju-culture-stamps"])
        let tour = try #require(missions.last)
        #expect(tour.checkpoints.map(\.id) == ["acc", "chungjangro", "gmap", "bitgoeul-art-space", "biennale"])
        #expect(tour.rewardAccessory == .medal)
        let day = try #require(missions.first)
        #expect(day.window != nil && day.order == .free)
    }

    @Test func malformedMissionsAreRefusedWithFieldAndReason() {
        let cases: [(String, String, (inout [String: Any]) -> Void)] = [
            ("checkpoints[0].task.kind", "unknown kind 'dance'", Self.checkpoint { $0["task"] = ["kind": "dance"] }),
            (
                "checkpoints[0].place.radiusM", "more than 0",
                Self.checkpoint { $0["place"] = ["latitude": 35.1, "longitude": 126.9, "radiusM": 0] }
            ),
            (
                "checkpoints[0].place.radiusM", "at most 500",
                Self.checkpoint { $0["place"] = ["latitude": 35.1, "longitude": 126.9, "radiusM": 501] }
            ),
            (
                "checkpoints[0].mirror.radiusM", "more than 0",
                Self.checkpoint { $0["mirror"] = ["space": "gwangju/gmap", "x": 1, "y": 1, "radiusM": -3] }
            ),
            (
                "window.closes", "ends before it opens",
                { $0["window"] = ["opens": "2026-11-16T00:00:00+09:00", "closes": "2026-09-05T00:00:00+09:00"] }
            ),
            ("reward.accessory", "no reward 'crown'", { $0["reward"] = ["accessory": "crown"] }),
            ("reward.accessory", "no reward 'hat'", { $0["reward"] = ["accessory": "hat"] }),
            (
                "checkpoints[0].mirror.space", "no space 'moon'",
                Self.checkpoint { $0["mirror"] = ["space": "moon", "x": 1, "y": 1, "radiusM": 3] }
            ),
            (
                "checkpoints[0].task.artwork", "in the catalogue",
                Self.checkpoint { $0["task"] = ["kind": "artwork", "artwork": "X1"] }
            ),
            (
                "checkpoints[0].task.players", "2 to 20 players",
                Self.checkpoint { $0["task"] = ["kind": "meet", "players": 1] }
            ),
            (
                "checkpoints[0].task.at", "HH:MM",
                Self.checkpoint { $0["task"] = ["kind": "scheduled", "at": "25:00", "minutes": 30] }
            ),
            (
                "checkpoints[0].task.answer", "index of a choice",
                Self.checkpoint {
                    $0["task"] = [
                        "kind": "question", "prompt": ["ko": "질문", "en": "Q"],
                        "choices": [["ko": "가", "en": "a"], ["ko": "나", "en": "b"]], "answer": 2,
                    ]
                }
            ),
            (
                "checkpoints[0].task.answers", "is missing",
                Self.checkpoint { $0["task"] = ["kind": "question", "prompt": ["ko": "질문", "en": "Q"]] }
            ),
            (
                "checkpoints[0].place.latitude", "-90…90",
                Self.checkpoint { $0["place"] = ["latitude": 95, "longitude": 126.9, "radiusM": 30] }
            ),
            (
                "checkpoints[0].place.latitude", "must be a number",
                Self.checkpoint { $0["place"] = ["latitude": "north", "longitude": 126.9, "radiusM": 30] }
            ),
            ("id", "a-z, 0-9", { $0["id"] = "Bad Id" }),
            ("title.en", "1 to 120", { $0["title"] = ["ko": "제목", "en": " "] }),
            ("order", "random", { $0["order"] = "random" }),
            ("checkpoints", "1 to 20", { $0["checkpoints"] = [] }),
        ]
        for (field, reason, change) in cases {
            let p = Self.problem(change)
            #expect(p?.field == field, "\(field): \(String(describing: p))")
            #expect(p?.reason.contains(reason) == true, "\(field): \(String(describing: p))")
        }
        #expect(Self.problem { _ in } == nil)
    }

    @Test func aFileMustBeNamedAfterItsMissionAndErrorsNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("missions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("other-name.json")
        try JSONSerialization.data(withJSONObject: Self.base()).write(to: file)
        #expect {
            try MissionLoader.load(directory: dir, spaces: Self.spaces, artworks: Self.artworks)
        } throws: { error in
            let e = error as? MissionLoader.FileError
            return e?.file == file.path && e?.field == "id" && e?.reason.contains("file's name") == true
        }
    }

    @Test func answersAreFoldedForNFCCaseAndSpaces() {
        // 김덕령 typed as conjoining jamo (NFD) is the same answer as the precomposed syllables.
        let jamo = "김덕령".decomposedStringWithCanonicalMapping
        #expect(jamo.unicodeScalars.count > 3)
        #expect(Answers.matches(jamo, ["김덕령"]))
        #expect(Answers.matches("  kim DEOK-ryeong ", ["Kim Deok-ryeong"]))
        #expect(Answers.matches("충장공 김덕령", ["충장공김덕령"]))
        #expect(!Answers.matches("김덕", ["김덕령"]))
        #expect(!Answers.matches("   ", ["   "]))
    }
}
