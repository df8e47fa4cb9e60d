import Synchronization

/// The docent shared by all requests; a curator's narration edit swaps in a rebuilt one.
public final class DocentHolder: Sendable {
    private let docent: Mutex<Docent>

    public init(_ docent: Docent) { self.docent = Mutex(docent) }

    public var current: Docent { docent.withLock { $0 } }

    /// Adds curator narration to the records and rebuilds the index.
    public func setNarrations(_ narrations: [(artwork: String, ko: String?, en: String?)]) {
        let byId = Dictionary(narrations.map { ($0.artwork, $0) }, uniquingKeysWith: { _, b in b })
        docent.withLock { current in
            let artworks = current.index.artworks.map { art -> Artwork in
                guard let n = byId[art.id] else { return art }
                var copy = art
                copy.narration = [:]
                if let ko = n.ko { copy.narration["ko"] = ko }
                if let en = n.en { copy.narration["en"] = en }
                return copy
            }
            current = Docent(artworks: artworks, source: current.source)
        }
    }
}
