// swift-tools-version: 6.2
// Gantry: a distributed job-queue worker cluster for CRM delivery firms.
// The module graph follows DESIGN.md: only CHiredis and CLibPQ touch C; the generic clients
// (GantryRedis, GantryPostgres) know nothing of jobs; nothing imports upward.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "gantry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gantry", targets: ["gantry"]),
        .library(name: "GantryCore", targets: ["GantryCore"]),
        .library(name: "GantryRedis", targets: ["GantryRedis"]),
        .library(name: "GantryPostgres", targets: ["GantryPostgres"]),
        .library(name: "GantryRedisQueue", targets: ["GantryRedisQueue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The front doors: the producer API (spec first) and the CLI's client of it.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Traces: spans through swift-distributed-tracing, exported over OTLP/HTTP only (no gRPC stack).
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // GantryAPI serves its openapi.yaml as JSON at /v1/openapi.json (already resolved for the generator).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/ordo-one/TextTable", from: "0.0.2"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
    ],
    targets: [
        // MARK: C libraries (Debian 12: libhiredis-dev 0.14, libpq-dev 15)
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // MARK: Generic clients (know nothing of jobs)
        // A blocking C client on its own thread: the thread, its mailbox, and a pool as a pure state machine.
        .target(name: "GantryThreads", swiftSettings: swiftSettings),
        .target(
            name: "GantryRedis",
            dependencies: ["CHiredis", "GantryThreads", "GantryErrors", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GantryPostgres",
            dependencies: [
                "CLibPQ", "GantryThreads", "GantryErrors", .product(name: "Logging", package: "swift-log"),
                // A client span per statement run inside a trace.
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Queue
        .target(name: "GantryErrors", swiftSettings: swiftSettings),
        .target(
            name: "GantryCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                // A job's traceparent: taken from the current span on enqueue, continued by its run.
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: Traces: the OTLP exporter bootstrapped when OTEL_EXPORTER_OTLP_ENDPOINT is set
        .target(
            name: "GantryTracing",
            dependencies: [
                "GantryCore",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GantryRedisQueue",
            dependencies: ["GantryCore", "GantryRedis", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // MARK: Storage of results and history
        .target(
            name: "GantryPostgresStore",
            dependencies: [
                "GantryPostgres", "GantryCore", "GantryDomain", "GantryErrors", .product(name: "Logging", package: "swift-log"),
                // API tokens are stored as their SHA-256.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Protocol clients for notifications: SMTP (STARTTLS), signed webhooks, rate limits, SSRF guard
        .target(
            name: "GantryDelivery",
            dependencies: [
                "GantryErrors",
                // Dates (Retry-After, an e-mail's Date) count days with the domain's one calendar.
                "GantryDomain",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Job kinds (one folder each)
        .target(
            name: "GantryJobs",
            dependencies: [
                "GantryCore", "GantryDomain", "GantryErrors", "GantryKinds", "GantryPostgresStore", "GantryDelivery",
                .product(name: "Logging", package: "swift-log"),
                // notify.send's webhook secrets are sealed at rest with AES-GCM (SecretKeyRing).
                .product(name: "Crypto", package: "swift-crypto"),
                // report.build renders through templates. (migration.batch reads CSV with GantryDomain's
                // CSVRecordReader: the planner must cut batches at exactly the records each batch parses,
                // which needs record byte ranges that CSV.swift does not give.)
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Job kinds' descriptors (light: what producers and the API need, no handlers)
        .target(
            name: "GantryKinds",
            dependencies: ["GantryCore", "GantryDomain"],
            swiftSettings: swiftSettings
        ),

        // MARK: Producer API (the server is generated from openapi.yaml)
        .target(
            name: "GantryAPI",
            dependencies: [
                "GantryCore", "GantryKinds", "GantryDomain", "GantryPostgresStore", "GantryTelemetry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [
                // The document and the dashboard's files, compiled into the binary (PackageResources): a container
                // that holds only the `gantry` executable still serves /v1/openapi.json and the page.
                .embedInCode("openapi.yaml"),
                .embedInCode("Dashboard/Assets/index.html"), .embedInCode("Dashboard/Assets/dashboard.css"),
                .embedInCode("Dashboard/Assets/js/api.js"), .embedInCode("Dashboard/Assets/js/app.js"),
                .embedInCode("Dashboard/Assets/js/charts.js"), .embedInCode("Dashboard/Assets/js/dead.js"),
                .embedInCode("Dashboard/Assets/js/dom.js"), .embedInCode("Dashboard/Assets/js/project.js"),
                .embedInCode("Dashboard/Assets/js/projects.js"), .embedInCode("Dashboard/Assets/js/queues.js"),
                .embedInCode("Dashboard/Assets/js/workers.js"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The API wired to the production stores (Redis driver, PostgreSQL repositories, GantryJobs' import
        // planner): what `gantry api` and `gantry bench api` serve and the API tests exercise.
        .target(
            name: "GantryAPIServer",
            dependencies: [
                "GantryAPI", "GantryCore", "GantryDelivery", "GantryDomain", "GantryJobs", "GantryKinds", "GantryPostgres",
                "GantryPostgresStore", "GantryRedis", "GantryRedisQueue", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The CLI's client of the API, generated from the same document (a link to GantryAPI's).
        .target(
            name: "GantryAPIClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),

        // MARK: Metrics: every name once, Prometheus export, process metrics, the tiny /metrics listener
        .target(
            name: "GantryTelemetry",
            dependencies: [
                "GantryCore", "GantryErrors", "GantryThreads",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Worker runtime
        .target(
            name: "GantryWorker",
            dependencies: [
                "GantryCore", "GantryTelemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Coordinator: leader election; while it leads, follow-up chains, risk review, schedules, housekeeping
        .target(
            name: "GantryCoordinator",
            dependencies: [
                "GantryCore", "GantryKinds", "GantryDomain", "GantryPostgresStore", "GantryRedis", "GantryErrors",
                "GantryTelemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // --schedules FILE is JSON or YAML.
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: CRM delivery domain (pure, no I/O)
        .target(name: "GantryDomain", dependencies: ["GantryErrors"], swiftSettings: swiftSettings),

        // MARK: Local servers: starts and stops Redis and PostgreSQL for `gantry dev` and for the tests alike
        .target(name: "GantryLocalServers", dependencies: ["GantryErrors"], swiftSettings: swiftSettings),

        // MARK: Test support: the tests' servers (through GantryLocalServers) and bounded waits
        .target(
            name: "GantryTesting",
            dependencies: [
                "GantryLocalServers", "GantryErrors", "GantryRedis", "GantryPostgres", "GantryPostgresStore",
                // The webhook receiver that counts what notify.send delivers.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The one binary
        .executableTarget(
            name: "gantry",
            dependencies: [
                "GantryCore", "GantryRedis", "GantryPostgres", "GantryRedisQueue", "GantryDomain",
                "GantryPostgresStore", "GantryWorker", "GantryJobs", "GantryKinds", "GantryAPI", "GantryAPIServer",
                "GantryAPIClient", "GantryLocalServers", "GantryCoordinator", "GantryTelemetry", "GantryTracing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TextTable", package: "TextTable"),
                .product(name: "Rainbow", package: "Rainbow"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // `gantry dev --demo`'s webhook receiver.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            // The Swift runtime and Foundation linked statically, into a position-dependent executable:
            // a worker then maps only the code it touches instead of whole shared libraries, and the
            // loader has no relocations to apply to it (idle RSS 33 → 25 MB), and starts faster.
            // Foundation's static archives do not name their own dependencies, hence the list.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-Xlinker", "-l_FoundationICU", "-Xlinker", "-l_FoundationCollections",
                        "-Xlinker", "-l_FoundationCShims", "-Xlinker", "-lCoreFoundation", "-Xlinker", "-l_FoundationICU",
                        "-Xlinker", "-lstdc++", "-Xclang-linker", "-no-pie",
                    ], .when(platforms: [.linux]))
            ]
        ),

        // MARK: Tests
        .testTarget(name: "GantryCoreTests", dependencies: ["GantryCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GantryWorkerTests", dependencies: ["GantryWorker", "GantryCore", "GantryTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GantryPostgresStoreTests",
            dependencies: ["GantryPostgresStore", "GantryPostgres", "GantryCore", "GantryTesting"],
            swiftSettings: swiftSettings
        ),
        // Runs the real `gantry` binary against real servers: chaos, drain, scaling.
        .testTarget(
            name: "GantryClusterTests",
            dependencies: [
                "GantryCore", "GantryRedis", "GantryRedisQueue", "GantryPostgres", "GantryTesting",
            ],
            swiftSettings: swiftSettings
        ),
        // The names against Prometheus' conventions, the text format, the process collector and the
        // listener, with no server.
        .testTarget(
            name: "GantryTelemetryTests",
            dependencies: ["GantryTelemetry", "GantryCore", "GantryTesting", .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GantryDomainTests", dependencies: ["GantryDomain"], swiftSettings: swiftSettings),
        // The elector's state machine, the cron parser and the follow-up planner with no server; the lock,
        // the fence, the schedules, the follow-up dispatch and the duties on real Redis and PostgreSQL.
        .testTarget(
            name: "GantryCoordinatorTests",
            dependencies: [
                "GantryCoordinator", "GantryCore", "GantryDomain", "GantryKinds", "GantryRedis", "GantryRedisQueue",
                "GantryPostgres", "GantryPostgresStore", "GantryTesting",
            ],
            swiftSettings: swiftSettings
        ),
        // The real `gantry` CLI against a `gantry api` it starts on the test servers: submit, --wait, bulk files,
        // queues --json, exit codes, the dev-folder fallback, tokens.
        .testTarget(
            name: "GantryCLITests",
            dependencies: ["GantryCore", "GantryPostgres", "GantryTesting", "GantryLocalServers"],
            swiftSettings: swiftSettings
        ),
        // The API on real servers, through Hummingbird's test client and a live HTTP port.
        .testTarget(
            name: "GantryAPITests",
            dependencies: [
                "GantryAPI", "GantryKinds", "GantryCore", "GantryRedisQueue", "GantryRedis", "GantryPostgresStore",
                "GantryPostgres", "GantryTesting", "GantryJobs", "GantryAPIServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // Random and adversarial values at every decoder and validator that takes outside input; a fixed
        // seed and count in ops/test, GANTRY_FUZZ_ITERATIONS for a longer run by hand.
        .testTarget(
            name: "GantryFuzzTests",
            dependencies: [
                "GantryCore", "GantryDomain", "GantryJobs", "GantryDelivery",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GantryDeliveryTests",
            dependencies: [
                "GantryDelivery",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GantryJobsTests",
            dependencies: [
                "GantryJobs", "GantryCore", "GantryDomain", "GantryPostgresStore", "GantryPostgres", "GantryTesting",
                // Local HTTP and SMTP servers that receive what notify.send delivers.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // The pool's state machine and the mailbox, with no thread of C and no server.
        .testTarget(name: "GantryThreadsTests", dependencies: ["GantryThreads", "GantryTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GantryRedisTests",
            dependencies: ["GantryRedis", "GantryTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GantryPostgresTests",
            dependencies: ["GantryPostgres", "GantryTesting"],
            swiftSettings: swiftSettings
        ),
        // The local-server kit itself: servers that start, answer, stop and leave nothing behind.
        .testTarget(
            name: "GantryLocalServersTests",
            dependencies: ["GantryLocalServers", "GantryTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GantryRedisQueueTests",
            dependencies: ["GantryRedisQueue", "GantryCore", "GantryWorker", "GantryTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
