/// Every metric a Gantry process exports, with its help text: the one table the API, the
/// coordinator and the workers take their names from (README, "Metrics", lists them too).
public enum GantryMetric {
    // MARK: Queues (the API and the coordinator, refreshed when scraped)

    public static let queueReady = MetricDescriptor(
        "gantry_queue_ready", .gauge, "Jobs waiting in the queue's ready lists", labels: ["queue"])
    public static let queueLeased = MetricDescriptor(
        "gantry_queue_leased", .gauge, "Jobs leased by a worker and not yet settled", labels: ["queue"])
    public static let queueDelayed = MetricDescriptor(
        "gantry_queue_delayed", .gauge, "Jobs waiting for their run-at time (retries included)", labels: ["queue"])
    public static let queueDead = MetricDescriptor(
        "gantry_queue_dead", .gauge, "Jobs in the queue's dead letter", labels: ["queue"])
    public static let queueOldestAge = MetricDescriptor(
        "gantry_queue_oldest_age_seconds", .gauge, "How long the oldest ready job has waited (0 when none waits)",
        labels: ["queue"])
    public static let groupRunning = MetricDescriptor(
        "gantry_group_running", .gauge, "Jobs of the group leased now, for the queue's busiest groups only",
        labels: ["queue", "group"])
    public static let groupReady = MetricDescriptor(
        "gantry_group_ready", .gauge, "Jobs of the group waiting their turn, for the queue's busiest groups only",
        labels: ["queue", "group"])

    // MARK: Jobs (the workers)

    public static let jobs = MetricDescriptor(
        "gantry_jobs_total", .counter, "Job runs finished by this worker, by outcome", labels: ["queue", "kind", "outcome"])
    public static let jobDuration = MetricDescriptor(
        "gantry_job_duration_seconds", .histogram, "How long a job's run took, start to finish", labels: ["queue", "kind"])
    public static let jobWait = MetricDescriptor(
        "gantry_job_wait_seconds", .histogram, "How long a job waited from its enqueue (or run-at) to its start",
        labels: ["queue", "kind"])
    public static let leasesReclaimed = MetricDescriptor(
        "gantry_leases_reclaimed_total", .counter, "Expired leases this process reclaimed (requeued, dead or cancelled)",
        labels: ["queue"])

    // MARK: Workers

    public static let workerRunning = MetricDescriptor("gantry_worker_running", .gauge, "Jobs running in this worker now")
    public static let workerConcurrency = MetricDescriptor(
        "gantry_worker_concurrency", .gauge, "Jobs this worker runs at once at most")

    // MARK: Projects (the coordinator)

    public static let projects = MetricDescriptor(
        "gantry_projects", .gauge, "Projects by current phase (none once all are done) and status", labels: ["phase", "status"])

    // MARK: Coordinator

    public static let coordinatorLeader = MetricDescriptor(
        "gantry_coordinator_leader", .gauge, "1 while this coordinator leads, else 0")
    public static let coordinatorFencingToken = MetricDescriptor(
        "gantry_coordinator_fencing_token", .gauge, "The fencing token of this coordinator's current or last term")
    public static let coordinatorDutyRuns = MetricDescriptor(
        "gantry_coordinator_duty_runs_total", .counter, "Rounds each duty ran", labels: ["duty"])
    public static let coordinatorDutyFailures = MetricDescriptor(
        "gantry_coordinator_duty_failures_total", .counter, "Rounds each duty failed", labels: ["duty"])
    public static let coordinatorScheduleFirings = MetricDescriptor(
        "gantry_coordinator_schedule_firings_total", .counter, "Firings enqueued per schedule", labels: ["schedule"])
    public static let coordinatorPromoted = MetricDescriptor(
        "gantry_coordinator_promoted_total", .counter, "Delayed jobs the leader promoted")
    public static let deadLettersLastHour = MetricDescriptor(
        "gantry_dead_letters_last_hour", .gauge, "Jobs that died in the last hour, per queue and kind", labels: ["queue", "kind"])

    // MARK: API

    public static let httpRequests = MetricDescriptor(
        "gantry_http_requests_total", .counter, "API requests answered, by operation and status", labels: ["operation", "status"])
    public static let httpRequestDuration = MetricDescriptor(
        "gantry_http_request_duration_seconds", .histogram, "How long the API took to answer, by operation",
        labels: ["operation"])

    // MARK: Process (the names every Prometheus client library uses)

    public static let processResidentMemory = MetricDescriptor(
        "process_resident_memory_bytes", .gauge, "Resident memory size in bytes")
    public static let processVirtualMemory = MetricDescriptor(
        "process_virtual_memory_bytes", .gauge, "Virtual memory size in bytes")
    public static let processCPU = MetricDescriptor(
        "process_cpu_seconds_total", .counter, "Total user and system CPU time spent in seconds")
    public static let processOpenFDs = MetricDescriptor("process_open_fds", .gauge, "Number of open file descriptors")
    public static let processMaxFDs = MetricDescriptor("process_max_fds", .gauge, "Maximum number of open file descriptors")
    public static let processStartTime = MetricDescriptor(
        "process_start_time_seconds", .gauge, "Start time of the process since the Unix epoch in seconds")

    /// The whole table (tests check every name against the conventions).
    public static let all: [MetricDescriptor] = [
        queueReady, queueLeased, queueDelayed, queueDead, queueOldestAge, groupRunning, groupReady,
        jobs, jobDuration, jobWait, leasesReclaimed,
        workerRunning, workerConcurrency,
        projects,
        coordinatorLeader, coordinatorFencingToken, coordinatorDutyRuns, coordinatorDutyFailures, coordinatorScheduleFirings,
        coordinatorPromoted, deadLettersLastHour,
        httpRequests, httpRequestDuration,
        processResidentMemory, processVirtualMemory, processCPU, processOpenFDs, processMaxFDs, processStartTime,
    ]
}
