// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "bitgoeul",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bitgoeul", targets: ["bitgoeul"]),
        .library(name: "BitgoeulClient", targets: ["BitgoeulClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(name: "WorldModel", swiftSettings: swiftSettings),
        .target(name: "Clocks", swiftSettings: swiftSettings),
        .target(
            name: "DurableFiles", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(name: "TOML", swiftSettings: swiftSettings),
        .target(name: "Geo", dependencies: ["WorldModel", "DurableFiles"], swiftSettings: swiftSettings),
        .target(
            name: "Missions",
            dependencies: ["Geo", "WorldModel", "Solar", "Privacy"],
            swiftSettings: swiftSettings),
        .target(
            name: "Planning",
            dependencies: [
                "Geo", "WorldModel", "Solar", "Simulation", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "DataBackup",
            dependencies: ["DurableFiles", "StorageSQLite", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(
            name: "Wire",
            dependencies: ["WorldModel", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: ["WorldModel"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorageSQLite",
            dependencies: ["Storage", "WorldModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StoragePostgres",
            dependencies: [
                "Storage", "WorldModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Envelopes",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Federation",
            dependencies: [
                "DurableFiles", "Envelopes", "TOML", "WorldModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Cluster",
            dependencies: [
                "DurableFiles", "Envelopes", "Realtime", "Storage", "WorldModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Realtime",
            dependencies: [
                "WorldModel", "Wire", "Privacy", "Clocks",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Safety",
            dependencies: ["Clocks", "Realtime", "Storage", "WorldModel"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Accounts",
            dependencies: [
                "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RealtimeSession",
            dependencies: [
                "Accounts", "Clocks", "Realtime", "Safety", "Storage", "Wire", "WorldModel",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BitgoeulServer",
            dependencies: [
                "WorldModel", "Wire", "Storage", "StorageSQLite", "Realtime", "Geo", "Simulation", "Docent", "Privacy",
                "Clocks", "Safety", "Accounts", "RealtimeSession", "Cluster", "DurableFiles", "Federation", "Missions",
                "Planning",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Docent", swiftSettings: swiftSettings),
        .target(
            name: "Privacy",
            dependencies: [
                "Storage", "WorldModel", "DurableFiles",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Simulation",
            dependencies: [
                "WorldModel", "TOML",
            ],
            // The crowd kernel is optimised in debug builds too, so `make test` can run real scenarios.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "Solar",
            dependencies: ["WorldModel", "Geo", "DurableFiles"],
            // Ray casting against the BVH is optimised in debug builds too, so `make test` stays fast.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "BitgoeulClient",
            dependencies: [
                "Wire", "WorldModel", "Privacy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bitgoeul",
            dependencies: [
                "BitgoeulServer", "BitgoeulClient", "Realtime", "Wire", "WorldModel", "Geo", "Storage", "StorageSQLite",
                "StoragePostgres", "Simulation", "Cluster", "Solar", "Docent", "Privacy", "DurableFiles", "DataBackup",
                "Accounts", "Clocks", "Envelopes", "Federation", "Missions", "Planning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "Cluster", "Clocks", "Realtime", "Storage", "StoragePostgres", "Wire", "WorldModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "FederationTests",
            dependencies: ["Envelopes", "Federation", "WorldModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .testTarget(name: "GeoTests", dependencies: ["Geo", "WorldModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MissionsTests", dependencies: ["Missions", "WorldModel", "Privacy"], swiftSettings: swiftSettings),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SafetyTests", dependencies: ["Safety", "Clocks", "Realtime", "Storage", "StorageSQLite"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AccountsTests", dependencies: ["Accounts", "Clocks", "Storage", "StorageSQLite"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RealtimeSessionTests",
            dependencies: [
                "RealtimeSession", "Accounts", "Clocks", "Realtime", "Safety", "Storage", "Wire", "WorldModel",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DataBackupTests", dependencies: ["DataBackup", "StorageSQLite", "Storage"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PrivacyTests", dependencies: ["Privacy", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("../Fixtures/privacy")],
            swiftSettings: swiftSettings),
        .testTarget(name: "DocentTests", dependencies: ["Docent"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulationTests", dependencies: ["Simulation", "WorldModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PlanningTests", dependencies: ["Planning", "Solar", "Simulation", "Geo", "WorldModel"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SolarTests", dependencies: ["Solar", "WorldModel"], swiftSettings: swiftSettings),
        .testTarget(name: "WorldModelTests", dependencies: ["WorldModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WireTests",
            dependencies: ["Wire", "WorldModel", .product(name: "NIOCore", package: "swift-nio")],
            resources: [.copy("../Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RealtimeTests",
            dependencies: [
                "Realtime", "Wire", "WorldModel", "Privacy", "Clocks", .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "StorageSQLite", "StoragePostgres", "WorldModel", "Privacy",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "BitgoeulServerTests",
            dependencies: [
                "BitgoeulServer", "BitgoeulClient", "Wire", "WorldModel", "Storage", "StorageSQLite", "Realtime",
                "Privacy", "Accounts", "Clocks", "Safety", "RealtimeSession", "Docent", "Cluster", "StoragePostgres",
                "Envelopes", "Federation", "Geo", "Planning",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer targets, one per parser of untrusted input (`make fuzz`). They exist only in a build
// with BITGOEUL_FUZZ set and `--sanitize=fuzzer`, which supplies their `main`.
if Context.environment["BITGOEUL_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzWire", ["Wire", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzGeoJSON", ["Geo"]),
        ("FuzzScenario", ["Simulation", "TOML"]),
        ("FuzzWKT", ["Simulation"]),
        ("FuzzGLB", ["Geo"]),
        ("FuzzManifest", ["WorldModel"]),
        ("FuzzCatalogue", ["Docent"]),
        ("FuzzVault", ["Privacy", .product(name: "Crypto", package: "swift-crypto")]),
        ("FuzzBackup", ["DataBackup"]),
        ("FuzzFederation", ["Federation", "Envelopes"]),
        ("FuzzMissions", ["Missions"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: dependencies, path: "Fuzz/Targets/\(name)", swiftSettings: swiftSettings))
    }
}
