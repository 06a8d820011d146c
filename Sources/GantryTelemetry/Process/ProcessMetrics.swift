/// The `process_*` metrics, read from /proc/self when scraped (nothing to keep up to date between
/// scrapes, so they cost nothing on the hot path).
public enum ProcessMetrics {
    /// Appends this process's samples in the text format; nothing where /proc is missing.
    public static func append(to buffer: inout [UInt8]) {
        guard let sample = ProcessSample.current() else { return }
        PrometheusText.append(GantryMetric.processResidentMemory, sample.residentMemoryBytes, to: &buffer)
        PrometheusText.append(GantryMetric.processVirtualMemory, sample.virtualMemoryBytes, to: &buffer)
        PrometheusText.append(GantryMetric.processCPU, sample.cpuSeconds, to: &buffer)
        PrometheusText.append(GantryMetric.processOpenFDs, sample.openFDs, to: &buffer)
        if let max = sample.maxFDs { PrometheusText.append(GantryMetric.processMaxFDs, max, to: &buffer) }
        if let start = sample.startTimeSeconds { PrometheusText.append(GantryMetric.processStartTime, start, to: &buffer) }
    }
}
