"""Checks of the deployment files that no off-the-shelf validator makes; run by ops/validate-deploy.

  deploy-checks.py env ROOT REPO         every variable the files set for a gantry container is one the binary reads
  deploy-checks.py drain ROOT            the workers' stop grace covers their drain (--grace)
  deploy-checks.py consistency ROOT      the files agree with each other (ports, probes, targets, tests, datasources)
  deploy-checks.py promql ROOT           prints a rules file holding every PromQL query of the dashboard and the
                                         ScaledObject, for `promtool check rules` to parse

ROOT holds docker/ and ops/ (the checkout, or the self-test's broken copy); REPO holds Sources/. Exit 1 with one
line per problem.
"""
import glob
import json
import os
import re
import sys

import yaml

# Read by swift-otel, the OpenTelemetry SDK linked into the binary (its environment configuration, OTel's
# standard names), not by Gantry's own code; and SWIFT_BACKTRACE, read by the Swift runtime.
OTEL_SDK = {
    "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SDK_DISABLED", "OTEL_PROPAGATORS", "OTEL_LOG_LEVEL",
    "OTEL_TRACES_EXPORTER", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
} | {f"OTEL_EXPORTER_OTLP_{signal}{name}" for signal in ("", "TRACES_")
     for name in ("ENDPOINT", "HEADERS", "TIMEOUT", "COMPRESSION", "PROTOCOL", "INSECURE", "CERTIFICATE",
                  "CLIENT_KEY", "CLIENT_CERTIFICATE")}
RUNTIME = {"SWIFT_BACKTRACE"}

problems = []


def problem(text):
    problems.append(text)


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def k8s_docs(root):
    docs = []
    for path in sorted(glob.glob(os.path.join(root, "ops/k8s/**/*.yaml"), recursive=True)):
        docs += [(os.path.relpath(path, root), d) for d in load_all(path)]
    return docs


def compose(root):
    with open(os.path.join(root, "docker/compose.yaml")) as f:
        return yaml.safe_load(f)  # PyYAML's safe loader merges `<<` keys, as Compose does


def is_gantry_service(service):
    build = service.get("build") or {}
    return (isinstance(build, dict) and build.get("dockerfile") == "docker/Dockerfile") or "gantry" in str(service.get("image", ""))


def compose_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        return {e.split("=", 1)[0] for e in env}
    return set(env)


def containers(doc):
    spec = doc.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    return pod.get("containers", []) + pod.get("initContainers", [])


def flag(args, name, default=None):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default


def duration_seconds(text):
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(text))
    if not m or not any(m.groups()):
        raise ValueError(f"unreadable duration {text!r}")
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


def check_env(root, repo):
    read = set()
    for path in glob.glob(os.path.join(repo, "Sources/**/*.swift"), recursive=True):
        if "/Sources/GantryTesting/" in path:
            continue  # the test support's variables are the tests', not the binary's
        with open(path) as f:
            read |= set(re.findall(r'"((?:GANTRY|OTEL)_[A-Z0-9_]+)"', f.read()))
    if "GANTRY_REDIS_URL" not in read:
        problem(f"found no GANTRY_ variable in {repo}/Sources: wrong REPO?")
    known = read | OTEL_SDK | RUNTIME

    def judge(where, names):
        for name in sorted(names):
            if name not in known:
                problem(f"{where} sets {name}, which the gantry binary does not read")

    for name, service in (compose(root).get("services") or {}).items():
        if is_gantry_service(service):
            judge(f"docker/compose.yaml service {name}", compose_env(service))
            if service.get("env_file"):
                problem(f"docker/compose.yaml service {name}: env_file is not checked; set environment instead")
    with open(os.path.join(root, "docker/Dockerfile")) as f:
        judge("docker/Dockerfile", re.findall(r"^ENV\s+([A-Za-z_][A-Za-z0-9_]*)", f.read(), re.M))

    docs = k8s_docs(root)
    sources = {(d["kind"], d["metadata"]["name"]): set(d.get("data") or {}) | set(d.get("stringData") or {})
               for _, d in docs if d.get("kind") in ("ConfigMap", "Secret")}
    for path, doc in docs:
        for c in containers(doc):
            if not str(c.get("image", "")).startswith("gantry"):
                continue
            where = f"{path} {doc['kind']}/{doc['metadata']['name']} container {c['name']}"
            judge(where, {e["name"] for e in c.get("env", [])})
            for ref in c.get("envFrom", []):
                kind, key = ("ConfigMap", "configMapRef") if "configMapRef" in ref else ("Secret", "secretRef")
                name = ref[key]["name"]
                if (kind, name) not in sources:
                    problem(f"{where}: envFrom names {kind} {name}, which ops/k8s does not define")
                    continue
                judge(f"{where} (through {kind} {name})", sources[(kind, name)])


