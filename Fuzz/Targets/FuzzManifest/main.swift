import Foundation
import WorldModel

/// A space manifest (`space.json`) with every check the server runs at start.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = try? ManifestLoader.parseSpace(
        Data(bytes: start, count: count), file: "space.json", region: "fuzz", expectedId: "plaza")
    return 0
}
