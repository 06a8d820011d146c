import GantryPostgresStore

/// Which scope each operation needs, by operationId. An operation missing here needs `admin`, so
/// a new operation is closed until someone decides who may call it. Health and metrics need none.
enum OperationScopes {
    static let open: Set<String> = ["getHealthz", "getReadyz", "getMetrics"]

    static let required: [String: APITokenScope] = [
        "createJob": .submit, "createJobs": .submit, "cancelJob": .submit, "retryJob": .submit,
        "retryDeadJobs": .submit, "createProject": .submit, "createImport": .submit,
        "getJob": .read, "listJobs": .read, "listQueues": .read, "listWorkers": .read, "listKinds": .read,
        "listProjects": .read, "getProject": .read, "getImport": .read, "getImportResults": .read,
        "listReports": .read, "getReport": .read, "getOpenAPIDocument": .read, "listSchedules": .read,
        "purgeDeadJobs": .admin, "createToken": .admin, "listTokens": .admin, "revokeToken": .admin,
    ]

    static func scope(of operationID: String) -> APITokenScope? {
        open.contains(operationID) ? nil : (required[operationID] ?? .admin)
    }

    /// Operations whose body is JSON (others take CSV or nothing): a body of another type is 415.
    static let jsonBody: Set<String> = ["createJob", "createJobs", "createProject", "createToken", "createSchedule"]
    static let csvBody: Set<String> = ["createImport"]
}
