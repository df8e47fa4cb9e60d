import Foundation

/// Turns Korean and English text into search terms: Hangul as overlapping character bigrams,
/// Latin words case-folded, accent-folded and lightly stemmed, Korean question words dropped.
public enum TextAnalyzer {
    public static let englishStopwords: Set<String> = [
        "a", "an", "the", "of", "and", "or", "is", "are", "was", "were", "be", "what", "who", "which", "this",
        "that", "these", "those", "it", "its", "in", "on", "by", "for", "with", "to", "me", "tell", "about",
        "made", "make", "did", "do", "does", "how", "when", "where", "work", "artwork", "piece", "there", "any",
        "show", "from", "please", "can", "you", "i", "my", "here", "at", "as", "has", "have", "many", "much",
    ]
    /// Bigrams of Korean question words and particles that say nothing about the subject.
    public static let koreanStopBigrams: Set<String> = [
        "작품", "누가", "만들", "들었", "었나", "나요", "무엇", "언제", "어떤", "어디", "인가", "입니", "니까", "있나",
        "습니", "주세", "세요", "알려", "려주", "이에", "에요", "예요", "대해", "해서", "해주", "있는", "있어", "어요",
        "했나", "든작", "품은", "품이", "품의", "품을", "무슨", "엇인", "가요", "는작", "은작", "이작", "한작", "의작",
    ]

    /// One-syllable Korean words that say nothing about the subject ("this", "that", "thing").
    public static let koreanStopSyllables: Set<String> = ["이", "그", "저", "것", "뭐", "좀", "더", "왜", "다", "또"]

    /// The terms of `text`, in order.
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        var run = ""
        var runIsHangul = false
        func flush() {
            defer { run = "" }
            guard !run.isEmpty else { return }
            if runIsHangul {
                let chars = Array(run)
                if chars.count == 1 {
                    if !koreanStopSyllables.contains(run) { out.append(run) }
                } else {
                    for i in 0..<(chars.count - 1) {
                        let bigram = String(chars[i...i + 1])
                        if !koreanStopBigrams.contains(bigram) { out.append(bigram) }
                    }
                }
            } else {
                let folded = run.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
                if !englishStopwords.contains(folded) { out.append(stem(folded)) }
            }
        }
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            let hangul = (0xAC00...0xD7A3).contains(scalar.value)
            let wordy = hangul || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if !wordy {
                flush()
                continue
            }
            if !run.isEmpty && hangul != runIsHangul { flush() }
            runIsHangul = hangul
            run.unicodeScalars.append(scalar)
        }
        flush()
        return out
    }

    /// A light English stemmer: plurals and the commonest verb endings (enough for metadata words).
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.unicodeScalars.allSatisfy({ $0.isASCII }) else { return word }
        if word.hasSuffix("ies") && word.count > 4 { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("sses") { return String(word.dropLast(2)) }
        if word.hasSuffix("ing") && word.count > 5 { return String(word.dropLast(3)) }
        if word.hasSuffix("ed") && word.count > 4 { return String(word.dropLast(2)) }
        if word.hasSuffix("s") && !word.hasSuffix("ss") && !word.hasSuffix("us") { return String(word.dropLast()) }
        return word
    }

    /// Whether the text is mostly Korean (it picks the answer's language).
    public static func isKorean(_ text: String) -> Bool {
        let hangul = text.unicodeScalars.filter { (0xAC00...0xD7A3).contains($0.value) }.count
        let latin = text.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic }.count
        return hangul > 0 && hangul * 2 >= latin
    }
}
