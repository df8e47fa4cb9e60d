import Foundation
import Geo

/// glTF binary as the solar analysis reads buildings (`GLBReader.decode`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGLB(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = try? GLBReader.decode(Data(bytes: start, count: count))
    return 0
}
