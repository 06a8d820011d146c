#if canImport(Glibc)
import Glibc
#endif

/// This process's resources as Linux reports them in /proc/self: what `process_*` metrics show.
///
/// Read with plain system calls (no Foundation), so a scrape allocates little in a worker that has
/// a memory budget of a few megabytes.
public struct ProcessSample: Sendable, Equatable {
    public var residentMemoryBytes: Double
    public var virtualMemoryBytes: Double
    /// User plus system CPU time.
    public var cpuSeconds: Double
    public var openFDs: Double
    public var maxFDs: Double?
    public var startTimeSeconds: Double?

    /// The current sample, or nil where /proc is missing (not Linux).
    public static func current() -> ProcessSample? {
        guard let stat = ProcFile.read("/proc/self/stat"), let fields = statFields(stat) else { return nil }
        // Fields after the command name, counted from `state` (the 3rd field of stat(5)) as index 0.
        func field(_ n: Int) -> Double? { n - 3 < fields.count ? Double(fields[n - 3]) : nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        guard ticks > 0, let utime = field(14), let stime = field(15), let vsize = field(23), let rss = field(24) else { return nil }
        var sample = ProcessSample(
            residentMemoryBytes: rss * page, virtualMemoryBytes: vsize, cpuSeconds: (utime + stime) / ticks,
            openFDs: Double(openFileDescriptors()), maxFDs: nil, startTimeSeconds: nil)
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
            sample.maxFDs = Double(limit.rlim_cur)
        }
        if let start = field(22), let boot = bootTimeSeconds() { sample.startTimeSeconds = boot + start / ticks }
        return sample
    }

    /// The space-separated fields after the `(comm)` of /proc/PID/stat (a command name may hold spaces
    /// and parentheses, hence the last `)`).
    static func statFields(_ text: [UInt8]) -> [Substring]? {
        guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = String(decoding: text[(close + 1)...], as: UTF8.self)
        return rest.split(whereSeparator: { $0 == " " || $0 == "\n" })
    }

    /// Entries of /proc/self/fd, less the one the listing itself holds open.
    static func openFileDescriptors() -> Int {
        guard let dir = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let first = withUnsafeBytes(of: entry.pointee.d_name) { $0[0] }
            if first != UInt8(ascii: ".") { count += 1 }
        }
        return max(0, count - 1)
    }

    static func bootTimeSeconds() -> Double? {
        guard let stat = ProcFile.read("/proc/stat") else { return nil }
        let text = String(decoding: stat, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }) else { return nil }
        return Double(line.dropFirst("btime ".count))
    }
}

/// Reads a small file of /proc whole (their size is 0 to `stat`, so read until the end).
enum ProcFile {
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
