import Foundation
import GantryTelemetry
import GantryTesting
import Testing

/// The process collector reads this very process's real figures from /proc.
@Suite struct ProcessSampleTests {
    @Test func residentMemoryAgreesWithProcStatus() throws {
        let sample = try #require(ProcessSample.current())
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kb = try #require(Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        // Read a moment apart, so within 10 % (the test's own allocations move it a little).
        #expect(abs(sample.residentMemoryBytes - kb * 1024) < kb * 1024 * 0.1)
        #expect(sample.residentMemoryBytes > 1_000_000)
        #expect(sample.virtualMemoryBytes >= sample.residentMemoryBytes)
        let start = try #require(sample.startTimeSeconds)
        #expect(abs(start - Date().timeIntervalSince1970) < 24 * 3600)
        #expect((sample.maxFDs ?? 1_024) >= 64)
    }

    @Test func openDescriptorsCountFilesThisProcessOpens() throws {
        let before = try #require(ProcessSample.current()).openFDs
        let files = (0..<5).map { _ in open("/dev/null", O_RDONLY) }
        defer { for fd in files { close(fd) } }
        let during = try #require(ProcessSample.current()).openFDs
        // Other tests of this process may open or close descriptors meanwhile; five of ours are there.
        #expect(during >= before + 5 || during >= 5)
        #expect(during > 0)
    }

    @Test func cpuSecondsGrowWhileThisProcessWorks() throws {
        let before = try #require(ProcessSample.current()).cpuSeconds
        let clock = ContinuousClock()
        let end = clock.now + .milliseconds(300)
        var x: UInt64 = 1
        while clock.now < end { x = x &* 6_364_136_223_846_793_005 &+ 1 }
        let after = try #require(ProcessSample.current()).cpuSeconds
        #expect(after > before, "\(x)")
    }

    @Test func processMetricsRenderInTheTextFormat() {
        var buffer: [UInt8] = []
        ProcessMetrics.append(to: &buffer)
        let text = PrometheusExposition(String(decoding: buffer, as: UTF8.self))
        #expect(text.problems() == [])
        #expect(text.sum("process_resident_memory_bytes") > 1_000_000)
        #expect(text.has("process_cpu_seconds_total"))
        #expect(text.sum("process_open_fds") > 0)
        #expect(text.text.contains("# TYPE process_cpu_seconds_total counter"))
    }
}