def drain_seconds(args):
    """What a worker's drain may take: --grace for running jobs, 5 s for handlers that ignore cancellation,
    then flushing finished jobs for up to max(10 s, grace) while the stores are down (Worker.drain)."""
    grace = float(flag(args, "--grace", "25"))
    return grace + 5 + max(10, grace)


def check_drain(root):
    worker = compose(root)["services"]["worker"]
    need = drain_seconds(worker.get("command", []))
    have = duration_seconds(worker.get("stop_grace_period", "10s"))
    if have < need:
        problem(f"docker/compose.yaml: the worker's stop_grace_period {have}s is shorter than its drain ({need:.0f}s)")
    found = False
    for path, doc in k8s_docs(root):
        if doc.get("kind") != "Deployment":
            continue
        for c in containers(doc):
            args = c.get("args", [])
            if args[:1] == ["worker"]:
                found = True
                have = doc["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
                need = drain_seconds(args)
                if have < need:
                    problem(f"{path}: terminationGracePeriodSeconds {have} is shorter than the worker's drain ({need:.0f}s)")
    if not found:
        problem("ops/k8s has no worker Deployment")


def check_consistency(root):
    c = compose(root)
    services = c.get("services", {})
    for name in ("redis", "postgres"):
        if services.get(name, {}).get("ports"):
            problem(f"docker/compose.yaml: {name} publishes host ports (put them in docker/compose.ports.yaml)")
    worker = services.get("worker", {})
    if "container_name" in worker or worker.get("ports"):
        problem("docker/compose.yaml: the worker has a container_name or host ports, so --scale cannot work")
    if "--appendonly" not in services.get("redis", {}).get("command", []):
        problem("docker/compose.yaml: redis runs without its append-only file")
    for name, service in services.items():
        if is_gantry_service(service) and name != "migrate":
            if (service.get("depends_on") or {}).get("migrate", {}).get("condition") != "service_completed_successfully":
                problem(f"docker/compose.yaml: {name} does not wait for migrate to complete")

    docs = k8s_docs(root)
    deployments = {d["metadata"]["name"] for _, d in docs if d.get("kind") == "Deployment"}
    for path, doc in docs:
        kind = doc.get("kind")
        if kind in ("ScaledObject", "HorizontalPodAutoscaler"):
            target = doc["spec"]["scaleTargetRef"]["name"]
            if target not in deployments:
                problem(f"{path}: {kind} scales {target}, which is no Deployment of ops/k8s")
        if kind == "ScaledObject":
            queries = " ".join(t["metadata"].get("query", "") for t in doc["spec"]["triggers"] if t["type"] == "prometheus")
            for metric in ("gantry_queue_ready", "gantry_queue_oldest_age_seconds"):
                if metric not in queries:
                    problem(f"{path}: no prometheus trigger on {metric}")
        if kind != "Deployment":
            continue
        for ct in containers(doc):
            where = f"{path} container {ct['name']}"
            ports = {p.get("name"): p["containerPort"] for p in ct.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                get = (ct.get(probe) or {}).get("httpGet")
                if not get:
                    problem(f"{where}: no HTTP {probe}")
                elif get["port"] not in ports and get["port"] not in ports.values():
                    problem(f"{where}: the {probe}'s port {get['port']} is not a port of the container")
            requests = (ct.get("resources") or {}).get("requests") or {}
            if not {"cpu", "memory"} <= set(requests):
                problem(f"{where}: no cpu and memory requests")
            args = ct.get("args", [])
            served = flag(args, "--port", "8080") if args[:1] == ["api"] else flag(args, "--metrics-port")
            if served is None:
                problem(f"{where}: {args[:1]} serves no metrics (--metrics-port)")
            elif int(served) not in ports.values():
                problem(f"{where}: serves on {served}, which is not a containerPort")
            if args[:1] in (["worker"], ["coordinator"]) and flag(args, "--metrics-host") != "0.0.0.0":
                problem(f"{where}: metrics on loopback only (pass --metrics-host 0.0.0.0)")

    with open(os.path.join(root, "ops/prometheus/alerts.yml")) as f:
        alerts = {r["alert"] for g in yaml.safe_load(f)["groups"] for r in g["rules"] if "alert" in r}
    with open(os.path.join(root, "ops/prometheus/alerts.test.yml")) as f:
        fired = {t["alertname"] for test in yaml.safe_load(f)["tests"] for t in test.get("alert_rule_test", [])
                 if t.get("exp_alerts")}
    for name in sorted(alerts - fired):
        problem(f"ops/prometheus/alerts.test.yml: no test fires {name}")

    with open(os.path.join(root, "docker/grafana/provisioning/datasources/prometheus.yaml")) as f:
        uids = {d["uid"] for d in yaml.safe_load(f)["datasources"]}
    dashboard = load_dashboard(root)
    ids = [p["id"] for p in dashboard["panels"]]
    if len(ids) != len(set(ids)):
        problem("ops/grafana/gantry.json: panel ids repeat")
    for p in dashboard["panels"]:
        for t in [p] + p.get("targets", []):
            uid = (t.get("datasource") or {}).get("uid")
            if uid and uid not in uids:
                problem(f"ops/grafana/gantry.json panel {p['title']!r}: datasource {uid} is not provisioned ({sorted(uids)})")
        if p["type"] != "row" and not p.get("targets"):
            problem(f"ops/grafana/gantry.json panel {p['title']!r}: no query")


def load_dashboard(root):
    with open(os.path.join(root, "ops/grafana/gantry.json")) as f:
        return json.load(f)


def promql_rules(root):
    """The queries as recording rules, Grafana's variables replaced by what they stand for."""
    exprs = []
    for p in load_dashboard(root)["panels"]:
        exprs += [(f"dashboard panel {p['title']}", t["expr"]) for t in p.get("targets", [])]
    for path, doc in k8s_docs(root):
        if doc.get("kind") == "ScaledObject":
            exprs += [(f"{path} trigger {t.get('name', t['type'])}", t["metadata"]["query"])
                      for t in doc["spec"]["triggers"] if t["type"] == "prometheus"]
    rules = []
    for i, (where, expr) in enumerate(exprs):
        expr = re.sub(r"\$__(rate_)?interval", "5m", expr)
        expr = re.sub(r"\$\{?\w+\}?", ".*", expr)
        rules.append({"record": f"check:query_{i}", "expr": expr, "labels": {"source": where}})
    return {"groups": [{"name": "queries", "rules": rules}]}


def main():
    command, root = sys.argv[1], sys.argv[2]
    try:
        if command == "env":
            check_env(root, sys.argv[3])
        elif command == "drain":
            check_drain(root)
        elif command == "consistency":
            check_consistency(root)
        elif command == "promql":
            yaml.safe_dump(promql_rules(root), sys.stdout, sort_keys=False, width=1000)
            return
        else:
            sys.exit(f"unknown check {command}")
    except (KeyError, TypeError, ValueError, AttributeError, json.JSONDecodeError, yaml.YAMLError) as error:
        problem(f"{command}: the files do not have the expected shape ({type(error).__name__}: {error})")
    for text in problems:
        print(text)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
