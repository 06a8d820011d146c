import GantryPostgresStore

/// Which scope each operation needs, by operationId. An operation missing here needs `admin`, so
/// a new operation is closed until someone decides who may call it. Health and metrics need none.
enum OperationScopes {
    static let open: Set<String> = ["getHealthz", "getReadyz", "getMetrics"]

    static let required: [String: APITokenScope] = [
        "createJob": .submit, "createJobs": .submit, "cancelJob": .submit, "retryJob": .submit,
        "retryDeadJobs": .submit, "createProject": .submit, "createImport": .submit,
        "dryRunImport": .submit,
        "getJob": .read, "listJobs": .read, "listQueues": .read, "listWorkers": .read, "listKinds": .read,
        "listProjects": .read, "getProject": .read, "getImport": .read, "getImportResults": .read,
        "listReports": .read, "getReport": .read, "getOpenAPIDocument": .read, "listSchedules": .read,
        "createProjectEndpoint": .submit, "deleteProjectEndpoint": .submit, "listProjectEndpoints": .read,
        "getPortfolio": .read, "advanceProject": .submit,
        "listProjectBaselines": .read, "createProjectBaseline": .submit, "getProjectCalendar": .read,
        "setProjectCalendar": .submit, "getProjectRisks": .read, "setProjectRisks": .submit, "listProjectForecasts": .read,
        "getQueueHistory": .read, "getProjectForecast": .read, "listProjectImports": .read, "listQueueGroups": .read,
        // Limits are the operator's fairness between producers: a `submit` token could lift its own group's.
        "setQueueGroupLimit": .admin,
        "purgeDeadJobs": .admin, "createToken": .admin, "listTokens": .admin, "revokeToken": .admin,
    ]

    /// Operations a second scope also opens. A project's notification endpoints are configuration that
    /// both a producer (`submit`, who creates the project) and an operator (`admin`) look after.
    static let alsoOpenTo: [String: APITokenScope] = ["createProjectEndpoint": .admin, "deleteProjectEndpoint": .admin]

    /// Whether a token with `scopes` may call the operation that needs `scope`.
    static func allows(_ scopes: Set<APITokenScope>, _ scope: APITokenScope, operationID: String) -> Bool {
        scopes.contains(scope) || alsoOpenTo[operationID].map(scopes.contains) == true
    }

    static func scope(of operationID: String) -> APITokenScope? {
        open.contains(operationID) ? nil : (required[operationID] ?? .admin)
    }

    /// Operations whose body is JSON (others take CSV or nothing): a body of another type is 415.
    static let jsonBody: Set<String> = [
        "createJob", "createJobs", "createProject", "createToken", "createProjectEndpoint",
        "advanceProject", "createSchedule", "createProjectBaseline", "setProjectCalendar", "setProjectRisks",
        "setQueueGroupLimit",
    ]
    static let csvBody: Set<String> = ["createImport", "dryRunImport"]
}
