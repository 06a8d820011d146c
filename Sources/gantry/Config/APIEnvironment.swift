import ArgumentParser
import FoundationEssentials
import Glibc

/// The data directory of a local `gantry dev`, for the commands that find their servers through it.
struct DevDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Data directory of a local `gantry dev` (default: ./.gantry, or the nearest one in a parent folder).",
            valueName: "DIR"))
    var dataDirectory: String?
}

/// How a CLI command finds the producer API.
struct APIOptions: ParsableArguments {
    @Option(name: .customLong("api-url"), help: "The API's address (default: GANTRY_API_URL, then a running `gantry dev`).")
    var apiURL: String?

    @Option(help: "A bearer token (default: GANTRY_TOKEN, then the admin token of a running `gantry dev`).")
    var token: String?

    @OptionGroup var dev: DevDirectoryOption
}

/// The CLI's discovery of its servers: flags, then `GANTRY_*` variables, then what a local `gantry dev` uses, so
/// that after `ops/dev` a second terminal needs no configuration at all.
enum APIEnvironment {
    /// `gantry dev`'s default data directory, relative to the folder it runs in.
    static let devDirectoryName = ".gantry"
    /// What `gantry dev` listens on when nothing else had the port (EmbeddedRedis, EmbeddedPostgres).
    static let devRedisURL = "redis://127.0.0.1:6390/0"
    static let devDatabaseURL = "postgres://gantry@127.0.0.1:5440/gantry"

    /// Where the API is and the token to show it.
    struct Endpoint: Sendable {
        var url: URL
        var token: String
        /// Where the address came from, for messages: "--api-url", "GANTRY_API_URL" or the dev's file.
        var source: String
    }

    /// Flags, then `GANTRY_API_URL`/`GANTRY_TOKEN`, then the `api-url` and `admin-token` files a running
    /// `gantry dev` keeps in its data directory. The dev's admin token goes only to the dev's own address: with
    /// `GANTRY_API_URL` pointing elsewhere it is never sent there.
    static func endpoint(_ options: APIOptions) throws(CLIError) -> Endpoint {
        let explicitToken = options.token ?? GantryEnvironment.value("GANTRY_TOKEN")
        let devDirectory = self.devDirectory(options.dev)
        let devURL = devDirectory.flatMap { readLine(of: $0 + "/api-url") }
        let explicitURL: (text: String, source: String)? =
            options.apiURL.map { ($0, "--api-url") } ?? GantryEnvironment.value("GANTRY_API_URL").map { ($0, "GANTRY_API_URL") }

        let text: String
        let source: String
        if let explicitURL {
            (text, source) = explicitURL
        } else if let devURL, let devDirectory {
            (text, source) = (devURL, devDirectory + "/api-url")
        } else {
            let looked = devDirectory ?? "./" + devDirectoryName
            throw CLIError(
                .unreachable,
                "no API to speak to: set GANTRY_API_URL and GANTRY_TOKEN, pass --api-url and --token, "
                    + "or run `gantry dev` in this folder (no api-url in \(looked))")
        }
        let url = try apiURL(text, source: source)
        // `gantry dev` only ever writes a loopback address. A dev folder found in some parent folder that names
        // another host was not written by it, and must not receive the user's token.
        if explicitURL == nil, !["127.0.0.1", "localhost", "::1", "[::1]"].contains(url.host ?? "") {
            throw CLIError(
                .usage,
                "\(source) names \(url.absoluteString), which is not this machine: gantry dev writes only loopback "
                    + "addresses there; set GANTRY_API_URL to use it")
        }

        var token = explicitToken
        if token == nil, let devDirectory, let devURL, (try? apiURL(devURL, source: "")) == url {
            token = readLine(of: devDirectory + "/admin-token")
        }
        guard let token else {
            throw CLIError(.unauthorised, "no token for \(url.absoluteString): set GANTRY_TOKEN or pass --token")
        }
        return Endpoint(url: url, token: token, source: source)
    }

    /// An `http(s)://host[:port][/path]` address, without a trailing slash.
    static func apiURL(_ text: String, source: String) throws(CLIError) -> URL {
        var trimmed = text.trimmed
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw CLIError(.usage, "\(source): '\(text)' is not an http:// or https:// address")
        }
        return url
    }

    /// `--data-dir` as given, else the nearest `.gantry` folder in this folder or a parent (a second terminal may
    /// have moved into a subfolder of the project); nil when there is none.
    static func devDirectory(_ option: DevDirectoryOption) -> String? { devDirectory(explicit: option.dataDirectory) }

    static func devDirectory(explicit: String?) -> String? {
        if let explicit {
            return explicit.hasSuffix("/") && explicit.count > 1 ? String(explicit.dropLast()) : explicit
        }
        var folder = FileManager.default.currentDirectoryPath
        while true {
            let candidate = folder == "/" ? "/" + devDirectoryName : folder + "/" + devDirectoryName
            var status = stat()
            if stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { return candidate }
            guard folder != "/", let slash = folder.lastIndex(of: "/") else { return nil }
            folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
        }
    }

    /// The first line of `name` in the dev folder (`--data-dir`, else the nearest `.gantry` folder of this folder or
    /// a parent), when there is one.
    static func devFile(_ name: String, in explicit: String? = nil) -> String? {
        devDirectory(explicit: explicit).flatMap { readLine(of: $0 + "/" + name) }
    }

    /// The first line of a small file, trimmed; nil when it is missing, unreadable or empty.
    static func readLine(of path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return nil }
        let line = String(decoding: data.prefix(4096), as: UTF8.self).split(whereSeparator: \.isNewline).first.map { $0.trimmed }
        return line?.isEmpty == false ? line : nil
    }
}
