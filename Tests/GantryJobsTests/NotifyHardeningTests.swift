import AsyncHTTPClient
import Foundation
import GantryCore
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import Synchronization
import GantryTesting
import Testing

/// The review's defects of `notify.send` (issue 10), each against real PostgreSQL, the loopback
/// webhook receiver and the SMTP sink.
@Suite("notify.send hardening", .migratedDatabase)
struct NotifyHardeningTests: NotifySuite {
    @Test
    func writeFailureAfterA2xxNeitherSendsAgainNorFailsTheRun() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        _ = try await fixture.webhook(server)
        // The first write of an attempt fails once, after the receiver has said 200.
        try await fixture.pool.withConnection { connection in
            try await connection.execute(
                unsafeSQL: """
                    CREATE SEQUENCE fail_once;
                    CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF nextval('fail_once') = 1 THEN RAISE EXCEPTION 'injected failure after a 2xx'; END IF;
                        RETURN NEW;
                    END $$;
                    CREATE TRIGGER fail_once BEFORE INSERT ON notification_attempts
                        FOR EACH ROW EXECUTE FUNCTION fail_once();
                    """)
        }
        let job = fixture.job()

        var result: JSONValue?
        do {
            result = try await fixture.run(job)
        } catch {
            Issue.record("the run failed after the receiver accepted: \(error)")
            // What the queue does next: the claim runs out and the job runs again.
            _ = try await fixture.pool.query(
                "UPDATE notification_deliveries SET claimed_until = now() - interval '1 second' WHERE claimed_by IS NOT NULL")
            var again = job
            again.attempt = 2
            result = try? await fixture.run(again)
        }

        #expect(server.requests.count == 1)
        let delivery = try #require(try await fixture.deliveries().first)
        #expect(delivery.state == .sent && delivery.attempts == 1 && delivery.claimedBy == nil)
        #expect(try await fixture.attempts(delivery).map(\.outcome) == [.delivered])
        #expect(result?["sent"] == 1)

