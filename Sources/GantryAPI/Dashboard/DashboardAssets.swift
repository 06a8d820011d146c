import Foundation

/// The dashboard's files (HTML, CSS, JavaScript), read once at start from the GantryAPI bundle, where
/// SwiftPM copies `Dashboard/Assets` as it copies `openapi.yaml`: the page needs nothing from outside the
/// API process (no CDN, no npm), so it works on an air-gapped network and cannot drift from the API it
/// calls. Served from memory; each file's ETag is its content hash, so a browser revalidates cheaply and
/// never runs a stale script after an upgrade.
struct DashboardAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    /// By path under `Assets` (`index.html`, `js/queues.js`).
    let files: [String: Asset]

    static func load() throws -> DashboardAssets {
        guard let root = Bundle.module.url(forResource: "Assets", withExtension: nil) else {
            throw APIError(500, "internal", "the dashboard's Assets folder is missing from the GantryAPI bundle")
        }
        var files: [String: Asset] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: root.path) {
            // Folders (`js`) have no extension and are skipped with everything not a dashboard file.
            guard let dot = path.lastIndex(of: "."), let type = contentType(of: String(path[path.index(after: dot)...])) else { continue }
            let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
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
