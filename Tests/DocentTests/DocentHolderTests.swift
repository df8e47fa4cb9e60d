import Docent
import Testing

/// Narration edits rebuild the docent for everyone at once.
@Suite struct DocentHolderTests {
    @Test func narrationsReplaceOnlyTheWorksNamed() {
        let holder = DocentHolder(
            Docent(artworks: [
                Artwork(id: "a", title: "Mudeung", artist: "Heo", narration: ["ko": "옛 설명", "en": "old"]),
                Artwork(id: "b", title: "Light", artist: "Kim", narration: ["en": "kept"]),
            ]))
        holder.setNarrations([(artwork: "a", ko: "새 설명", en: nil), (artwork: "zz", ko: "없음", en: nil)])
        let byId = Dictionary(uniqueKeysWithValues: holder.current.index.artworks.map { ($0.id, $0) })
        #expect(byId["a"]?.narration == ["ko": "새 설명"], "an edit replaces the work's narration")
        #expect(byId["b"]?.narration == ["en": "kept"], "other works keep theirs")
        #expect(byId.count == 2, "an unknown work adds nothing")
    }
}
