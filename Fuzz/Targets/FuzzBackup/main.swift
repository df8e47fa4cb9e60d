import DataBackup
import Foundation

/// Backup archives as `bitgoeul restore` reads them: tar headers, bodies and the manifest.
let root = FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-fuzz-backup-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBackup(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    for offset in stride(from: 0, to: count - Tar.blockBytes + 1, by: Tar.blockBytes) {
        _ = try? TarHeader.parse(bytes[offset..<(offset + Tar.blockBytes)])
    }
    try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let archive = root.appendingPathComponent("in.tar")
    let target = root.appendingPathComponent("restored")
    guard (try? Data(bytes).write(to: archive)) != nil else { return 0 }
    _ = try? DataBackup.restore(from: archive, into: target)
    try? FileManager.default.removeItem(at: target)
    return 0
}