        await server.stop()
        await fixture.close()
    }

    @Test
    func sameEventIDInTwoProjectsReachesTheSamePersonOnceEach() async throws {
        let fixture = try await Fixture.make()
        let sink = try await SMTPSink.start()
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "gantry@firm.example", tls: .disabled)
        let other = Fixture(
            pool: fixture.pool, project: try await createProject(in: fixture.pool), http: fixture.http, keys: fixture.keys)
        let recipients: JSONValue = [["email": "pm@client.example"]]

        let first = try #require(try await fixture.run(fixture.job(recipients: recipients), smtp: smtp))
        let second = try #require(try await other.run(other.job(recipients: recipients), smtp: smtp))

        #expect(first["sent"] == 1)
        #expect(second["sent"] == 1 && second["already_sent"] == 0)
        #expect(sink.messages.count == 2)
        #expect(try await fixture.deliveries().map(\.state) == [.sent])
        #expect(try await other.deliveries().map(\.state) == [.sent])

        await sink.stop()
        await fixture.close()
    }

    @Test
    func webhookToEachBlockedClassIsRefusedWithoutAConnection() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        let port = server.port
        let cases: [(url: String, reason: String)] = [
            (server.url, "(loopback): 127.0.0.1 is in 127.0.0.0/8"),
            ("http://169.254.169.254/latest/meta-data/", "(linkLocal): 169.254.169.254 is in 169.254.0.0/16"),
            ("http://10.20.30.40:\(port)/hooks", "(privateNetwork): 10.20.30.40 is in 10.0.0.0/8"),
            ("http://[::1]:\(port)/hooks", "(loopback): ::1 is in ::1/128"),
            ("http://[::ffff:127.0.0.1]:\(port)/hooks", "(loopback): ::ffff:127.0.0.1 is in 127.0.0.0/8"),
            ("http://localhost:\(port)/hooks", "(loopback): localhost resolves to "),
        ]
        var recipients: [JSONValue] = []
        for item in cases {
            let endpoint = try await fixture.endpoints.createWebhook(
                projectID: fixture.project.id, url: item.url, secret: WebhookSecret.generate().text)
            recipients.append(["endpoint_id": .string(endpoint.id.uuidString.lowercased())])
        }
        // No allow-list; a client factory that counts: a refusal must come before any client exists.
        let made = Mutex(0)
        let http = LazyHTTPClient { overrides in
            made.withLock { $0 += 1 }
            return LazyHTTPClient.makeWebhookClient(dnsOverride: overrides)
        }

        let result = try #require(
            try await fixture.run(fixture.job(recipients: .array(recipients)), webhookGuard: WebhookAddressGuard(), http: http))

        #expect(made.withLock { $0 } == 0)
        #expect(server.requests.isEmpty)
        #expect(result["failed"] == .integer(Int64(cases.count)))
        let deliveries = try await fixture.deliveries()
        for item in cases {
            let delivery = try #require(deliveries.first { $0.target == item.url })
            #expect(delivery.state == .failed && delivery.responseCode == nil && delivery.attempts == 1)
            #expect(delivery.lastError?.contains(item.reason) == true, "\(delivery.lastError ?? "")")
            let attempts = try await fixture.attempts(delivery)
            #expect(attempts.map(\.outcome) == [.rejected] && attempts.first?.error == delivery.lastError)
        }
        try await http.shutdown()
        await server.stop()
        await fixture.close()
    }

    @Test
    func webhookSecretIsSealedAtRestAndNeverPrinted() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        let secret = WebhookSecret.generate()
        let endpoint = try await fixture.webhook(server, secret: secret)
        let key = String(secret.text.dropFirst(WebhookSecret.prefix.count))

        let stored = try #require(try await fixture.pool.query("SELECT row_to_json(e)::text FROM notification_endpoints AS e").first)
        let row = try stored.decode(0, as: String.self)
        #expect(!row.contains(key))
        #expect(row.contains("\"secret\":null") && row.contains("gs1:\(fixture.keys.currentKeyID):"))

        // Printed every way: the record, the secret, the key ring, and the errors that name them.
        let missing = await #expect(throws: NotificationStoreError.self) {
            _ = try await NotificationEndpointRepository(pool: fixture.pool).endpoint(endpoint.id)
        }
        let wrongKey = await #expect(throws: NotificationStoreError.self) {
            _ = try await NotificationEndpointRepository(
                pool: fixture.pool, sealer: try SecretKeyRing(current: SecretKeyRing.generateKeyText())
            ).endpoint(endpoint.id)
        }
        #expect(missing?.code == .secretKeyMissing && wrongKey?.code == .secretUnreadable)
        let printed: [Any] = [endpoint, endpoint.secret as Any, secret, fixture.keys, missing as Any, wrongKey as Any]
        for value in printed {
            var dumped = ""
            dump(value, to: &dumped)
            for text in [String(describing: value), String(reflecting: value), dumped] {
                #expect(!text.contains(key), "\(type(of: value)) prints its secret")
            }
        }

        // Sealed, it still signs what goes out.
        _ = try await fixture.run(fixture.job())
        let request = try #require(server.requests.first)
        #expect(signatureIsValid(request, secret: secret))

        await server.stop()
        await fixture.close()
    }

    @Test
    func plainSecretIsSealedOnFirstReadAndRotatedKeysStillOpen() async throws {
        let fixture = try await Fixture.make()
        let secret = WebhookSecret.generate()
        // A row as migration 6 wrote it, before secrets were sealed.
        let inserted = try #require(
            try await fixture.pool.query(
                """
                INSERT INTO notification_endpoints (project_id, channel, url, secret)
                VALUES (\(fixture.project.id), 'webhook', 'https://hooks.example/in', \(secret.text)) RETURNING id
                """
            ).first)
        let id = try inserted.decode(0, as: UUID.self)
        func columns() async throws -> (plain: String?, sealed: String?) {
            let row = try #require(
                try await fixture.pool.query("SELECT secret, secret_sealed FROM notification_endpoints WHERE id = \(id)").first)
            return (try row.decode(0, as: String?.self), try row.decode(1, as: String?.self))
        }

        let oldKey = SecretKeyRing.generateKeyText()
        let old = try SecretKeyRing(current: oldKey)
        let first = try #require(try await NotificationEndpointRepository(pool: fixture.pool, sealer: old).endpoint(id))
        #expect(first.secret?.text == secret.text)
        let sealed = try await columns()
        #expect(sealed.plain == nil && sealed.sealed?.hasPrefix("gs1:\(old.currentKeyID):") == true)

        // Rotation: a new current key, the old one as previous; reading reseals under the new one.
        let newKey = SecretKeyRing.generateKeyText()
        let rotated = try SecretKeyRing(current: newKey, previous: [oldKey])
        let read = try #require(try await NotificationEndpointRepository(pool: fixture.pool, sealer: rotated).endpoint(id))
        #expect(read.secret?.text == secret.text)
        #expect(try await columns().sealed?.hasPrefix("gs1:\(rotated.currentKeyID):") == true)
        // Once resealed, the old key is no longer needed.
        let newOnly = try SecretKeyRing(current: newKey)
        #expect(try await NotificationEndpointRepository(pool: fixture.pool, sealer: newOnly).endpoint(id)?.secret?.text == secret.text)

        await fixture.close()
    }

    @Test
    func workerWithoutTheKeyFailsRetryablyNamingTheVariable() async throws {
        let fixture = try await Fixture.make()
        let server = try await WebhookTestServer.start()
        _ = try await fixture.webhook(server)

        let error = await jobError { _ = try await fixture.run(fixture.job(), keys: .some(nil)) }

        #expect(error?.disposition == .retryable(retryAfterMs: nil))
        #expect(error?.message.contains("GANTRY_SECRET_KEY") == true)
        #expect(server.requests.isEmpty)
        // A malformed key is refused where it is read, naming the variable and not echoing it.
        #expect(throws: SecretKeyError.self) { try SecretKeyRing.fromEnvironment(current: "c2hvcnQ=", previous: nil) }
        await server.stop()
        await fixture.close()
    }

    @Test
    func controlCharactersInThePayloadAreRefusedNamingTheField() async throws {
        let fixture = try await Fixture.make()
        let sink = try await SMTPSink.start()
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "gantry@firm.example", tls: .disabled)
        let recipients: JSONValue = [["email": "pm@client.example"]]
        let cases: [(JobEnvelope, String)] = [
            (fixture.job(event: "phase\u{0}1", recipients: recipients), "event.id"),
            (fixture.job(subject: "done\u{0}", recipients: recipients), "event.subject"),
            (fixture.job(data: ["note": "a\u{0}b"], recipients: recipients), "event.data.note"),
            (fixture.job(data: ["nested": ["deep": ["x\u{1B}y"]]], recipients: recipients), "event.data.nested.deep[0]"),
            (fixture.job(data: ["bad\u{0}key": "v"], recipients: recipients), "event.data"),
        ]
        for (job, field) in cases {
            do {
                // Nothing of it may reach PostgreSQL: no delivery row, no statement.
                _ = try await fixture.run(job, smtp: smtp)
                Issue.record("accepted a control character in \(field)")
            } catch let error as JobError {
                #expect(error.disposition == .permanent)
                #expect(error.message.contains(field), "\(error.message)")
            } catch {
                Issue.record("\(field): PostgreSQL saw it: \(error)")
            }
        }
        #expect(try await fixture.deliveries().isEmpty)
        // Tabs and line breaks are text; they pass.
        let fine = try #require(
            try await fixture.run(fixture.job(data: ["note": "line\none\tcol"], recipients: recipients), smtp: smtp))
        #expect(fine["sent"] == 1 && sink.messages.count == 1)

        await sink.stop()
        await fixture.close()
    }
}
