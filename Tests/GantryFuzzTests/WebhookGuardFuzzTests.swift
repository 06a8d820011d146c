import GantryJobs
import PropertyBased
import Testing

/// The webhook SSRF guard against random and hostile input: URL strings never trap (they give a host
/// or a refusal with a code), and no address inside a blocked range is ever let through, judged by a
/// predicate written independently of the guard's table.
@Suite struct WebhookGuardFuzzTests {
    /// What URLs are built from: schemes, user info, hosts in every spelling of a blocked address,
    /// ports, paths, and the bytes that break parsers.
    static let urlPieces: [String] = [
        "http://", "https://", "HTTP://", "hTTps://", "ftp://", "file://", "//", "http:", "javascript:", "http:/",
        "user@", "a:b@", "@", "evil.example@", "127.0.0.1", "127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1", "0",
        "[::1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:a9fe:a9fe]", "[0:0:0:0:0:ffff:7f00:1]", "[fe80::1%25eth0]",
        "[fd00::1]", "[64:ff9b::a00:1]", "[2002:7f00:1::]", "localhost", "169.254.169.254", "10.0.0.1", "100.64.0.1",
        "172.31.255.255", "192.168.1.1", "224.0.0.1", "255.255.255.255", "93.184.215.14", "[2606:4700::1111]",
        "hooks.example", "xn--bcher-kva.example", "ÿ.example", ":80", ":0", ":65535", ":65536", ":-1", ":abc", "/",
        "/hooks?x=1#f", "/%00", "%2e", "\\", "\u{0}", "\u{7F}", " ", "\t", "\n", "[", "]", "%", "?", "#", ".", "..",
        String(repeating: "a", count: 300),
    ]

    static let urls = Gen.int(in: 0...(urlPieces.count - 1)).array(of: 0...7).map { $0.map { urlPieces[$0] }.joined() }

    /// Address prefixes that land in each blocked range (and some that do not); the rest of the
    /// bytes is random. 4 bytes when the prefix is IPv4's, else 16.
    static let prefixes: [(v4: Bool, bytes: [UInt8])] = [
        (true, []), (true, [127]), (true, [10]), (true, [169, 254]), (true, [169, 254, 169, 254]), (true, [100, 64]),
        (true, [100, 127]), (true, [100, 128]), (true, [172, 16]), (true, [172, 31]), (true, [172, 32]),
        (true, [192, 168]), (true, [0]), (true, [224]), (true, [239]), (true, [240]), (true, [255]), (true, [8, 8]),
        (false, []), (false, Array(repeating: 0, count: 15) + [1]), (false, Array(repeating: 0, count: 16)),
        (false, Array(repeating: 0, count: 10) + [0xFF, 0xFF]), (false, Array(repeating: 0, count: 12)),
        (false, Array(repeating: 0, count: 10) + [0xFF, 0xFF, 127]), (false, Array(repeating: 0, count: 10) + [0xFF, 0xFF, 10]),
        (false, [0xFC]), (false, [0xFD]), (false, [0xFE, 0x80]), (false, [0xFE, 0xBF]), (false, [0xFE, 0xC0]),
        (false, [0xFF]), (false, [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, 127]),
        (false, [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]), (false, [0x20, 0x02, 127]), (false, [0x20, 0x01, 0x0D, 0xB8]),
        (false, [0x26, 0x06]), (false, [0x20]),
    ]

    static let addresses = zip(Gen.int(in: 0...(prefixes.count - 1)), Gen.int(in: 0...255).array(of: 16)).map {
        index, fill -> IPAddress in
        let prefix = prefixes[index]
        let count = prefix.v4 ? 4 : 16
        let bytes = Array((prefix.bytes + fill.map { UInt8($0) }).prefix(count))
        return IPAddress(bytes: bytes)!
    }

