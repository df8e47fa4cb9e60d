import Foundation
import Simulation

/// WKT polygons, as scenarios give walkable areas and obstacles.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWKT(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? WKT.polygon(text)
    return 0
}
