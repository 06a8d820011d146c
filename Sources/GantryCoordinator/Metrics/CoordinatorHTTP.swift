import Hummingbird
import Logging

/// The coordinator's own small HTTP server: `GET /metrics` (Prometheus text) and `GET /healthz`
/// (the process is up; 200 whether or not it leads, since a follower is healthy too).
public enum CoordinatorHTTP {
    public static func buildApplication(
        host: String, port: Int, metrics: CoordinatorMetrics, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(metrics: metrics),
            configuration: .init(address: .hostname(host, port: port), serverName: "gantry-coordinator"),
            logger: logger)
    }

    public static func buildRouter(metrics: CoordinatorMetrics) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("/healthz") { _, _ -> String in "ok\n" }
        return router
    }
}