    /// Blocked ranges, written apart from `WebhookAddressGuard`'s table: octet comparisons.
    static func independentlyBlocked(_ address: IPAddress) -> Bool {
        let b = address.bytes
        if b.count == 4 {
            let (a, c) = (b[0], b[1])
            return a == 0 || a == 10 || a == 127 || a >= 224 || (a == 100 && c >= 64 && c <= 127)
                || (a == 169 && c == 254) || (a == 172 && c >= 16 && c <= 31) || (a == 192 && c == 168)
        }
        let zeros10 = b[0..<10].allSatisfy { $0 == 0 }
        if zeros10 && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)) { return true }
        if b[0] & 0xFE == 0xFC || b[0] == 0xFF || (b[0] == 0xFE && b[1] & 0xC0 == 0x80) { return true }
        let nat64 = b[0..<12].elementsEqual([0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        if nat64 { return independentlyBlocked(IPAddress(bytes: Array(b[12..<16]))!) }
        return b[0] == 0x20 && b[1] == 0x02
    }

    static let codes: Set<String> = [
        "invalidURL", "unresolvable", "loopback", "linkLocal", "privateNetwork", "sharedAddressSpace", "unspecified",
        "multicast", "uniqueLocal", "reserved",
    ]

    @Test
    func randomURLsGiveAHostOrARefusalWithACode() {
        let guardian = WebhookAddressGuard()
        seededCheck(seed: 0x5EB_400C, quick: 3_000, input: Self.urls) { url in
            let host: String
            do throws(WebhookRefusal) {
                host = try WebhookAddressGuard.host(of: url)
            } catch {
                return Self.codes.contains(error.code.description) && !error.message.isEmpty ? nil : "refused with \(error)"
            }
            if host.isEmpty { return "an empty host passed" }
            guard let literal = IPAddress(host) else { return nil }
            do throws(WebhookRefusal) {
                _ = try guardian.destination(host: host, addresses: [literal])
                return Self.independentlyBlocked(literal) ? "\(url) reaches \(literal), a blocked address" : nil
            } catch {
                return Self.codes.contains(error.code.description) ? nil : "refused with \(error)"
            }
        }
    }

    @Test
    func noAddressInABlockedRangeIsEverAllowed() {
        let guardian = WebhookAddressGuard()
        seededCheck(seed: 0xADD7_E55, quick: 20_000, input: Self.addresses) { address in
            let refusal = guardian.refusal(for: address)
            if Self.independentlyBlocked(address), refusal == nil { return "\(address) is blocked but was allowed" }
            if let refusal, !Self.codes.contains(refusal.code.description) { return "unknown code \(refusal)" }
            // Whatever resolves to it: one blocked address among several refuses them all.
            let public8888 = IPAddress(bytes: [8, 8, 8, 8])!
            let mixed = try? guardian.destination(host: "hooks.example", addresses: [public8888, address])
            if refusal != nil, mixed != nil { return "a name resolving to 8.8.8.8 and \(address) passed" }
            return nil
        }
    }

    @Test
    func theAllowListAdmitsOnlyItsOwnBlocks() {
        let allowed = [IPNetwork("127.0.0.1/32")!, IPNetwork("10.1.0.0/16")!, IPNetwork("fd12:3456::/32")!]
        let guardian = WebhookAddressGuard(allowing: allowed)
        seededCheck(seed: 0xA11_0E, quick: 20_000, input: Self.addresses) { address in
            let b = address.bytes
            let v4 = address.embeddedIPv4?.bytes ?? b
            let inAllowList =
                (v4.count == 4 && (v4 == [127, 0, 0, 1] || (v4[0] == 10 && v4[1] == 1)))
                || (b.count == 16 && b[0..<4].elementsEqual([0xFD, 0x12, 0x34, 0x56]))
            let refusal = guardian.refusal(for: address)
            if inAllowList, refusal != nil { return "\(address) is allowed but was refused: \(refusal!)" }
            if !inAllowList, Self.independentlyBlocked(address), refusal == nil { return "\(address) passed" }
            return nil
        }
    }

    /// The inputs of the review, kept: each is refused with its code.
    @Test(arguments: [
        ("http://127.0.0.1:8080/hooks", "loopback"), ("http://169.254.169.254/latest/meta-data/", "linkLocal"),
        ("http://10.0.0.7/h", "privateNetwork"), ("http://172.16.5.4/h", "privateNetwork"),
        ("http://192.168.0.1/h", "privateNetwork"), ("http://100.64.1.1/h", "sharedAddressSpace"),
        ("http://0.0.0.0/h", "unspecified"), ("http://[::]/h", "unspecified"), ("http://[::1]/h", "loopback"),
        ("http://[::ffff:127.0.0.1]/h", "loopback"), ("http://[::ffff:a9fe:a9fe]/h", "linkLocal"),
        ("http://[fd00::1]/h", "uniqueLocal"), ("http://[fe80::1]/h", "linkLocal"), ("http://224.0.0.1/h", "multicast"),
        ("http://[ff02::1]/h", "multicast"), ("http://255.255.255.255/h", "reserved"), ("ftp://93.184.215.14/", "invalidURL"),
        ("http://exa mple.com/", "invalidURL"), ("http://a\u{0}b/", "invalidURL"), ("http:///h", "invalidURL"),
    ])
    func reviewedURLsAreRefused(url: String, code: String) {
        let guardian = WebhookAddressGuard()
        do {
            let host = try WebhookAddressGuard.host(of: url)
            let address = try #require(IPAddress(host), "\(url) has no IP literal host")
            let passed = try guardian.destination(host: host, addresses: [address])
            Issue.record("\(url) passed as \(passed)")
        } catch let refusal as WebhookRefusal {
            #expect(refusal.code.description == code, "\(url): \(refusal)")
        } catch {
            Issue.record("\(url): \(error)")
        }
    }

    @Test
    func publicAddressesPass() throws {
        let guardian = WebhookAddressGuard()
        for text in ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "2a00:1450:4001:80b::200e", "64:ff9b::808:808"] {
            let address = try #require(IPAddress(text))
            #expect(guardian.refusal(for: address) == nil, "\(text)")
        }
    }
}
