import Storage

/// What a report from inside the world may carry.
public enum ReportRules {
    /// Report categories by their number on the wire.
    public static let categories: [ReportCategory] = [
        .harassment, .threat, .sexualContent, .spam, .fraud, .minorSafety, .other,
    ]
    public static let noteLengthMax = 500
    /// How far back the daily report limit looks.
    public static let dayS: Double = 24 * 3600
}
