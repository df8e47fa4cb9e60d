/// Finds web links in chat, which personas younger than a day may not post.
public enum LinkDetector {
    // `Regex` is not `Sendable`, but this one is built once and only read: matching does not mutate it.
    nonisolated(unsafe) static let pattern = try! Regex(
        #"(?i)(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|kr|io|co|me|ly|gg|xyz|info|biz|link|site|shop|app)\b)"#)

    public static func containsLink(_ text: String) -> Bool {
        text.contains(pattern)
    }
}
