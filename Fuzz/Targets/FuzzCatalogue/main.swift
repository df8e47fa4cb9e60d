import Docent
import Foundation

/// An artwork catalogue as `bitgoeul import artworks` reads it, then the docent built from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCatalogue(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let loaded = try? Catalogue.parse(Data(bytes: start, count: count)) else { return 0 }
    let docent = Docent(artworks: loaded.artworks)
    for artwork in loaded.artworks.prefix(3) { _ = try? docent.ask(artwork.title, near: [artwork.id]) }
    return 0
}
