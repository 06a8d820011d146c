import Foundation

/// The dashboard's files (HTML, CSS, JavaScript), compiled into the binary by SwiftPM's `embedInCode` rule
/// (`Package.swift` lists each file of `Dashboard/Assets`): the page needs nothing from outside the API
/// process — no CDN, no npm, not even a resource folder beside the executable — so it works on an air-gapped
/// network, in a container holding only `gantry`, and cannot drift from the API it calls. Served from
/// memory; each file's ETag is its content hash, so a browser revalidates cheaply and never runs a stale
/// script after an upgrade.
struct DashboardAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    /// By path under `Assets` (`index.html`, `js/queues.js`).
    let files: [String: Asset]

    /// Every embedded file by its path; a file added to `Assets` is added here and in `Package.swift`.
    static let embedded: [(path: String, bytes: [UInt8])] = [
        ("index.html", PackageResources.index_html), ("dashboard.css", PackageResources.dashboard_css),
        ("js/api.js", PackageResources.api_js), ("js/app.js", PackageResources.app_js),
        ("js/charts.js", PackageResources.charts_js), ("js/dead.js", PackageResources.dead_js),
        ("js/dom.js", PackageResources.dom_js), ("js/project.js", PackageResources.project_js),
        ("js/projects.js", PackageResources.projects_js), ("js/queues.js", PackageResources.queues_js),
        ("js/workers.js", PackageResources.workers_js),
    ]

    static func load() -> DashboardAssets {
        var files: [String: Asset] = [:]
        for (path, bytes) in embedded {
            guard let dot = path.lastIndex(of: "."), let type = contentType(of: String(path[path.index(after: dot)...])) else { continue }
            files[path] = Asset(bytes: bytes, contentType: type, etag: "\"\(fnv1a(bytes))\"")
        }
        return DashboardAssets(files: files)
    }
    /// Only the kinds of file the dashboard is made of; anything else in the folder is not served.
    static func contentType(of ext: String) -> String? {
        switch ext {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: nil
        }
    }

    /// FNV-1a, 64 bits, hex: enough to tell two versions of a file apart, with no crypto dependency.
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
