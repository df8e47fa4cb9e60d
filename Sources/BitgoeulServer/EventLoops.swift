import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// The socket threads, shared by every server in the process with the same count.
enum EventLoops {
    private static let groups = Mutex<[Int: MultiThreadedEventLoopGroup]>([:])

    /// A group of `threads` (nil: `coresAllowed`), made once per count and kept for the process,
    /// as NIO's own singleton is.
    static func group(threads: Int?) -> MultiThreadedEventLoopGroup {
        let count = threads ?? coresAllowed()
        if count == System.coreCount { return MultiThreadedEventLoopGroup.singleton }
        return groups.withLock { groups in
            if let group = groups[count] { return group }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: count)
            groups[count] = group
            return group
        }
    }

    /// The cores this process may run on (`taskset`, cpusets), at most NIO's core count.
    static func coresAllowed() -> Int {
        // "Cpus_allowed:\t3" or "…:\tffffffff,ffffffff": a hexadecimal mask in 32-bit groups.
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        else { return System.coreCount }
        let mask = line.dropFirst("Cpus_allowed:".count).trimmingCharacters(in: .whitespaces)
        var allowed = 0
        for group in mask.split(separator: ",") {
            guard let bits = UInt64(group, radix: 16) else { return System.coreCount }
            allowed += bits.nonzeroBitCount
        }
        return max(1, min(allowed, System.coreCount))
    }
}
